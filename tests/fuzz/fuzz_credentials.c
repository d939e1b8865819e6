/*
 * What credential providers read from other programs and endpoints
 * (aws_config.c): credential_process and container/instance JSON replies,
 * the credential_process command line split, and Expiration times.
 * Whatever the bytes, no crash or leak; accepted credentials are complete.
 */
#include "config.h"

#include "aws_config.h"
#include "credentials.h"
#include "proc.h"
#include "fuzz.h"

static void
check(const uint8_t *data, size_t size, const char *token_key, int process)
{
	struct aws_credentials	cr;

	memset(&cr, 0, sizeof(cr));
	if (aws_credentials_from_json((const char *)data, size, "fuzz",
	    token_key, process, &cr) == 0 &&
	    (cr.access_key_id == NULL || *cr.access_key_id == '\0' ||
	    cr.secret_access_key == NULL || *cr.secret_access_key == '\0'))
		abort();
	aws_credentials_free(&cr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	 *why = NULL;
	char		 *s, **argv;
	size_t		  i;

	fuzz_quiet();
	check(data, size, "SessionToken", 1);
	check(data, size, "Token", 0);
	s = fuzz_cstr(data, size);
	if ((argv = proc_split_command(s, &why)) != NULL) {
		for (i = 0; argv[i] != NULL; i++)
			free(argv[i]);
		free(argv);
	} else if (why == NULL)
		abort();
	(void)aws_parse_time(s);
	free(s);
	return 0;
}
