/* The growable buffer (xalloc.c): caps, and reading a file descriptor. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
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

int
main(void)
{
	struct buf	b;
	int		fd, rc;

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
