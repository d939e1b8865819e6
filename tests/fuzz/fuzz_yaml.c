/*
 * The YAML reader (yamlio.c), and the writer on what it reads: whatever
 * the bytes, yamlio_parse must not crash or leak; a document it accepts
 * must come out of yamlio_emit as text that yamlio_parse reads back as the
 * same document.
 */
#include "config.h"

#include "buf.h"
#include "doc.h"
#include "fuzz.h"
#include "xalloc.h"
#include "yamlio.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct doc	*d, *back;
	struct buf	 out;

	fuzz_quiet();
	if ((d = yamlio_parse((const char *)data, size, "fuzz")) == NULL)
		return 0;
	buf_init(&out, 0);
	if (yamlio_emit(d, "comment", &out) == -1)
		abort();
	back = yamlio_parse(out.data, out.len, "fuzz output");
	if (!doc_equal(d, back))
		abort();
	doc_free(back);
	doc_free(d);
	buf_free(&out);
	return 0;
}
