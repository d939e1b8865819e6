/*
 * Checksum files (sumfile.c): whatever the bytes, sumfile_find must not
 * crash, must say why it refuses, and a digest it returns must be 64
 * lowercase hex digits found (in either case) in the input. Seeds:
 * tests/fuzz/corpus/sumfile.
 */
#include "config.h"

#include "fuzz.h"
#include "sumfile.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sumfile_error	 err;
	char			 hex[SHA256_HEX_LEN + 1];
	char			*text, *lower;
	size_t			 i;

	fuzz_quiet();
	/* An exact-size copy, so reads past the end are caught. */
	text = malloc(size ? size : 1);
	if (text == NULL)
		abort();
	memcpy(text, data, size);
	if (sumfile_find(text, size, "deno-x86_64-unknown-linux-gnu.zip", hex,
	    &err) == 0) {
		if (strlen(hex) != SHA256_HEX_LEN ||
		    strspn(hex, "0123456789abcdef") != SHA256_HEX_LEN)
			abort();
		lower = fuzz_cstr(data, size);
		for (i = 0; i < size; i++)
			if (lower[i] >= 'A' && lower[i] <= 'F')
				lower[i] += 'a' - 'A';
		if (memmem(lower, size, hex, SHA256_HEX_LEN) == NULL)
			abort();
		free(lower);
	} else if (err.what == NULL || err.line < 0)
		abort();
	free(text);
	return 0;
}
