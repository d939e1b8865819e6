/* Unified diffs for --check (diff.c): the format diff(1) and patch(1) use. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diff.h"
#include "tap.h"
#include "xalloc.h"

static char *
diff(const char *a, const char *b, int *rc)
{
	struct buf	 out;
	char		*text;

	buf_init(&out, 0);
	*rc = diff_unified(a, strlen(a), b, strlen(b), "old", "new", &out);
	text = buf_steal(&out);
	buf_free(&out);
	return text;
}

static void
check(const char *a, const char *b, const char *want, const char *what)
{
	int	 rc;
	char	*got = diff(a, b, &rc);

	ok(rc == (want[0] ? 1 : 0), "%s: status %d", what, rc);
	is_str(got, want, what);
	free(got);
}

static size_t
count_lines(const char *s, const char *prefix)
{
	size_t	n = 0;

	for (; s != NULL && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL)
		n += strncmp(s, prefix, strlen(prefix)) == 0;
	return n;
}

int
main(void)
{
	struct buf	 a, b;
	char		*got;
	int		 rc, i;

	check("x\ny\n", "x\ny\n", "", "equal texts: nothing");
	check("", "a\nb\n",
	    "--- old\n+++ new\n@@ -0,0 +1,2 @@\n+a\n+b\n", "from nothing");
	check("a\nb\n", "",
	    "--- old\n+++ new\n@@ -1,2 +0,0 @@\n-a\n-b\n", "to nothing");
	check("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nFIVE\n6\n7\n8\n9\n",
	    "--- old\n+++ new\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+FIVE\n 6\n 7\n 8\n",
	    "one line changed, three lines of context");
	check("a\nb\n", "a\nb\nc\n",
	    "--- old\n+++ new\n@@ -1,2 +1,3 @@\n a\n b\n+c\n", "line added at the end");
	check("a\nb", "a\nb\n",
	    "--- old\n+++ new\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n",
	    "final newline added");
	check("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n",
	    "1\nTWO\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\nFIFTEEN\n16\n",
	    "--- old\n+++ new\n@@ -1,5 +1,5 @@\n 1\n-2\n+TWO\n 3\n 4\n 5\n"
	    "@@ -12,5 +12,5 @@\n 12\n 13\n 14\n-15\n+FIFTEEN\n 16\n",
	    "changes far apart: two hunks");
	check("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\nTWO\n3\n4\n5\n6\n7\n8\nNINE\n",
	    "--- old\n+++ new\n@@ -1,9 +1,9 @@\n 1\n-2\n+TWO\n 3\n 4\n 5\n 6\n 7\n"
	    " 8\n-9\n+NINE\n",
	    "changes six lines apart: one hunk");

	/* Too big for the table: the middle is removed and added whole. */
	buf_init(&a, 0);
	buf_init(&b, 0);
	if (buf_adds(&a, "head\n") == -1 || buf_adds(&b, "head\n") == -1)
		abort();
	for (i = 0; i < 3000; i++)
		if (buf_addf(&a, "a%d\n", i) == -1 ||
		    buf_addf(&b, "b%d\n", i) == -1)
			abort();
	if (buf_adds(&a, "tail\n") == -1 || buf_adds(&b, "tail\n") == -1)
		abort();
	got = diff(a.data, b.data, &rc);
	ok(rc == 1 && strstr(got, "@@ -1,3002 +1,3002 @@\n head\n-a0\n") != NULL,
	    "large middle: one hunk from the head");
	ok(count_lines(got, "-a") == 3000 && count_lines(got, "+b") == 3000,
	    "large middle: every line removed and added");
	free(got);
	buf_free(&a);
	buf_free(&b);

	buf_init(&a, 16);
	rc = diff_unified("a\n", 2, "b\n", 2, "a-very-long-name", "b", &a);
	ok(rc == -1, "a full output buffer is an error");
	buf_free(&a);
	return tap_end();
}
