/* The growable buffer (buf.c): caps, and reading a file descriptor. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "tap.h"
#include "xalloc.h"

/* A pipe holding n bytes of 'x', its write end closed. */
static int
pipe_of(size_t n)
{
	char	block[512];
	int	fd[2];
	size_t	left = n;

	memset(block, 'x', sizeof(block));
	if (pipe(fd) == -1)
		abort();
	while (left > 0) {
		size_t	k = left < sizeof(block) ? left : sizeof(block);

		if (write(fd[1], block, k) != (ssize_t)k)
			abort();
		left -= k;
	}
	close(fd[1]);
	return fd[0];
}

/* The adders, each appending s (buf_addc: its one byte). */
static int
add(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

static int
addc(struct buf *b, const char *s)
{
	return buf_addc(b, s[0]);
}

static int
adds(struct buf *b, const char *s)
{
	return buf_adds(b, s);
}

static int
addf(struct buf *b, const char *s)
{
	return buf_addf(b, "%c%s", s[0], s + 1);
}

static int
read_fd(struct buf *b, const char *s)
{
	int	fd[2], rc;

	if (pipe(fd) == -1 || write(fd[1], s, strlen(s)) != (ssize_t)strlen(s))
		abort();
	close(fd[1]);
	rc = buf_read_fd(b, fd[0]);
	close(fd[0]);
	return rc;
}

/*
 * Each adder on a capped buf: what fits is added; what does not is
 * refused with EOVERFLOW and the buf stays as it was, byte for byte.
 */
static void
refusals(void)
{
	static const struct {
		const char	*name;
		int		(*add)(struct buf *, const char *);
		const char	*text;
	} t[] = {
		{ "buf_add", add, "xyz" },
		{ "buf_addc", addc, "x" },
		{ "buf_adds", adds, "xyz" },
		{ "buf_addf", addf, "xyz" },
		{ "buf_read_fd", read_fd, "xyz" },
	};
	struct buf	 b;
	size_t		 i, n, cap;
	char		*data, *want;
	int		 rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = strlen(t[i].text);
		want = xasprintf("abcdef%s", t[i].text);
		buf_init(&b, 6 + n);
		if (buf_adds(&b, "abcdef") == -1)
			abort();
		ok(t[i].add(&b, t[i].text) == 0 && b.len == 6 + n &&
		    strcmp(b.data, want) == 0, "%s: up to the cap, added",
		    t[i].name);
		buf_free(&b);
		free(want);

		buf_init(&b, 6 + n - 1);
		if (buf_adds(&b, "abcdef") == -1)
			abort();
		data = b.data;
		cap = b.cap;
		errno = 0;
		rc = t[i].add(&b, t[i].text);
		ok(rc == -1 && errno == EOVERFLOW, "%s: one byte past the "
		    "cap: -1, EOVERFLOW", t[i].name);
		ok(b.len == 6 && memcmp(b.data, "abcdef", 7) == 0 &&
		    b.data == data && b.cap == cap,
		    "%s: one byte past the cap: the buf is unchanged",
		    t[i].name);
		buf_free(&b);

		/*
		 * An empty buf owns no memory, and still none after. (Not
		 * for one byte: a max of 0 means no cap.)
		 */
		if (n == 1)
			continue;
		buf_init(&b, n - 1);
		errno = 0;
		rc = t[i].add(&b, t[i].text);
		ok(rc == -1 && errno == EOVERFLOW && b.len == 0 &&
		    b.cap == 0 && b.data[0] == '\0',
		    "%s: an empty buf that refuses stays empty", t[i].name);
		buf_free(&b);
	}
}

int
main(void)
{
	struct buf	b;
	int		fd, rc;

	refusals();

	buf_init(&b, 10);
	ok(buf_adds(&b, "0123456789") == 0 && b.len == 10, "fills up to the cap");
	errno = 0;
	ok(buf_addc(&b, 'x') == -1 && errno == EOVERFLOW && b.len == 10,
	    "one byte past the cap: EOVERFLOW, nothing added");
	is_str(b.data, "0123456789", "the data stays NUL-terminated");
	buf_free(&b);

	buf_init(&b, 0);
	fd = pipe_of(20000);
	ok(buf_read_fd(&b, fd) == 0 && b.len == 20000 && b.data[20000] == '\0',
	    "buf_read_fd reads to the end, across chunks");
	close(fd);
	buf_free(&b);

	buf_init(&b, 4096);
	fd = pipe_of(5000);
	errno = 0;
	rc = buf_read_fd(&b, fd);
	ok(rc == -1 && errno == EOVERFLOW && b.len <= 4096,
	    "buf_read_fd past the cap: EOVERFLOW, the cap holds");
	close(fd);
	buf_free(&b);

	buf_init(&b, 0);
	errno = 0;
	ok(buf_read_fd(&b, -1) == -1 && errno == EBADF,
	    "buf_read_fd on a bad descriptor: the read's errno");
	buf_free(&b);
	return tap_end();
}
