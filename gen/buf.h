/*
 * struct buf: a growable byte buffer with a cap; it is how text is built in
 * cfngen (no fixed buffers, no sprintf/strcat). data is always
 * NUL-terminated (the NUL is not counted in len) and owned by the buf.
 * Growth cannot fail (xalloc.h); only a capped buf refuses, and then
 * nothing is added. The adders' results must be used (WARN_UNUSED, from
 * config.h): past a cap is an error to report, never text cut short, and
 * even an uncapped buf refuses a length that overflows size_t.
 */
#ifndef CFNGEN_BUF_H
#define CFNGEN_BUF_H

#include <stddef.h>

struct buf {
	char	*data;	/* NUL-terminated; owned by the buf */
	size_t	 len;
	size_t	 cap;	/* allocated bytes */
	size_t	 max;	/* 0: no cap; else buf_add* fail beyond max bytes */
};

void	 buf_init(struct buf *, size_t max);
/* Append; -1 (errno EOVERFLOW) when the cap would be exceeded, nothing added. */
int	 buf_add(struct buf *, const void *, size_t) WARN_UNUSED;
int	 buf_addc(struct buf *, int) WARN_UNUSED;
int	 buf_adds(struct buf *, const char *) WARN_UNUSED;
int	 buf_addf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3))) WARN_UNUSED;
/*
 * Appends what fd holds up to its end, retrying EINTR. -1 with errno set
 * (EOVERFLOW past the cap) on failure; what was read stays in the buf.
 */
int	 buf_read_fd(struct buf *, int fd) WARN_UNUSED;
void	 buf_reset(struct buf *);
/*
 * Returns the data (caller frees) and leaves the buf empty, owning no
 * memory: buf_free() after it is allowed but not needed.
 */
char	*buf_steal(struct buf *);
void	 buf_free(struct buf *);

#endif
