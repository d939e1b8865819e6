/*
 * Checksum files as sha256sum(1) writes them, which is how Deno publishes
 * <asset>.sha256sum: one line per file, "<64 hex digits><sep><name>" where
 * sep is two spaces (text mode), " *" (binary mode) or, leniently, one
 * space. Pure functions, no I/O and no messages, so they can be fuzzed.
 */
#ifndef CFNGEN_SUMFILE_H
#define CFNGEN_SUMFILE_H

#include <stddef.h>

#include "digest.h"

struct sumfile_error {
	int		 line;	/* 1-based; 0 when not about one line */
	const char	*what;	/* static text: "expected 64 hexadecimal ..." */
};

/*
 * Finds the digest of the file called name in text (len bytes; NULs are
 * an error). A line may end in "\n" or "\r\n"; the last may lack its
 * newline. Every line must be well formed, even those naming other files;
 * blank lines, comments and sha256sum's escaped names ("\\...") are
 * rejected. A name matches if it equals name or ends in "/" name.
 * On success writes the lowercase digest to hex (NUL-terminated) and
 * returns 0; otherwise fills err and returns -1 (no entry for name is an
 * error too, as are two different digests for it).
 */
int	sumfile_find(const char *text, size_t len, const char *name,
	    char hex[SHA256_HEX_LEN + 1], struct sumfile_error *err);

#endif
