/*
 * Output sets (outset.h): files staged in a private directory inside the
 * one they land in, so that landing is a rename, until they all land
 * together.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"
#include "outfile.h"
#include "outset.h"
#include "xalloc.h"

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
	cleanup_block(&old);
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
	cleanup_unblock(&old);
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
