/*
 * The ELF reader (elf.c): whatever the bytes, no crash, no read out of
 * bounds, no endless loop; and the streaming scan, fed the bytes in
 * chunks of an input-chosen size (and the ranges it asks for again),
 * reaches the same verdict as the parse of the whole image.
 */
#include "config.h"

#include "elf.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_info	 a, b;
	struct elf_scan	*s;
	const char	*why;
	enum elf_status	 whole, streamed;
	uint64_t	 off, len;
	size_t		 chunk, i;
	int		 rounds;

	fuzz_quiet();
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	whole = elf_parse_buf(data, size, &a, &why);
	if (whole == ELF_MORE)
		abort();
	/* The last byte picks the chunk size, so the fuzzer explores it. */
	chunk = size > 0 ? (size_t)data[size - 1] * 97 + 1 : 1;
	s = elf_scan_new(size);
	for (i = 0; i < size; i += chunk)
		elf_scan_feed(s, i, data + i, size - i < chunk ? size - i : chunk);
	for (rounds = 0; rounds < 8; rounds++) {
		streamed = elf_scan_result(s, &b, &why, &off, &len);
		if (streamed != ELF_MORE)
			break;
		if (off > size || len > size - off)
			abort();	/* asked for bytes that are not there */
		elf_scan_feed(s, off, data + off, (size_t)len);
	}
	if (rounds == 8 || streamed != whole)
		abort();
	if (whole == ELF_OK && memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	elf_scan_free(s);
	return 0;
}
