/*
 * LD_PRELOAD fault injection for the I/O failure tests.
 *
 *   FAULT_CALL   write, rename, fsync, close, open, mkstemp or ftruncate
 *   FAULT_NTH    fail the Nth such call (1-based); later calls succeed
 *   FAULT_ERRNO  ENOSPC (default), EIO, EDQUOT, EACCES or EROFS
 *
 * Only calls on regular files count (write, fsync, close, ftruncate), so
 * diagnostics on stderr and pipes are left alone; rename, open and mkstemp
 * count every call. When the fault fires a line goes to stderr as
 * "faultinject: <call> #N -> <errno name>" so a test can tell the fault
 * was reached. FAULT_LOG=1 instead reports every counted call (to find N).
 */
#define _GNU_SOURCE
#include <sys/stat.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
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

/* 1 when this call of name is the one to fail. */
static int
fire(const char *name)
{
	const char	*call = getenv("FAULT_CALL");
	const char	*nth = getenv("FAULT_NTH");
	char		 line[128];
	int		 n;

	if (call == NULL || strcmp(call, name) != 0)
		return 0;
	n = __atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST);
	if (getenv("FAULT_LOG") != NULL) {
		snprintf(line, sizeof(line), "faultinject: %s #%d\n", name, n);
		say(line);
		return 0;
	}
	if (nth == NULL || atoi(nth) != n)
		return 0;
	snprintf(line, sizeof(line), "faultinject: %s #%d -> %s\n", name, n,
	    getenv("FAULT_ERRNO") ? getenv("FAULT_ERRNO") : "ENOSPC");
	say(line);
	return 1;
}

static int
regular(int fd)
{
	struct stat	st;

	return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

#define REAL(ret, name, args) \
	static ret (*real_##name) args; \
	if (real_##name == NULL) \
		real_##name = (ret (*) args)dlsym(RTLD_NEXT, #name)

ssize_t
write(int fd, const void *p, size_t n)
{
	REAL(ssize_t, write, (int, const void *, size_t));
	if (fd > 2 && regular(fd) && fire("write")) {
		errno = errno_value();
		return -1;
	}
	return real_write(fd, p, n);
}

int
rename(const char *from, const char *to)
{
	REAL(int, rename, (const char *, const char *));
	if (fire("rename")) {
		errno = errno_value();
		return -1;
	}
	return real_rename(from, to);
}

int
fsync(int fd)
{
	REAL(int, fsync, (int));
	if (regular(fd) && fire("fsync")) {
		errno = errno_value();
		return -1;
	}
	return real_fsync(fd);
}

int
close(int fd)
{
	REAL(int, close, (int));
	if (fd > 2 && regular(fd) && fire("close")) {
		real_close(fd);
		errno = errno_value();
		return -1;
	}
	return real_close(fd);
}

int
ftruncate(int fd, off_t len)
{
	REAL(int, ftruncate, (int, off_t));
	if (regular(fd) && fire("ftruncate")) {
		errno = errno_value();
		return -1;
	}
	return real_ftruncate(fd, len);
}

int
mkostemp(char *tmpl, int flags)
{
	REAL(int, mkostemp, (char *, int));
	if (fire("mkstemp")) {
		errno = errno_value();
		return -1;
	}
	return real_mkostemp(tmpl, flags);
}

int
mkstemp(char *tmpl)
{
	REAL(int, mkstemp, (char *));
	if (fire("mkstemp")) {
		errno = errno_value();
		return -1;
	}
	return real_mkstemp(tmpl);
}
