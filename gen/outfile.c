#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "outfile.h"
#include "xalloc.h"

#define CLEANUP_SLOTS	32

static char *volatile	cleanup_paths[CLEANUP_SLOTS];

static void
cleanup_handler(int sig)
{
	int	i;

	for (i = 0; i < CLEANUP_SLOTS; i++)
		if (cleanup_paths[i] != NULL)
			unlink(cleanup_paths[i]);
	/* Then the private directories that held them. */
	for (i = 0; i < CLEANUP_SLOTS; i++)
		if (cleanup_paths[i] != NULL)
			rmdir(cleanup_paths[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

void
cleanup_init(void)
{
	struct sigaction	sa;
	static const int	sigs[] = { SIGINT, SIGTERM, SIGHUP };
	size_t			i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cleanup_handler;
	sigfillset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	/* A closed reader is reported as EPIPE by the write that meets it. */
	signal(SIGPIPE, SIG_IGN);
}

static void
block_signals(sigset_t *old)
{
	sigset_t	all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, old);
}

int
cleanup_register(const char *path)
{
	sigset_t	old;
	int		i, slot = -1;

	block_signals(&old);
	for (i = 0; i < CLEANUP_SLOTS; i++)
		if (cleanup_paths[i] == NULL) {
			cleanup_paths[i] = xstrdup(path);
			slot = i;
			break;
		}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return slot;
}

void
cleanup_unregister(int slot)
{
	sigset_t	 old;
	char		*p;

	if (slot < 0 || slot >= CLEANUP_SLOTS)
		return;
	block_signals(&old);
	p = cleanup_paths[slot];
	cleanup_paths[slot] = NULL;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	free(p);
}

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

struct outfile *
outfile_open(const char *path, mode_t mode)
{
	struct outfile	*of;
	struct stat	 st;
	const char	*base;
	char		*dir;
	mode_t		 um;

	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode)) {
			log_usage("%s: is a directory", path);
			return NULL;
		}
		of = xcalloc(1, sizeof(*of));
		of->path = xstrdup(path);
		of->slot = -1;
		if ((of->fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)) == -1) {
			log_error("%s: %s", path, strerror(errno));
			free(of->path);
			free(of);
			return NULL;
		}
		return of;
	}
	if (outfile_check_dir(path) == -1)
		return NULL;
	of = xcalloc(1, sizeof(*of));
	of->path = xstrdup(path);
	dir = dir_of(path);
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	of->tmp = xasprintf("%s/.%s.tmp.XXXXXX", dir, base);
	free(dir);
	if ((of->fd = mkostemp(of->tmp, O_CLOEXEC)) == -1) {
		log_error("%s: %s", of->tmp, strerror(errno));
		free(of->tmp);
		free(of->path);
		free(of);
		return NULL;
	}
	of->slot = cleanup_register(of->tmp);
	/* mkstemp makes 0600; give the file the mode a plain creat() would. */
	um = umask(0);
	umask(um);
	if (fchmod(of->fd, mode & ~um) == -1) {
		log_error("%s: %s", of->tmp, strerror(errno));
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
outfile_write(struct outfile *of, const void *p, size_t n)
{
	if (write_all(of->fd, p, n) == -1) {
		log_error("%s: %s", of->path, strerror(errno));
		return -1;
	}
	return 0;
}

static void
outfile_free(struct outfile *of)
{
	cleanup_unregister(of->slot);
	free(of->tmp);
	free(of->path);
	free(of);
}

int
outfile_commit(struct outfile *of)
{
	int	rc = -1;

	if (of->tmp == NULL) {
		if (close(of->fd) == -1)
			log_error("%s: %s", of->path, strerror(errno));
		else
			rc = 0;
		of->fd = -1;
		outfile_free(of);
		return rc;
	}
	if (!of->no_fsync && fsync(of->fd) == -1) {
		log_error("%s: %s", of->path, strerror(errno));
		close(of->fd);
	} else if (close(of->fd) == -1)
		log_error("%s: %s", of->path, strerror(errno));
	else if (rename(of->tmp, of->path) == -1)
		log_error("%s: %s", of->path, strerror(errno));
	else
		rc = 0;
	of->fd = -1;
	if (rc == -1)
		unlink(of->tmp);
	outfile_free(of);
	return rc;
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
outfile_put(const char *path, const void *p, size_t n, mode_t mode)
{
	struct outfile	*of;

	if ((of = outfile_open(path, mode)) == NULL)
		return -1;
	if (outfile_write(of, p, n) == -1) {
		outfile_abort(of);
		return -1;
	}
	return outfile_commit(of);
}
