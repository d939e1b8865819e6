/*
 * LD_PRELOAD fault injection for the I/O failure tests.
 *
 *   FAULT_CALL   write, rename, fsync, close, open, mkstemp or ftruncate
 *   FAULT_NTH    fail the Nth such call (1-based); later calls succeed
 *   FAULT_ERRNO  ENOSPC (default), EIO, EDQUOT, EACCES or EROFS
 *
 * Only calls on regular files open for writing count (write, fsync,
 * close, ftruncate), so diagnostics, pipes and inputs are left alone;
 * rename and mkstemp count every call. When the fault fires a line goes to
 * stderr as "faultinject: <call> #N -> <errno name> <path>" so a test can
 * tell the fault was reached, and where. FAULT_LOG=1 instead reports every
 * counted call, with its path (to find N).
 */
#define _GNU_SOURCE
#include <sys/stat.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int	counter;

static int
errno_value(void)
{
	const char	*e = getenv("FAULT_ERRNO");

	if (e == NULL || strcmp(e, "ENOSPC") == 0)
		return ENOSPC;
	if (strcmp(e, "EIO") == 0)
		return EIO;
	if (strcmp(e, "EDQUOT") == 0)
		return EDQUOT;
	if (strcmp(e, "EACCES") == 0)
		return EACCES;
	if (strcmp(e, "EROFS") == 0)
		return EROFS;
	return ENOSPC;
}

static void
say(const char *msg)
{
	(void)!write(2, msg, strlen(msg));
}

/* 1 when this call of name, on path, is the one to fail. */
static int
fire(const char *name, const char *path)
{
	const char	*call = getenv("FAULT_CALL");
	const char	*nth = getenv("FAULT_NTH");
	char		 line[PATH_MAX + 128];
	int		 n;

	if (call == NULL || strcmp(call, name) != 0)
		return 0;
	n = __atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST);
	if (getenv("FAULT_LOG") != NULL) {
		snprintf(line, sizeof(line), "faultinject: %s #%d %s\n", name,
		    n, path);
		say(line);
		return 0;
	}
	if (nth == NULL || atoi(nth) != n)
		return 0;
	snprintf(line, sizeof(line), "faultinject: %s #%d -> %s %s\n", name,
	    n, getenv("FAULT_ERRNO") ? getenv("FAULT_ERRNO") : "ENOSPC", path);
	say(line);
	return 1;
}

/* A regular file open for writing; its path goes to *path. */
static int
written(int fd, char path[PATH_MAX])
{
	struct stat	st;
	char		link[64];
	ssize_t		n;
	int		fl;

	if (fd <= 2 || fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
		return 0;
	if ((fl = fcntl(fd, F_GETFL)) == -1 || (fl & O_ACCMODE) == O_RDONLY)
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, path, PATH_MAX - 1)) < 0)
		n = 0;
	path[n] = '\0';
	return 1;
}

#define REAL(ret, name, args) \
	static ret (*real_##name) args; \
	if (real_##name == NULL) \
		real_##name = (ret (*) args)dlsym(RTLD_NEXT, #name)

ssize_t
write(int fd, const void *p, size_t n)
{
	char	path[PATH_MAX];

	REAL(ssize_t, write, (int, const void *, size_t));
	if (written(fd, path) && fire("write", path)) {
		errno = errno_value();
		return -1;
	}
	return real_write(fd, p, n);
}

int
rename(const char *from, const char *to)
{
	REAL(int, rename, (const char *, const char *));
	if (fire("rename", to)) {
		errno = errno_value();
		return -1;
	}
	return real_rename(from, to);
}

int
fsync(int fd)
{
	char	path[PATH_MAX];

	REAL(int, fsync, (int));
	if (written(fd, path) && fire("fsync", path)) {
		errno = errno_value();
		return -1;
	}
	return real_fsync(fd);
}

int
close(int fd)
{
	char	path[PATH_MAX];

	REAL(int, close, (int));
	if (written(fd, path) && fire("close", path)) {
		real_close(fd);
		errno = errno_value();
		return -1;
	}
	return real_close(fd);
}

int
ftruncate(int fd, off_t len)
{
	char	path[PATH_MAX];

	REAL(int, ftruncate, (int, off_t));
	if (written(fd, path) && fire("ftruncate", path)) {
		errno = errno_value();
		return -1;
	}
	return real_ftruncate(fd, len);
}

int
mkostemp(char *tmpl, int flags)
{
	REAL(int, mkostemp, (char *, int));
	if (fire("mkstemp", tmpl)) {
		errno = errno_value();
		return -1;
	}
	return real_mkostemp(tmpl, flags);
}

int
mkstemp(char *tmpl)
{
	REAL(int, mkstemp, (char *));
	if (fire("mkstemp", tmpl)) {
		errno = errno_value();
		return -1;
	}
	return real_mkstemp(tmpl);
}
