/*
 * Unified diffs (diff.h). The common head and tail are set aside first
 * (a stale template usually differs in a few lines: a key, a version);
 * the rest is aligned by a longest-common-subsequence table. Past a size
 * where that table would cost too much memory, the middle is shown as
 * removed and added whole: still a correct diff, only not a minimal one.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diff.h"
#include "log.h"
#include "xalloc.h"

#define CONTEXT		3
#define MAX_CELLS	(4u * 1024 * 1024)	/* 16 MB of table */

struct line {
	const char	*s;
	size_t		 len;	/* with its '\n', if it has one */
};

struct op {
	char		 kind;	/* ' ', '-', '+' */
	size_t		 a, b;	/* line index in a (for ' ', '-'), in b (' ', '+') */
};

static struct line *
split(const char *text, size_t len, size_t *n)
{
	struct line	*v = NULL;
	size_t		 cap = 0, i = 0;
	const char	*nl;

	*n = 0;
	while (i < len) {
		nl = memchr(text + i, '\n', len - i);
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[*n].s = text + i;
		v[*n].len = nl ? (size_t)(nl - (text + i)) + 1 : len - i;
		i += v[(*n)++].len;
	}
	return v;
}

static int
same(const struct line *x, const struct line *y)
{
	return x->len == y->len && memcmp(x->s, y->s, x->len) == 0;
}

/* The edit script turning a[0..n) into b[0..m), appended to ops. */
static void
script(const struct line *a, size_t n, const struct line *b, size_t m,
    size_t a0, size_t b0, struct op *ops, size_t *nops)
{
	uint32_t	*t = NULL;
	size_t		 i, j, w = m + 1;

	if (n > 0 && m > 0 && (n + 1) <= MAX_CELLS / (m + 1)) {
		/* t[i][j]: LCS length of a[i..) and b[j..) */
		t = xcalloc((n + 1) * w, sizeof(*t));
		for (i = n; i-- > 0;)
			for (j = m; j-- > 0;)
				t[i * w + j] = same(&a[i], &b[j]) ?
				    t[(i + 1) * w + j + 1] + 1 :
				    t[(i + 1) * w + j] > t[i * w + j + 1] ?
				    t[(i + 1) * w + j] : t[i * w + j + 1];
	}
	i = j = 0;
	while (i < n || j < m) {
		struct op	*o = &ops[(*nops)++];

		if (t != NULL && i < n && j < m && same(&a[i], &b[j])) {
			*o = (struct op){ ' ', a0 + i++, b0 + j++ };
		} else if (i < n && (j == m || t == NULL ||
		    t[(i + 1) * w + j] >= t[i * w + j + 1])) {
			*o = (struct op){ '-', a0 + i++, b0 + j };
		} else {
			*o = (struct op){ '+', a0 + i, b0 + j++ };
		}
	}
	free(t);
}

static int
put_line(struct buf *out, char kind, const struct line *l)
{
	if (buf_addc(out, kind) == -1 || buf_add(out, l->s, l->len) == -1)
		return -1;
	if (l->len == 0 || l->s[l->len - 1] != '\n')
		return buf_adds(out, "\n\\ No newline at end of file\n");
	return 0;
}

/* "-3,2" / "-3" / "-2,0" as diff(1) writes a range. */
static int
put_range(struct buf *out, char sign, size_t first, size_t count)
{
	if (count == 1)
		return buf_addf(out, "%c%zu", sign, first + 1);
	return buf_addf(out, "%c%zu,%zu", sign, count ? first + 1 : first,
	    count);
}

static int
hunk(struct buf *out, const struct op *ops, size_t from, size_t to,
    const struct line *a, const struct line *b)
{
	size_t	i, na = 0, nb = 0, fa = ops[from].a, fb = ops[from].b;

	for (i = from; i < to; i++) {
		na += ops[i].kind != '+';
		nb += ops[i].kind != '-';
	}
	if (buf_adds(out, "@@ ") == -1 || put_range(out, '-', fa, na) == -1 ||
	    buf_addc(out, ' ') == -1 || put_range(out, '+', fb, nb) == -1 ||
	    buf_adds(out, " @@\n") == -1)
		return -1;
	for (i = from; i < to; i++)
		if (put_line(out, ops[i].kind, ops[i].kind == '+' ?
		    &b[ops[i].b] : &a[ops[i].a]) == -1)
			return -1;
	return 0;
}

int
diff_unified(const char *atext, size_t alen, const char *btext, size_t blen,
    const char *a_name, const char *b_name, struct buf *out)
{
	struct line	*a, *b;
	struct op	*ops;
	size_t		 n, m, pre = 0, suf = 0, nops = 0, i, start, end, k;
	int		 rc = 1;

	if (alen == blen && memcmp(atext, btext, alen) == 0)
		return 0;
	a = split(atext, alen, &n);
	b = split(btext, blen, &m);
	while (pre < n && pre < m && same(&a[pre], &b[pre]))
		pre++;
	while (suf < n - pre && suf < m - pre &&
	    same(&a[n - 1 - suf], &b[m - 1 - suf]))
		suf++;
	ops = xreallocarray(NULL, n + m + 1, sizeof(*ops));
	for (i = 0; i < pre; i++)
		ops[nops++] = (struct op){ ' ', i, i };
	script(a + pre, n - pre - suf, b + pre, m - pre - suf, pre, pre, ops,
	    &nops);
	for (i = 0; i < suf; i++)
		ops[nops++] = (struct op){ ' ', n - suf + i, m - suf + i };

	if (buf_addf(out, "--- %s\n+++ %s\n", a_name, b_name) == -1)
		goto full;
	for (i = 0; i < nops;) {
		if (ops[i].kind == ' ') {
			i++;
			continue;
		}
		/* A hunk: this change and those within 2 * CONTEXT of it. */
		start = i > CONTEXT ? i - CONTEXT : 0;
		end = i;
		for (k = i; k < nops; k++) {
			if (ops[k].kind != ' ')
				end = k + 1;
			else if (k - end >= 2 * CONTEXT)
				break;
		}
		end = end + CONTEXT < nops ? end + CONTEXT : nops;
		if (hunk(out, ops, start, end, a, b) == -1)
			goto full;
		i = end;
	}
	goto out;
full:
	log_error("diff: %s", strerror(errno));
	rc = -1;
out:
	free(ops);
	free(a);
	free(b);
	return rc;
}
