/*
 * Output files that are either complete or absent.
 *
 * outfile_open() creates a temporary file beside the destination; commit
 * flushes it to disk and renames it into place; abort (or an interrupting
 * SIGINT/SIGTERM/SIGHUP) removes it. A destination that exists and is not
 * a regular file (a terminal, a pipe, /dev/null, /dev/full) is written
 * directly, since renaming over it would be wrong.
 */
#ifndef CFNGEN_OUTFILE_H
#define CFNGEN_OUTFILE_H

#include <sys/types.h>
#include <stddef.h>

struct outfile;

/* Install the handlers that remove registered temporary files. */
void		 cleanup_init(void);
/*
 * Remember path (copied) for removal on a fatal signal; returns a slot or
 * -1. A directory (a private temporary one) is removed after the files,
 * when they have emptied it.
 */
int		 cleanup_register(const char *path);
void		 cleanup_unregister(int slot);

/*
 * Opens a temporary file for path. Reports a missing or unwritable
 * directory as a usage error naming path. NULL on failure.
 */
struct outfile	*outfile_open(const char *path, mode_t mode);
int		 outfile_fd(const struct outfile *);
/*
 * Commit without fsync, for big artifacts that cfngen rebuilds rather than
 * trusts (the layer zip): failures and signals still leave nothing, but a
 * power loss right after may leave the file empty.
 */
void		 outfile_no_fsync(struct outfile *);
const char	*outfile_path(const struct outfile *);
/* Reports and returns -1 on failure; the file stays open for abort. */
int		 outfile_write(struct outfile *, const void *, size_t);
/* fsync, close, rename; frees the outfile whatever happens. */
int		 outfile_commit(struct outfile *);
/* Close and remove the temporary file; frees; accepts NULL. */
void		 outfile_abort(struct outfile *);

/* Whole-file convenience: the data lands at path atomically, or not at all. */
int		 outfile_put(const char *path, const void *, size_t, mode_t);

/* write(2) until done, retrying EINTR; -1 with errno on failure. */
int		 write_all(int fd, const void *, size_t);

/*
 * Checks that a file could be created in path's directory (it exists, is a
 * directory, and is writable), reporting a usage error naming path if not.
 */
int		 outfile_check_dir(const char *path);

#endif
