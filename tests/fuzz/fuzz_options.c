/*
 * Option and CDK context parsing: the input is lines "name=value" (a flag
 * and its value), "-c key=value", or a bare flag name. Whatever the bytes,
 * the setters must not crash or leak, and a rejected value must leave the
 * options valid.
 */
#include "config.h"

#include "fuzz.h"
#include "options.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct options	 o;
	char		*text, *line, *save = NULL, *eq;

	fuzz_quiet();
	text = fuzz_cstr(data, size);
	options_init(&o);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "-c ", 3) == 0)
			(void)options_set_context(&o, line + 3);
		else if ((eq = strchr(line, '=')) != NULL) {
			*eq = '\0';
			(void)options_set(&o, line, eq + 1);
		} else
			(void)options_set(&o, line, NULL);
	}
	/* options_finish looks at the file system; the setters are the parser. */
	if (o.deno_version == NULL || o.layer_name == NULL || o.prefix == NULL)
		abort();
	options_free(&o);
	free(text);
	return 0;
}
