/* The growable, capped byte buffer (buf.h). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "xalloc.h"

/*
 * An empty buf points at this shared "" and owns no memory (cap 0), so a
 * buf that was only initialised, or whose data was stolen, needs no
 * buf_free(). Nothing writes to it: buf_add() allocates before writing.
 */
static char	buf_empty[1];

void
buf_init(struct buf *b, size_t max)
{
	b->data = buf_empty;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	size_t	need;

	if (n > SIZE_MAX - b->len - 1 || (b->max && b->len + n > b->max)) {
		errno = EOVERFLOW;
		return -1;
	}
	need = b->len + n + 1;
	if (need > b->cap) {
		size_t	cap = b->cap < 64 ? 64 : b->cap;

		while (cap < need)
			cap = cap > SIZE_MAX / 2 ? need : cap * 2;
		if (b->cap == 0) {
			/* len is 0: the empty state holds nothing to keep */
			b->data = xmalloc(cap);
			b->data[0] = '\0';
		} else
			b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_addc(struct buf *b, int c)
{
	unsigned char	ch = (unsigned char)c;

	return buf_add(b, &ch, 1);
}

int
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 rc;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	rc = buf_adds(b, s);
	free(s);
	return rc;
}

int
buf_read_fd(struct buf *b, int fd)
{
	char	chunk[8192];
	ssize_t	r;

	for (;;) {
		if ((r = read(fd, chunk, sizeof(chunk))) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			return 0;
		if (buf_add(b, chunk, (size_t)r) == -1)
			return -1;
	}
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->cap != 0)
		b->data[0] = '\0';
}

char *
buf_steal(struct buf *b)
{
	char	*p = b->cap != 0 ? b->data : xstrdup("");

	b->data = buf_empty;
	b->len = 0;
	b->cap = 0;
	return p;
}

void
buf_free(struct buf *b)
{
	if (b == NULL)
		return;
	if (b->cap != 0)
		free(b->data);
	b->data = buf_empty;
	b->len = b->cap = 0;
}
