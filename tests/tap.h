/*
 * A minimal TAP producer for the C unit tests: ok(cond, fmt, ...) prints
 * "ok N - ..." or "not ok N - ...", and tap_end() prints the plan and
 * returns the exit status.
 */
#ifndef CFNGEN_TAP_H
#define CFNGEN_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int	tap_count;
static int	tap_fails;

static int __attribute__((format(printf, 2, 3), unused))
ok(int cond, const char *fmt, ...)
{
	va_list	ap;

	tap_count++;
	if (!cond)
		tap_fails++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

/* is_str(got, expected, what): string equality with a diagnostic. */
static int __attribute__((unused))
is_str(const char *got, const char *want, const char *what)
{
	int	same = got && want ? strcmp(got, want) == 0 : got == want;

	ok(same, "%s", what);
	if (!same)
		printf("# got:      %s\n# expected: %s\n",
		    got ? got : "(null)", want ? want : "(null)");
	return same;
}

static int __attribute__((unused))
tap_end(void)
{
	printf("1..%d\n", tap_count);
	return tap_fails ? 1 : 0;
}

#endif
