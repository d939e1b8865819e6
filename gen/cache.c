/*
 * The cache directory and its records (cache.h): one format, one reader,
 * one writer, and the trust checks every use goes through.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "digest.h"
#include "log.h"
#include "outfile.h"
#include "xalloc.h"

#define RECORD_MAX	4096
#define SETTLE_SECONDS	2

struct cache {
	char	*dir;		/* NULL once the cache is not used */
	uid_t	 uid;
};

/*
 * Not used from now on, said once: the rest of the run works as if there
 * were no cache.
 */
static void
distrust(struct cache *c, const char *path, const char *why)
{
	if (c->dir == NULL)
		return;
	log_warn("%s: %s; not using the cache %s", path, why, c->dir);
	free(c->dir);
	c->dir = NULL;
}

/* Owned by the user and writable by nobody else? Else why not. */
static const char *
untrusted(const struct cache *c, const struct stat *st)
{
	if (st->st_uid != c->uid)
		return "owned by another user";
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return "writable by group or others";
	return NULL;
}

/*
 * Checks the directories from the root down to root/sub (those that
 * exist). 0 when all are trusted (or missing), -1 when the cache is not
 * to be used (warned).
 */
static int
check_dirs(struct cache *c, const char *sub)
{
	struct stat	 st;
	const char	*why;
	char		*path, *p;
	int		 rc = 0;

	if (c->dir == NULL)
		return -1;
	path = sub != NULL ? xasprintf("%s/%s", c->dir, sub) : xstrdup(c->dir);
	p = path + strlen(c->dir);
	for (;;) {
		char	save = *p;

		*p = '\0';
		if (stat(path, &st) == -1) {
			*p = save;
			break;		/* missing: nothing below either */
		}
		why = !S_ISDIR(st.st_mode) ? "not a directory" :
		    untrusted(c, &st);
		if (why != NULL) {
			distrust(c, path, why);
			rc = -1;
			break;
		}
		*p = save;
		if (*p == '\0')
			break;
		p = strchr(p + 1, '/');
		if (p == NULL)
			p = path + strlen(path);
	}
	free(path);
	return rc;
}

struct cache *
cache_open(const char *dir)
{
	struct cache	*c;

	c = xcalloc(1, sizeof(*c));
	c->uid = geteuid();
	c->dir = dir != NULL ? xstrdup(dir) : NULL;
	(void)check_dirs(c, NULL);
	return c;
}

void
cache_free(struct cache *c)
{
	if (c == NULL)
		return;
	free(c->dir);
	free(c);
}

const char *
cache_dir(const struct cache *c)
{
	return c != NULL ? c->dir : NULL;
}

int
cache_mkdir(struct cache *c, const char *sub)
{
	char	*path, *p;
	int	 rc = 0, e = 0;

	if (check_dirs(c, NULL) == -1) {
		errno = EPERM;
		return -1;
	}
	/* The parents of the cache: as mkdir -p would, 0755 less the umask. */
	path = xasprintf("%s/%s", c->dir, sub);
	for (p = path + 1; rc == 0 && *p != '\0'; p++) {
		if (*p != '/' || p[-1] == '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST) {
			e = errno;
			rc = -1;
		}
		*p = '/';
	}
	if (rc == 0 && mkdir(path, 0755) == -1 && errno != EEXIST) {
		e = errno;
		rc = -1;
	}
	free(path);
	if (rc == 0 && check_dirs(c, sub) == -1) {
		e = EPERM;
		rc = -1;
	}
	errno = e;
	return rc;
}

int
cache_open_file(struct cache *c, const char *sub, const char *name,
    struct stat *st)
{
	const char	*why;
	char		*path;
	int		 fd, flags;

	if (check_dirs(c, sub) == -1)
		return -1;
	path = xasprintf("%s/%s/%s", c->dir, sub, name);
	/* Never through a symbolic link, never waiting for a FIFO's writer. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ELOOP)
			distrust(c, path, "a symbolic link");
		else if (errno == ENOENT)
			log_debug("%s: not in the cache", path);
		else
			log_verbose("%s: %s; ignoring it", path,
			    strerror(errno));
		free(path);
		return -1;
	}
	why = fstat(fd, st) == -1 ? strerror(errno) :
	    !S_ISREG(st->st_mode) ? "not a regular file" : untrusted(c, st);
	if (why != NULL) {
		distrust(c, path, why);
		close(fd);
		free(path);
		return -1;
	}
	if ((flags = fcntl(fd, F_GETFL)) != -1)
		(void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	free(path);
	return fd;
}

char *
cache_get(struct cache *c, const char *sub, const char *name,
    const char *magic)
{
	struct stat	 st;
	struct buf	 b;
	char		*text;
	size_t		 m = magic != NULL ? strlen(magic) : 0;
	int		 fd;

	if ((fd = cache_open_file(c, sub, name, &st)) == -1)
		return NULL;
	buf_init(&b, RECORD_MAX);
	if (buf_read_fd(&b, fd) == -1 || strlen(b.data) != b.len ||
	    (magic != NULL && (b.len <= m || strncmp(b.data, magic, m) != 0 ||
	    b.data[m] != '\n'))) {
		log_verbose("%s/%s/%s: not a valid record; ignoring it",
		    c->dir, sub, name);
		buf_free(&b);
		close(fd);
		return NULL;
	}
	close(fd);
	text = buf_steal(&b);
	buf_free(&b);
	return text;
}

void
cache_put(struct cache *c, const char *sub, const char *name,
    const char *text)
{
	char	*path;
	int	 e;

	if (c == NULL || c->dir == NULL)
		return;
	path = xasprintf("%s/%s/%s", c->dir, sub, name);
	if (cache_mkdir(c, sub) == -1)
		e = errno;
	else
		e = outfile_put_quiet(path, text, strlen(text), 0644);
	if (e == EPERM && c->dir == NULL)
		;	/* warned: the cache is not used */
	else if (e != 0)
		log_warn("%s: cache record not saved: %s", path, strerror(e));
	else
		log_verbose("%s: written", path);
	free(path);
}

const char *
cache_field(const char *text, const char *key, size_t *len)
{
	const char	*p = text;
	size_t		 k = strlen(key);

	while (*p != '\0') {
		if (strncmp(p, key, k) == 0 && p[k] == ' ') {
			p += k + 1;
			*len = strcspn(p, "\n");
			return p;
		}
		p += strcspn(p, "\n");
		if (*p == '\n')
			p++;
	}
	return NULL;
}

int
cache_field_u64(const char *text, const char *key, uint64_t max,
    uint64_t *out)
{
	const char	*v;
	size_t		 n, i;
	uint64_t	 x = 0;

	if ((v = cache_field(text, key, &n)) == NULL || n == 0 || n > 20)
		return -1;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9' ||
		    x > (UINT64_MAX - (uint64_t)(v[i] - '0')) / 10)
			return -1;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	if (x > max)
		return -1;
	*out = x;
	return 0;
}

int
cache_field_int(const char *text, const char *key, int max, int *out)
{
	uint64_t	x;

	if (cache_field_u64(text, key, (uint64_t)max, &x) == -1)
		return -1;
	*out = (int)x;
	return 0;
}

int
cache_field_hex(const char *text, const char *key, char *out)
{
	const char	*v;
	size_t		 n;

	if ((v = cache_field(text, key, &n)) == NULL || n != 64 ||
	    strspn(v, "0123456789abcdef") < 64)
		return -1;
	memcpy(out, v, 64);
	out[64] = '\0';
	return 0;
}

char *
cache_identity(const struct stat *st)
{
	return xasprintf("%ju %ju %jd %jd.%09ld %jd.%09ld",
	    (uintmax_t)st->st_dev, (uintmax_t)st->st_ino,
	    (intmax_t)st->st_size, (intmax_t)st->st_mtim.tv_sec,
	    st->st_mtim.tv_nsec, (intmax_t)st->st_ctim.tv_sec,
	    st->st_ctim.tv_nsec);
}

char *
cache_identity_name(const struct stat *st)
{
	unsigned char	 md[SHA256_LEN];
	char		*text, *name;

	text = cache_identity(st);
	sha256_buf(text, strlen(text), md);
	name = xmalloc(SHA256_HEX_LEN + 1);
	hex_encode(md, SHA256_LEN, name);
	free(text);
	return name;
}

int
cache_settled(const struct stat *st)
{
	time_t	now = time(NULL);

	return st->st_mtim.tv_sec < now - SETTLE_SECONDS &&
	    st->st_ctim.tv_sec < now - SETTLE_SECONDS;
}
