/*
 * The JSON reader (json.c), and both writers on what it reads: whatever
 * the bytes, json_parse must not crash or leak; a document it accepts must
 * survive json_emit -> json_parse unchanged, and yamlio_emit -> yamlio_parse
 * -> json_emit must give the same JSON text (the YAML reader turns
 * {"Ref": x} into an intrinsic, which JSON writes back as {"Ref": x}).
 * Every string the quoting decision lets through plain is read back as
 * itself, or this fails.
 */
#include "config.h"

#include "buf.h"
#include "doc.h"
#include "fuzz.h"
#include "json.h"
#include "xalloc.h"
#include "yamlio.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct doc	*d, *back;
	struct buf	 json, yaml, again;

	fuzz_quiet();
	if ((d = json_parse((const char *)data, size, "fuzz")) == NULL)
		return 0;
	buf_init(&json, 0);
	buf_init(&yaml, 0);
	buf_init(&again, 0);
	if (json_emit(d, &json) == -1)
		abort();
	back = json_parse(json.data, json.len, "fuzz output");
	if (!doc_equal(d, back))
		abort();
	doc_free(back);
	/* invalid UTF-8 is the one thing the YAML writer may refuse */
	if (yamlio_emit(d, NULL, &yaml) == 0) {
		if ((back = yamlio_parse(yaml.data, yaml.len, "fuzz yaml")) == NULL ||
		    json_emit(back, &again) == -1 || again.len != json.len ||
		    memcmp(again.data, json.data, json.len) != 0)
			abort();
		doc_free(back);
	}
	doc_free(d);
	buf_free(&json);
	buf_free(&yaml);
	buf_free(&again);
	return 0;
}
