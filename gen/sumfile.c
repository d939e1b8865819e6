#include "config.h"

#include <string.h>

#include "sumfile.h"

static int
fail(struct sumfile_error *err, int line, const char *what)
{
	err->line = line;
	err->what = what;
	return -1;
}

/* Does the name field (n bytes at p) name the file called name? */
static int
names(const char *p, size_t n, const char *name)
{
	size_t	nl = strlen(name);

	if (n == nl)
		return memcmp(p, name, n) == 0;
	return n > nl && p[n - nl - 1] == '/' && memcmp(p + n - nl, name, nl) == 0;
}

int
sumfile_find(const char *text, size_t len, const char *name,
    char hex[SHA256_HEX_LEN + 1], struct sumfile_error *err)
{
	const char	*p = text, *end = text + len, *eol, *nm;
	char		 digest[SHA256_HEX_LEN + 1], got[SHA256_HEX_LEN + 1];
	size_t		 n, i;
	int		 line = 0, found = 0;

	err->line = 0;
	err->what = NULL;
	if (len == 0)
		return fail(err, 0, "empty checksum file");
	if (memchr(text, '\0', len) != NULL)
		return fail(err, 0, "not a text file (holds NUL bytes)");
	while (p < end) {
		line++;
		eol = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((eol ? eol : end) - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n == 0)
			return fail(err, line, "blank line");
		if (n < SHA256_HEX_LEN + 2)
			return fail(err, line, "expected 64 hexadecimal digits, "
			    "two spaces and a file name");
		for (i = 0; i < SHA256_HEX_LEN; i++) {
			if (hex_digit((unsigned char)p[i]) == -1)
				return fail(err, line, "expected 64 "
				    "hexadecimal digits at the start");
			digest[i] = "0123456789abcdef"[hex_digit((unsigned char)p[i])];
		}
		digest[SHA256_HEX_LEN] = '\0';
		if (p[i] != ' ')
			return fail(err, line, "expected two spaces (or \" *\") "
			    "after the digest");
		i++;
		if (p[i] == ' ' || p[i] == '*')
			i++;
		nm = p + i;
		if (i >= n || *nm == ' ' || *nm == '\t')
			return fail(err, line, "no file name after the digest");
		for (; i < n; i++)
			if ((unsigned char)p[i] < ' ' || p[i] == 0x7f)
				return fail(err, line, "control character in "
				    "the file name");
		if (names(nm, (size_t)(p + n - nm), name)) {
			if (found && strcmp(got, digest) != 0)
				return fail(err, line, "two different digests "
				    "for the file");
			memcpy(got, digest, sizeof(digest));
			found = 1;
		}
		p = eol ? eol + 1 : end;
	}
	if (!found)
		return fail(err, 0, "no line for the file");
	memcpy(hex, got, sizeof(got));
	return 0;
}
