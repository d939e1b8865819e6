/*
 * Output files that are either complete or absent.
 *
 * outfile_open() creates a temporary file beside the destination; commit
 * flushes it to disk and renames it into place; abort (or an interrupting
 * SIGINT/SIGTERM/SIGHUP, through cleanup.h) removes it. Files that land
 * together are an output set (outset.h). A destination that exists and is not
 * a regular file (a terminal, a pipe, /dev/null, /dev/full) is written
 * directly, since renaming over it would be wrong.
 */
#ifndef CFNGEN_OUTFILE_H
#define CFNGEN_OUTFILE_H

#include <sys/types.h>

#include <stdint.h>
#include <stddef.h>

struct outfile;

/*
 * Opens a temporary file for path. Reports a missing or unwritable
 * directory as a usage error naming path. NULL on failure.
 */
struct outfile	*outfile_open(const char *path, mode_t mode);
/*
 * outfile_open() for a path that must never be written through: whatever
 * is there (a symbolic link, a FIFO) is replaced by the rename. For the
 * cache.
 */
struct outfile	*outfile_create(const char *path, mode_t mode);
int		 outfile_fd(const struct outfile *);
/*
 * Commit without fsync, for big artifacts that cfngen rebuilds rather than
 * trusts (the layer zip): failures and signals still leave nothing, but a
 * power loss right after may leave the file empty.
 */
void		 outfile_no_fsync(struct outfile *);
const char	*outfile_path(const struct outfile *);
/* fsync, close, rename; frees the outfile whatever happens. */
int		 outfile_commit(struct outfile *);
/* Close and remove the temporary file; frees; accepts NULL. */
void		 outfile_abort(struct outfile *);

/* Whole-file convenience: the data lands at path atomically, or not at all. */
int		 outfile_put(const char *path, const void *, size_t, mode_t);
/*
 * outfile_put() without the fsync, for files cfngen regenerates from their
 * inputs (an output set's manifest and templates): a power cut right after
 * may leave one empty, never partial. An fsync here would also make the
 * file system write out the layer zip staged beside it.
 */
int		 outfile_put_unsynced(const char *path, const void *, size_t,
		    mode_t);
/*
 * outfile_put() for a file the run can do without (a cache record): it
 * reports nothing and returns 0 or the errno of what failed, for the
 * caller to word a warning. Nothing is left behind either way, and like
 * outfile_create() it replaces rather than writes through what is there.
 */
int		 outfile_put_quiet(const char *path, const void *, size_t,
		    mode_t);

/*
 * mkdir -p: creates path and its missing parents (mode 0777 less the
 * umask). 0 when path is a directory afterwards; -1 with errno if not.
 */
int		 mkdir_p(const char *path);

/* Where temporary files go: $TMPDIR when absolute, else /tmp. */
const char	*outfile_tmpdir(void);

/* write(2) until done, retrying EINTR; -1 with errno on failure. */
int		 write_all(int fd, const void *, size_t);
/*
 * Exactly n bytes at off, retrying EINTR; -1 with errno set, or with errno
 * 0 when the file ends first.
 */
int		 pread_all(int fd, void *, size_t n, uint64_t off);

/*
 * Checks that a file could be created in path's directory (it exists, is a
 * directory, and is writable), reporting a usage error naming path if not.
 */
int		 outfile_check_dir(const char *path);

#endif
