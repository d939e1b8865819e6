/*
 * Checksum file parsing (sumfile.c), and the URL redaction of http.c that
 * keeps signatures out of messages. Each case: the file's text, and the
 * digest expected for NAME, or NULL and the error (line and text).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "sumfile.h"
#include "tap.h"

#define NAME	"deno-x86_64-unknown-linux-gnu.zip"
#define D1	"5e8a0bcf2a1e2bb4e5ec1a6b7fcfb6a0d1b7f6d8f5f5a1b2c3d4e5f60718293a"
#define D1U	"5E8A0BCF2A1E2BB4E5EC1A6B7FCFB6A0D1B7F6D8F5F5A1B2C3D4E5F60718293A"
#define D2	"0000000000000000000000000000000000000000000000000000000000000001"

struct sumcase {
	const char	*what;
	const char	*text;
	size_t		 len;		/* 0: strlen(text) */
	const char	*want;		/* digest, or NULL for an error */
	int		 line;		/* expected error line */
	const char	*error;		/* expected start of the error text */
};

static const struct sumcase	cases[] = {
	{ "two spaces", D1 "  " NAME "\n", 0, D1, 0, NULL },
	{ "binary marker", D1 " *" NAME "\n", 0, D1, 0, NULL },
	{ "one space", D1 " " NAME "\n", 0, D1, 0, NULL },
	{ "no final newline", D1 "  " NAME, 0, D1, 0, NULL },
	{ "CRLF", D1 "  " NAME "\r\n", 0, D1, 0, NULL },
	{ "uppercase hex is lowered", D1U "  " NAME "\n", 0, D1, 0, NULL },
	{ "path prefix", D1 "  ./dist/" NAME "\n", 0, D1, 0, NULL },
	{ "several files", D2 "  deno-aarch64-unknown-linux-gnu.zip\n"
	    D1 "  " NAME "\n", 0, D1, 0, NULL },
	{ "same digest twice", D1 "  " NAME "\n" D1 "  " NAME "\n", 0, D1,
	    0, NULL },

	{ "empty", "", 0, NULL, 0, "empty checksum file" },
	{ "NUL byte", D1 "  " NAME "\0\n", 101, NULL, 0, "not a text file" },
	{ "63 digits", "5e8a0bcf2a1e2bb4e5ec1a6b7fcfb6a0d1b7f6d8f5f5a1b2c3d4e5f6071829"
	    "3  " NAME "\n", 0, NULL, 1, "expected 64 hexadecimal digits at" },
	{ "65 digits", D1 "a  " NAME "\n", 0, NULL, 1, "expected two spaces" },
	{ "not hex", "g" D1 "  " NAME "\n", 0, NULL, 1,
	    "expected 64 hexadecimal digits at the start" },
	{ "digest only", D1 "\n", 0, NULL, 1, "expected 64 hexadecimal digits, two" },
	{ "no name", D1 "  \n", 0, NULL, 1, "no file name" },
	{ "three spaces", D1 "   " NAME "\n", 0, NULL, 1, "no file name" },
	{ "tab separator", D1 "\t" NAME "\n", 0, NULL, 1, "expected two spaces" },
	{ "blank line", D1 "  " NAME "\n\n", 0, NULL, 2, "blank line" },
	{ "leading blank line", "\n" D1 "  " NAME "\n", 0, NULL, 1, "blank line" },
	{ "escaped name", "\\" D1 "  " NAME "\n", 0, NULL, 1,
	    "expected 64 hexadecimal digits at the start" },
	{ "comment", "# sums\n" D1 "  " NAME "\n", 0, NULL, 1,
	    "expected 64 hexadecimal digits" },
	{ "HTML page", "<!DOCTYPE html><html><body>Not Found</body></html>\n", 0,
	    NULL, 1, "expected 64 hexadecimal digits" },
	{ "PowerShell format", "\r\nAlgorithm : SHA256\r\nHash      : " D1U
	    "\r\nPath      : C:\\" NAME "\r\n", 0, NULL, 1, "blank line" },
	{ "other file only", D1 "  deno-aarch64-unknown-linux-gnu.zip\n", 0,
	    NULL, 0, "no line for the file" },
	{ "name is a suffix only", D1 "  x" NAME "\n", 0, NULL, 0,
	    "no line for the file" },
	{ "two digests", D1 "  " NAME "\n" D2 "  " NAME "\n", 0, NULL, 2,
	    "two different digests" },
	{ "control character", D1 "  " NAME "\x1b\n", 0, NULL, 1,
	    "control character" },
	{ "bad second line", D1 "  " NAME "\nxyz\n", 0, NULL, 2,
	    "expected 64 hexadecimal digits, two" },
};

static void
sumcase(const struct sumcase *c)
{
	struct sumfile_error	 err;
	char			 hex[SHA256_HEX_LEN + 1] = "untouched";
	size_t			 len = c->len ? c->len : strlen(c->text);
	int			 rc;

	rc = sumfile_find(c->text, len, NAME, hex, &err);
	if (c->want != NULL) {
		ok(rc == 0 && strcmp(hex, c->want) == 0, "sumfile: %s", c->what);
		if (rc != 0)
			printf("# error line %d: %s\n", err.line, err.what);
		return;
	}
	ok(rc == -1 && err.line == c->line && err.what != NULL &&
	    strncmp(err.what, c->error, strlen(c->error)) == 0 &&
	    strcmp(hex, "untouched") == 0, "sumfile rejects: %s", c->what);
	if (rc == 0)
		printf("# accepted with %s\n", hex);
	else if (err.line != c->line || err.what == NULL ||
	    strncmp(err.what, c->error, strlen(c->error)) != 0)
		printf("# got line %d: %s\n# expected line %d: %s\n", err.line,
		    err.what ? err.what : "(null)", c->line, c->error);
}

static void
redact(const char *url, const char *want)
{
	char	*got = http_redact_url(url);

	is_str(got, want, url);
	free(got);
}

int
main(void)
{
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		sumcase(&cases[i]);

	redact("https://example.com/a/b.zip", "https://example.com/a/b.zip");
	redact("https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256"
	    "&X-Amz-Credential=AKID%2F20260101&X-Amz-Signature=abc123&x=1",
	    "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256"
	    "&X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&x=1");
	redact("https://h/p?x-amz-security-token=T&a", "https://h/p?x-amz-security-token=REDACTED&a");
	redact("https://release-assets.githubusercontent.com/x?sp=r&sig=S%3D&jwt=e.y.z",
	    "https://release-assets.githubusercontent.com/x?sp=r&sig=REDACTED&jwt=REDACTED");
	redact("http://user:pw@proxy.example:8080/p?q=1", "http://proxy.example:8080/p?q=1");
	redact("https://h/p?X-Amz-Signature=s#frag", "https://h/p?X-Amz-Signature=REDACTED");
	redact("https://h/p?", "https://h/p?");
	redact("https://h/p?signaturex=1&&sig", "https://h/p?signaturex=1&&sig");
	return tap_end();
}
