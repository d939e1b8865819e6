#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "outfile.h"
#include "xalloc.h"

struct outfile {
	char	*path;		/* destination */
	char	*tmp;		/* temporary name, NULL when writing directly */
	int	 fd;
	int	 slot;
	int	 no_fsync;
};

int
write_all(int fd, const void *p, size_t n)
{
	const char	*c = p;
	ssize_t		 w;

	while (n > 0) {
		if ((w = write(fd, c, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int
pread_all(int fd, void *p, size_t n, uint64_t off)
{
	ssize_t	r;
	size_t	done = 0;

	while (done < n) {
		r = pread(fd, (char *)p + done, n - done, (off_t)(off + done));
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = 0;
			return -1;
		}
		done += (size_t)r;
	}
	return 0;
}

int
mkdir_p(const char *path)
{
	struct stat	 st;
	char		*p, *c;
	int		 rc = 0, e;

	p = xstrdup(path);
	for (c = p + 1; rc == 0 && *c != '\0'; c++) {
		if (*c != '/' || c[-1] == '/')
			continue;
		*c = '\0';
		if (mkdir(p, 0777) == -1 && errno != EEXIST)
			rc = -1;
		*c = '/';
	}
	if (rc == 0 && mkdir(p, 0777) == -1 && errno != EEXIST)
		rc = -1;
	if (rc == 0 && stat(p, &st) == 0 && !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		rc = -1;
	}
	e = errno;
	free(p);
	errno = e;
	return rc;
}

static char *
dir_of(const char *path)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

int
outfile_check_dir(const char *path)
{
	struct stat	 st;
	char		*dir = dir_of(path);
	int		 rc = -1;

	if (stat(dir, &st) == -1)
		log_usage("%s: directory %s: %s", path, dir, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		log_usage("%s: %s is not a directory", path, dir);
	else if (access(dir, W_OK | X_OK) == -1)
		log_usage("%s: directory %s is not writable", path, dir);
	else
		rc = 0;
	free(dir);
	return rc;
}

static struct outfile *
outfile_new(const char *path)
{
	struct outfile	*of;

	of = xcalloc(1, sizeof(*of));
	of->path = xstrdup(path);
	of->fd = -1;
	of->slot = -1;
	return of;
}

/*
 * Opens of->path directly when it exists and is not a regular file (unless
 * replace: then whatever is there is renamed over), else a temporary file
 * beside it with the mode a plain creat() would give.
 * Reports nothing: 0, or the errno of what failed.
 */
static int
outfile_start(struct outfile *of, mode_t mode, int replace)
{
	struct stat	 st;
	const char	*base;
	char		*dir;
	mode_t		 um;
	int		 e;

	if (!replace && stat(of->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			return EISDIR;
		if ((of->fd = open(of->path, O_WRONLY | O_TRUNC | O_CLOEXEC)) ==
		    -1)
			return errno;
		return 0;
	}
	dir = dir_of(of->path);
	base = strrchr(of->path, '/') ? strrchr(of->path, '/') + 1 : of->path;
	of->tmp = xasprintf("%s/.%s.tmp.XXXXXX", dir, base);
	free(dir);
	if ((of->fd = mkostemp(of->tmp, O_CLOEXEC)) == -1) {
		e = errno;
		free(of->tmp);
		of->tmp = NULL;
		return e;
	}
	of->slot = cleanup_register(of->tmp);
	/* mkstemp makes 0600; give the file the mode a plain creat() would. */
	um = umask(0);
	umask(um);
	if (fchmod(of->fd, mode & ~um) == -1)
		return errno;
	return 0;
}

/*
 * fsync (unless no_fsync), close, rename. Reports nothing: 0, or the errno
 * of what failed, and then the temporary file is gone.
 */
static int
outfile_finish(struct outfile *of)
{
	int	e = 0;

	if (of->tmp != NULL && !of->no_fsync && fsync(of->fd) == -1)
		e = errno;
	if (close(of->fd) == -1 && e == 0)
		e = errno;
	of->fd = -1;
	if (of->tmp == NULL)
		return e;
	if (e == 0 && rename(of->tmp, of->path) == -1)
		e = errno;
	if (e != 0)
		unlink(of->tmp);
	return e;
}

static void
outfile_free(struct outfile *of)
{
	cleanup_unregister(of->slot);
	free(of->tmp);
	free(of->path);
	free(of);
}

/* The usage errors of a destination: a directory, or no place to create it. */
static int
check_target(const char *path)
{
	struct stat	st;

	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (!S_ISDIR(st.st_mode))
			return 0;	/* written in place */
		log_usage("%s: is a directory", path);
		return -1;
	}
	return outfile_check_dir(path);
}

struct outfile *
outfile_open(const char *path, mode_t mode)
{
	struct outfile	*of;
	int		 e;

	if (check_target(path) == -1)
		return NULL;
	of = outfile_new(path);
	if ((e = outfile_start(of, mode, 0)) != 0) {
		log_error("%s: %s", path, strerror(e));
		outfile_abort(of);
		return NULL;
	}
	return of;
}

struct outfile *
outfile_create(const char *path, mode_t mode)
{
	struct outfile	*of;
	int		 e;

	if (outfile_check_dir(path) == -1)
		return NULL;
	of = outfile_new(path);
	if ((e = outfile_start(of, mode, 1)) != 0) {
		log_error("%s: %s", path, strerror(e));
		outfile_abort(of);
		return NULL;
	}
	return of;
}

void
outfile_no_fsync(struct outfile *of)
{
	of->no_fsync = 1;
}

int
outfile_fd(const struct outfile *of)
{
	return of->fd;
}

const char *
outfile_path(const struct outfile *of)
{
	return of->tmp ? of->tmp : of->path;
}

int
outfile_commit(struct outfile *of)
{
	int	e;

	if ((e = outfile_finish(of)) != 0)
		log_error("%s: %s", of->path, strerror(e));
	outfile_free(of);
	return e != 0 ? -1 : 0;
}

void
outfile_abort(struct outfile *of)
{
	if (of == NULL)
		return;
	if (of->fd != -1)
		close(of->fd);
	if (of->tmp != NULL)
		unlink(of->tmp);
	outfile_free(of);
}

int
outfile_put_quiet(const char *path, const void *p, size_t n, mode_t mode)
{
	struct outfile	*of = outfile_new(path);
	int		 e;

	if ((e = outfile_start(of, mode, 1)) == 0 &&
	    write_all(of->fd, p, n) == -1)
		e = errno;
	if (e != 0) {
		outfile_abort(of);
		return e;
	}
	e = outfile_finish(of);
	outfile_free(of);
	return e;
}

static int
put(const char *path, const void *p, size_t n, mode_t mode, int sync)
{
	int	e;

	struct outfile	*of;

	if (check_target(path) == -1)
		return -1;
	of = outfile_new(path);
	of->no_fsync = !sync;
	if ((e = outfile_start(of, mode, 0)) == 0 &&
	    write_all(of->fd, p, n) == -1)
		e = errno;
	if (e != 0)
		outfile_abort(of);
	else {
		e = outfile_finish(of);
		outfile_free(of);
	}
	if (e != 0) {
		log_error("%s: %s", path, strerror(e));
		return -1;
	}
	return 0;
}

int
outfile_put(const char *path, const void *p, size_t n, mode_t mode)
{
	return put(path, p, n, mode, 1);
}

int
outfile_put_unsynced(const char *path, const void *p, size_t n, mode_t mode)
{
	return put(path, p, n, mode, 0);
}

const char *
outfile_tmpdir(void)
{
	const char	*t = getenv("TMPDIR");

	return t != NULL && *t == '/' ? t : "/tmp";
}
