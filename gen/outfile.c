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

int
outfile_put(const char *path, const void *p, size_t n, mode_t mode)
{
	int	e;

	struct outfile	*of;

	if (check_target(path) == -1)
		return -1;
	of = outfile_new(path);
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

/*
 * An output set: files staged in a private directory inside the one they
 * land in (so landing is a rename), until they all land together.
 */
struct staged {
	char	*name;		/* in set->dir */
	char	*path;		/* in set->stage */
	char	*saved;		/* the file it replaced, set aside, or NULL */
	int	 slot;
	int	 landed;
};

struct outset {
	char		*dir;
	char		*stage;
	int		 slot;
	int		 created;	/* dir, by outset_open(), still empty */
	struct staged	*file;
	size_t		 n;
};

struct outset *
outset_new(const char *dir)
{
	struct outset	*set;

	set = xcalloc(1, sizeof(*set));
	set->dir = xstrdup(dir);
	set->stage = xasprintf("%s/.cfngen.tmp.XXXXXX", dir);
	if (mkdtemp(set->stage) == NULL) {
		log_error("%s: %s", dir, strerror(errno));
		free(set->stage);
		free(set->dir);
		free(set);
		return NULL;
	}
	set->slot = cleanup_register(set->stage);
	return set;
}

const char *
outfile_tmpdir(void)
{
	const char	*t = getenv("TMPDIR");

	return t != NULL && *t == '/' ? t : "/tmp";
}

struct outset *
outset_open(const char *dir)
{
	struct outset	*set;
	struct stat	 st;
	int		 created = 0;

	if (dir == NULL)
		return outset_new(outfile_tmpdir());
	if (mkdir(dir, 0777) == 0)
		created = 1;
	else if (errno != EEXIST || stat(dir, &st) == -1) {
		log_usage("--out-dir %s: %s", dir, strerror(errno));
		return NULL;
	} else if (!S_ISDIR(st.st_mode)) {
		log_usage("--out-dir %s: exists and is not a directory", dir);
		return NULL;
	} else if (access(dir, W_OK | X_OK) == -1) {
		log_usage("--out-dir %s: not writable", dir);
		return NULL;
	}
	if ((set = outset_new(dir)) == NULL) {
		if (created)
			rmdir(dir);
		return NULL;
	}
	set->created = created;
	return set;
}

const char *
outset_add(struct outset *set, const char *name)
{
	struct staged	*f;

	set->file = xreallocarray(set->file, set->n + 1, sizeof(*set->file));
	f = &set->file[set->n++];
	memset(f, 0, sizeof(*f));
	f->name = xstrdup(name);
	f->path = xasprintf("%s/%s", set->stage, name);
	f->slot = cleanup_register(f->path);
	return f->path;
}

const char *
outset_rename(struct outset *set, const char *path, const char *name)
{
	struct staged	*f = NULL;
	char		*to;
	size_t		 i;
	int		 slot;

	for (i = 0; f == NULL && i < set->n; i++)
		if (strcmp(set->file[i].path, path) == 0)
			f = &set->file[i];
	if (f == NULL) {
		log_error("%s: not in the output set", path);
		return NULL;
	}
	to = xasprintf("%s/%s", set->stage, name);
	slot = cleanup_register(to);	/* both names go on a signal */
	if (rename(f->path, to) == -1) {
		log_error("%s: %s", to, strerror(errno));
		cleanup_unregister(slot);
		free(to);
		return NULL;
	}
	cleanup_unregister(f->slot);
	f->slot = slot;
	free(f->path);
	f->path = to;
	free(f->name);
	f->name = xstrdup(name);
	return f->path;
}

/* Puts back what f replaced, or removes it. */
static void
outset_take_back(const struct outset *set, struct staged *f)
{
	char	*dest = xasprintf("%s/%s", set->dir, f->name);

	if (f->saved == NULL || rename(f->saved, dest) == -1)
		unlink(dest);
	free(dest);
	f->landed = 0;
}

int
outset_commit(struct outset *set)
{
	struct staged	*f;
	sigset_t	 old;
	char		*dest;
	size_t		 i;
	int		 e = 0;

	/* A signal waits for the renames: the set lands whole or not at all. */
	block_signals(&old);
	for (i = 0; e == 0 && i < set->n; i++) {
		f = &set->file[i];
		dest = xasprintf("%s/%s", set->dir, f->name);
		/*
		 * What it replaces is kept aside (a hard link) until the set
		 * has landed; without one (a file system that has no hard
		 * links), taking it back removes it.
		 */
		f->saved = xasprintf("%s/%s.saved", set->stage, f->name);
		if (link(dest, f->saved) == -1) {
			free(f->saved);
			f->saved = NULL;
		}
		if (rename(f->path, dest) == -1) {
			e = errno;
			log_error("%s: %s", dest, strerror(e));
		} else
			f->landed = 1;
		free(dest);
	}
	for (i = 0; i < set->n; i++) {
		f = &set->file[i];
		if (e != 0 && f->landed)
			outset_take_back(set, f);
		if (f->saved != NULL)
			unlink(f->saved);
	}
	if (e == 0)
		set->created = 0;	/* it holds what landed now */
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return e != 0 ? -1 : 0;
}

void
outset_free(struct outset *set)
{
	struct staged	*f;
	size_t		 i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++) {
		f = &set->file[i];
		if (!f->landed)
			unlink(f->path);
		cleanup_unregister(f->slot);
		free(f->name);
		free(f->path);
		free(f->saved);
	}
	rmdir(set->stage);
	cleanup_unregister(set->slot);
	if (set->created)
		rmdir(set->dir);
	free(set->file);
	free(set->stage);
	free(set->dir);
	free(set);
}
