/*
 * --help, the man page's option list and the option table say the same:
 * every flag of the table has help text, is in --help (options_help()) and
 * in cfngen.1's OPTIONS section, and neither lists a flag the table lacks.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "options.h"
#include "tap.h"
#include "xalloc.h"

/* The text of b, which is freed. */
static char *
steal(struct buf *b)
{
	char	*s = buf_steal(b);

	buf_free(b);
	return s;
}

/* cfngen.1, its OPTIONS section only, with the man escapes "\-" as "-". */
static char *
man_options(void)
{
	const char	*top = getenv("top_srcdir");
	char		*path, line[1024], *p, *q;
	struct buf	 b;
	FILE		*f;
	int		 in = 0;

	path = xasprintf("%s/cfngen.1", top != NULL ? top : "..");
	buf_init(&b, 0);
	if ((f = fopen(path, "r")) == NULL) {
		printf("# %s: cannot open\n", path);
		free(path);
		return steal(&b);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, ".SH", 3) == 0)
			in = strstr(line, "OPTIONS") != NULL;
		if (!in)
			continue;
		for (p = q = line; *p != '\0'; p++)
			if (!(p[0] == '\\' && p[1] == '-'))
				*q++ = *p;
		*q = '\0';
		if (buf_adds(&b, line) == -1)
			break;
	}
	fclose(f);
	free(path);
	return steal(&b);
}

/* Does text hold "--name" as a whole flag (not a prefix of a longer one)? */
static int
has_flag(const char *text, const char *name)
{
	const char	*p = text;
	size_t		 n = strlen(name);

	while ((p = strstr(p, "--")) != NULL) {
		p += 2;
		if (strncmp(p, name, n) == 0 && (p[n] == '\0' ||
		    !(p[n] == '-' || (p[n] >= 'a' && p[n] <= 'z') ||
		    (p[n] >= '0' && p[n] <= '9'))))
			return 1;
	}
	return 0;
}

static int
in_table(const char *name, size_t n)
{
	const struct option_desc	*d;
	size_t				 i;

	for (i = 0; (d = options_flag(i)) != NULL; i++)
		if (strlen(d->name) == n && strncmp(d->name, name, n) == 0)
			return 1;
	return 0;
}

/* Every "--flag" in text that is not in the table: "" when none. */
static char *
strangers(const char *text)
{
	struct buf	 b;
	const char	*p = text;
	size_t		 n;

	buf_init(&b, 0);
	while ((p = strstr(p, "--")) != NULL) {
		p += 2;
		n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789-");
		if (n > 0 && !in_table(p, n) && (buf_add(&b, p, n) == -1 ||
		    buf_addc(&b, ' ') == -1))
			abort();
		p += n;
	}
	return steal(&b);
}

int
main(void)
{
	const struct option_desc	*d;
	struct buf			 help;
	char				*man, *extra, *s;
	size_t				 i;

	buf_init(&help, 0);
	options_help(&help);
	man = man_options();
	for (i = 0; (d = options_flag(i)) != NULL; i++) {
		ok(d->help != NULL && *d->help != '\0', "--%s has help text",
		    d->name);
		ok(has_flag(help.data, d->name), "--%s is in --help", d->name);
		ok(has_flag(man, d->name), "--%s is in cfngen.1's OPTIONS",
		    d->name);
		if (d->short_name != 0) {
			s = xasprintf("-%c, --%s", d->short_name, d->name);
			ok(strstr(help.data, s) != NULL && strstr(man, s) != NULL,
			    "%s: in --help and in cfngen.1", s);
			free(s);
		}
	}
	extra = strangers(help.data);
	is_str(extra, "", "--help names no flag the table lacks");
	free(extra);
	/*
	 * The man page's OPTIONS section speaks of flags in its prose too;
	 * every one it names must exist.
	 */
	extra = strangers(man);
	is_str(extra, "", "cfngen.1's OPTIONS names no flag the table lacks");
	free(extra);
	free(man);
	buf_free(&help);
	return tap_end();
}
