/*
 * The AWS INI reader: what it accepts and what it gets, and for what it
 * refuses, the exact message (file and line first).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "ini.h"
#include "tap.h"
#include "xalloc.h"

/* stderr goes to a file so each case can compare the message. */
static FILE	*errf;

static char *
take_stderr(void)
{
	struct buf	b;
	char		chunk[512];
	size_t		n;

	fflush(stderr);
	buf_init(&b, 0);
	rewind(errf);
	while ((n = fread(chunk, 1, sizeof(chunk), errf)) > 0)
		if (buf_add(&b, chunk, n) == -1)
			abort();
	rewind(errf);
	if (ftruncate(fileno(errf), 0) == -1)
		perror("ftruncate");
	return buf_steal(&b);
}

static const struct bad {
	const char	*text;
	const char	*message;
} bad[] = {
	{ "region = us-east-1\n",
	  "cfngen: f:1: a setting before the first [section]\n" },
	{ "[default\nregion = x\n",
	  "cfngen: f:1: section header without a closing ]\n" },
	{ "[default] region = x\n",
	  "cfngen: f:1: text after the section header's ]\n" },
	{ "# c\n[ ]\n", "cfngen: f:2: empty section name\n" },
	{ "[default]\nregion us-east-1\n",
	  "cfngen: f:2: expected \"key = value\"\n" },
	{ "[default]\n = x\n", "cfngen: f:2: a setting without a name\n" },
	{ "[a]\nx = 1\n\n[a]\n",
	  "cfngen: f:4: section [a] again (first at line 1)\n" },
	{ "[a]\nregion = 1\nRegion = 2\n",
	  "cfngen: f:3: region set again (first at line 2)\n" },
	{ "[a]\nregion = us-east-1\n  output = json\n",
	  "cfngen: f:3: indented line continues the value of region (line 2); "
	  "a value must be on one line\n" },
	{ "[a]\ns3 =\n  addressing_style\n",
	  "cfngen: f:3: expected \"key = value\"\n" },
	{ "[a]\ns3 =\n  x = 1\n  x = 2\n",
	  "cfngen: f:4: x set again (first at line 3)\n" },
	{ "[a]\nx = 1\n\0y = 2\n",
	  "cfngen: f: not a text file (holds NUL bytes)\n" },
};

static void
test_bad(void)
{
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* the NUL case: measure up to the final newline */
		size_t		 len = strlen(bad[i].text);
		struct ini	*ini;
		char		*err, *what;

		if (strstr(bad[i].message, "NUL") != NULL)
			len += 1 + strlen(bad[i].text + len + 1);
		ini = ini_parse(bad[i].text, len, "f");
		err = take_stderr();
		what = xasprintf("refused: %s", bad[i].message + 8);
		what[strlen(what) - 1] = '\0';
		ok(ini == NULL, "%s", what);
		is_str(err, bad[i].message, "  with exactly that message");
		free(what);
		free(err);
		ini_free(ini);
	}
}

static const char good[] =
    "\xef\xbb\xbf# AWS config, every kind of line\n"
    "; a semicolon comment\n"
    "\n"
    "[default]\n"
    "region=us-west-2\n"
    "   # an indented comment\n"
    "OUTPUT : json\r\n"
    "\n"
    "[profile  dev ]   # trailing comment on a header\n"
    "  region = eu-central-1  \n"
    "s3 =\n"
    "    addressing_style = path\n"
    "\n"
    "    ; comment inside the sub-section\n"
    "\tmax_concurrent_requests=20\n"
    "credential_process = /usr/bin/helper --url http://x:1/a=b # not a comment\n"
    "empty =\n"
    "[a]b]\n"
    "k = v\n";

static void
test_good(void)
{
	struct ini	*ini;
	char		*err;

	ini = ini_parse(good, sizeof(good) - 1, "config");
	err = take_stderr();
	if (!ok(ini != NULL, "a file with every kind of line parses")) {
		printf("# %s", err);
		free(err);
		return;
	}
	is_str(err, "", "  silently");
	free(err);
	ok(ini_nsections(ini) == 3, "three sections");
	is_str(ini_section_name(ini, 0), "default", "section name");
	is_str(ini_section_name(ini, 1), "profile  dev",
	    "section name trimmed, inner blanks kept");
	is_str(ini_section_name(ini, 2), "a]b", "the last ] closes");
	ok(ini_section_name(ini, 3) == NULL, "no fourth section");
	is_str(ini_value(ini, 0, "region"), "us-west-2", "key=value");
	is_str(ini_value(ini, 0, "output"), "json",
	    "\"KEY : value\" with CRLF: key lowercased, ':' separates");
	ok(ini_line(ini, 0, "output") == 7, "line numbers count every line");
	is_str(ini_value(ini, 1, "region"), "eu-central-1",
	    "indented key, value trimmed");
	is_str(ini_value(ini, 1, "s3"), "", "a sub-section's key is empty");
	is_str(ini_subvalue(ini, 1, "s3", "addressing_style"), "path",
	    "sub-setting");
	is_str(ini_subvalue(ini, 1, "s3", "max_concurrent_requests"), "20",
	    "sub-setting after a blank line, a comment and a tab");
	is_str(ini_value(ini, 1, "credential_process"),
	    "/usr/bin/helper --url http://x:1/a=b # not a comment",
	    "the value is the rest of the line, as the AWS CLI reads it");
	is_str(ini_value(ini, 1, "empty"), "", "an empty value");
	ok(ini_value(ini, 1, "missing") == NULL, "a missing key is NULL");
	ok(ini_subvalue(ini, 1, "region", "x") == NULL,
	    "no sub-setting under a plain value");
	is_str(ini_value(ini, 2, "k"), "v", "key in the last section");
	ini_free(ini);
}

static void
test_load(void)
{
	char		 path[] = "/tmp/cfngen-unit-ini.XXXXXX";
	struct ini	*ini;
	char		*err;
	int		 fd;

	ini = ini_load("/nonexistent/cfngen/credentials");
	ok(ini != NULL && ini_nsections(ini) == 0,
	    "a missing file reads as an empty one");
	ini_free(ini);
	if ((fd = mkstemp(path)) == -1 ||
	    write(fd, "[x]\nbad line\n", 13) != 13) {
		ok(0, "cannot create %s", path);
		return;
	}
	close(fd);
	ini = ini_load(path);
	err = take_stderr();
	ok(ini == NULL, "a file with an error does not load");
	ok(strstr(err, path) != NULL && strstr(err, ":2: ") != NULL,
	    "  and the message names the file and the line");
	free(err);
	unlink(path);
	ini = ini_load("/");
	err = take_stderr();
	ok(ini == NULL && strstr(err, "cfngen: /: ") == err,
	    "a directory is reported, naming it");
	free(err);
}

int
main(void)
{
	if ((errf = tmpfile()) == NULL || dup2(fileno(errf), 2) == -1) {
		perror("tmpfile");
		return 1;
	}
	test_bad();
	test_good();
	test_load();
	return tap_end();
}
