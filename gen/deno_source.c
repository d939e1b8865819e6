/*
 * Where Deno comes from: --deno-bin, --deno-zip, the cache, a download.
 *
 * The cache (cache.h) holds <cache>/deno/<version>/<asset> and, beside it,
 * <asset>.verified: the SHA-256 and size the download was verified with
 * (against the published .sha256sum or a --deno-sha256 pin), and the
 * identity of the file it was seen in. A release enters the cache only
 * after that check and a look at its zip structure: it is downloaded to a
 * temporary file in the same directory, verified, and renamed into place,
 * so the cache never holds a partial file. A cache hit is trusted without
 * rehashing only while the file's identity is the recorded one; otherwise
 * it is hashed again and must match the checksum it was verified with.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "cleanup.h"
#include "deno_source.h"
#include "digest.h"
#include "http.h"
#include "layer_input.h"
#include "log.h"
#include "outfile.h"
#include "sumfile.h"
#include "xalloc.h"

#define LATEST_URL_DEFAULT	"https://dl.deno.land/release-latest.txt"
#define SUMFILE_MAX		(64 * 1024)
#define WRITEBACK_STEP		(4 * 1024 * 1024)
#define HASH_CHUNK		(1024 * 1024)

/* One release of one architecture, and where it lives. */
struct release {
	const struct deno_source_spec	*spec;
	struct cache		*cache;
	char			*sub;		/* deno/<version> in the cache */
	char			*name;		/* <asset>.verified */
	char			*version;	/* "v2.9.5" */
	char			*asset;		/* deno-<arch>-unknown-linux-gnu.zip */
	char			*dir;		/* <cache>/deno/<version>, or NULL */
	char			*zip;		/* dir/asset */
	char			 sha256[SHA256_HEX_LEN + 1];
	uint64_t		 size;
};

/*
 * The download's sink writes the temporary file; a second thread hashes
 * it, reading behind the writer (from the page cache), so that hashing
 * overlaps the transfer instead of following it. Without the thread the
 * sink hashes as it writes.
 */
struct sink {
	int		 fd;
	const char	*path;
	uint64_t	 size;		/* written */
	uint64_t	 flushed;	/* writeback started up to here */
	struct sha256	*sha;		/* the hasher's, once it runs */
	int		 threaded;	/* the hasher runs */
	pthread_t	 thread;
	pthread_mutex_t	 mu;		/* guards written and done */
	pthread_cond_t	 cv;
	uint64_t	 written;	/* bytes the hasher may read */
	int		 done;		/* no more will come */
	int		 error;		/* the hasher's errno; read after join */
};

static void
release_free(struct release *r)
{
	free(r->version);
	free(r->sub);
	free(r->name);
	free(r->asset);
	free(r->dir);
	free(r->zip);
	memset(r, 0, sizeof(*r));
}

static void
release_init(struct release *r, const struct deno_source_spec *spec,
    struct cache *c, const char *version)
{
	const char	*dir = cache_dir(c);

	memset(r, 0, sizeof(*r));
	r->spec = spec;
	r->cache = c;
	r->version = xstrdup(version);
	r->asset = xasprintf("deno-%s-unknown-linux-gnu.zip",
	    arch_deno_name(spec->arch));
	r->sub = xasprintf("deno/%s", version);
	r->name = xasprintf("%s.verified", r->asset);
	if (dir != NULL) {
		r->dir = xasprintf("%s/%s", dir, r->sub);
		r->zip = xasprintf("%s/%s", r->dir, r->asset);
	}
}

/*
 * A word for a shell command line: quoted when it needs to be (as it is
 * if the quoted form would not fit in memory).
 */
static char *
shell_word(const char *s)
{
	struct buf	 b;
	const char	*p;
	char		*ret;
	int		 rc;

	if (*s != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:@%+,") == strlen(s))
		return xstrdup(s);
	buf_init(&b, 0);	/* no cap: these adds cannot fail */
	rc = buf_addc(&b, '\'');
	for (p = s; rc == 0 && *p; p++)
		rc = *p == '\'' ? buf_adds(&b, "'\\''") : buf_addc(&b, *p);
	if (rc == -1 || buf_addc(&b, '\'') == -1) {
		buf_free(&b);
		return xstrdup(s);
	}
	ret = buf_steal(&b);
	buf_free(&b);
	return ret;
}

/* The command that fills the cache for r, as the user would type it. */
static char *
fetch_command(const struct release *r)
{
	char	*dir, *cmd;

	if (r->spec->cache_dir_default)
		cmd = xasprintf("cfngen fetch --deno %s --arch %s", r->version,
		    arch_lambda_name(r->spec->arch));
	else {
		dir = shell_word(r->spec->cache_dir);
		cmd = xasprintf("cfngen fetch --deno %s --arch %s "
		    "--cache-dir %s", r->version,
		    arch_lambda_name(r->spec->arch), dir);
		free(dir);
	}
	return cmd;
}

/*
 * The .verified record of r as it was verified: "sha256", "size", and
 * "file", the identity of the file then (absent while the file was not
 * settled). Written after the file has landed.
 */
static void
record_verified(const struct release *r, const struct stat *st)
{
	char	*text, *id = NULL;

	if (cache_settled(st))
		id = cache_identity(st);
	text = xasprintf("cfngen-release 1\nsha256 %s\nsize %llu\n%s%s%s",
	    r->sha256, (unsigned long long)r->size, id != NULL ? "file " : "",
	    id != NULL ? id : "", id != NULL ? "\n" : "");
	cache_put(r->cache, r->sub, r->name, text);
	free(text);
	free(id);
}

/*
 * Looks r up in the cache. Returns 1 on a verified hit (r->sha256 and
 * r->size filled), 0 on a miss (an incomplete, damaged or changed entry is
 * a miss: said with -v, or a warning when its bytes changed), -1 when the
 * entry contradicts a --deno-sha256 pin.
 */
static int
cache_lookup(struct release *r)
{
	struct stat	 st;
	unsigned char	 md[SHA256_LEN];
	char		 hex[SHA256_HEX_LEN + 1];
	char		*text, *id = NULL;
	const char	*have;
	size_t		 n;
	uint64_t	 size;
	int		 fd, rc = 0;

	if (r->dir == NULL)
		return 0;
	/* Older records have no "cfngen-release 1" line: the fields tell. */
	if ((text = cache_get(r->cache, r->sub, r->name, NULL)) == NULL) {
		log_verbose("Deno %s (%s): not in the cache %s", r->version,
		    arch_lambda_name(r->spec->arch), cache_dir(r->cache));
		return 0;
	}
	if (cache_field_hex(text, "sha256", r->sha256) == -1 ||
	    cache_field_u64(text, "size", UINT64_MAX, &size) == -1) {
		log_verbose("%s: no valid record of its checksum; not using "
		    "it", r->zip);
		goto out;
	}
	r->size = size;
	if ((fd = cache_open_file(r->cache, r->sub, r->asset, &st)) == -1)
		goto out;
	close(fd);
	if ((uint64_t)st.st_size != r->size) {
		log_verbose("%s: %llu bytes, the verified download had %llu; "
		    "not using it", r->zip, (unsigned long long)st.st_size,
		    (unsigned long long)r->size);
		goto out;
	}
	if (r->spec->sha256 != NULL &&
	    strcmp(r->spec->sha256, r->sha256) != 0) {
		log_error("%s: checksum mismatch: --deno-sha256 is %s, the "
		    "cached release (verified when downloaded) has %s",
		    r->zip, r->spec->sha256, r->sha256);
		rc = -1;
		goto out;
	}
	/* git's index rule: the same identity, else the bytes again. */
	id = cache_identity(&st);
	if ((have = cache_field(text, "file", &n)) == NULL ||
	    n != strlen(id) || strncmp(have, id, n) != 0) {
		log_verbose("%s: changed since it was verified, or not "
		    "settled then; checking its SHA-256", r->zip);
		if (sha256_file(r->zip, md, NULL) == -1)
			goto out;
		hex_encode(md, SHA256_LEN, hex);
		if (strcmp(hex, r->sha256) != 0) {
			log_warn("%s: its SHA-256 is %s, not the %s it was "
			    "verified with; not using it", r->zip, hex,
			    r->sha256);
			goto out;
		}
		record_verified(r, &st);
	}
	log_verbose("%s: cached, sha256 %s", r->zip, r->sha256);
	rc = 1;
out:
	free(id);
	free(text);
	return rc;
}

/*
 * Can files be created in dir (made if missing)? Tries it, since access()
 * says yes to root on a read-only file system. -1 with errno if not.
 */
static int
dir_writable(struct cache *c, const char *sub, const char *dir)
{
	char		*probe;
	int		 fd, saved;

	if (dir == NULL) {
		errno = EPERM;
		return -1;
	}
	if (cache_mkdir(c, sub) == -1)
		return -1;
	probe = xasprintf("%s/.probe.XXXXXX", dir);
	if ((fd = mkostemp(probe, O_CLOEXEC)) == -1) {
		saved = errno;
		free(probe);
		errno = saved;
		return -1;
	}
	close(fd);
	unlink(probe);
	free(probe);
	return 0;
}

static char *
release_url(const struct release *r, const char *suffix)
{
	return xasprintf("%s/%s/%s%s", r->spec->base_url, r->version,
	    r->asset, suffix);
}

/* A 404: is it the version (no zip either) or only the checksum file? */
static void
report_not_found(struct http *h, const struct release *r, int sumfile)
{
	struct http_request	 req;
	struct http_response	 resp;
	char			*url;
	long			 status = 404;

	if (sumfile) {
		url = release_url(r, "");
		memset(&req, 0, sizeof(req));
		req.method = HTTP_HEAD;
		req.url = url;
		req.retry = 1;
		req.follow_redirects = 1;
		if (http_do(h, &req, &resp) == 0)
			status = resp.status;
		http_response_free(&resp);
		free(url);
		if (status / 100 == 2) {
			log_error("Deno %s publishes no %s.sha256sum; give the "
			    "digest of %s with --deno-sha256", r->version,
			    r->asset, r->asset);
			return;
		}
	}
	log_error("Deno %s has no %s (check the version and architecture)",
	    r->version, r->asset);
}

/* The expected digest: the pin, or the published .sha256sum. */
static int
expected_digest(struct http *h, const struct release *r,
    char hex[SHA256_HEX_LEN + 1], char **from)
{
	struct http_request	 req;
	struct http_response	 resp;
	struct sumfile_error	 err;
	char			*url, *shown;
	int			 rc = -1;

	if (r->spec->sha256 != NULL) {
		memcpy(hex, r->spec->sha256, SHA256_HEX_LEN + 1);
		*from = xstrdup("--deno-sha256");
		return 0;
	}
	url = release_url(r, ".sha256sum");
	shown = http_redact_url(url);
	memset(&req, 0, sizeof(req));
	req.method = HTTP_GET;
	req.url = url;
	req.retry = 1;
	req.follow_redirects = 1;
	req.body_max = SUMFILE_MAX;
	if (http_do(h, &req, &resp) == -1)
		goto out;
	if (resp.status == 404)
		report_not_found(h, r, 1);
	else if (resp.status != 200)
		http_report_status(&resp, NULL);
	else if (sumfile_find(resp.body.data, resp.body.len, r->asset, hex,
	    &err) == -1) {
		if (err.line > 0)
			log_error("%s: line %d: %s (expected \"<sha256>  %s\")",
			    shown, err.line, err.what, r->asset);
		else
			log_error("%s: %s %s", shown, err.what, r->asset);
	} else {
		*from = xstrdup(shown);
		rc = 0;
	}
out:
	http_response_free(&resp);
	free(shown);
	free(url);
	return rc;
}

/*
 * Starts writing back what the sink has written, so that the fsync before
 * the rename finds little left to do. Only a hint: errors surface there.
 */
static void
sink_writeback(struct sink *s)
{
#ifdef SYNC_FILE_RANGE_WRITE
	if (s->size > s->flushed)
		(void)sync_file_range(s->fd, (off_t)s->flushed,
		    (off_t)(s->size - s->flushed), SYNC_FILE_RANGE_WRITE);
#endif
	s->flushed = s->size;
}

static void *
hasher(void *arg)
{
	struct sink	*s = arg;
	unsigned char	*buf = xmalloc(HASH_CHUNK);
	uint64_t	 off = 0, avail;
	ssize_t		 r;
	int		 done;

	for (;;) {
		pthread_mutex_lock(&s->mu);
		while (s->written == off && !s->done)
			pthread_cond_wait(&s->cv, &s->mu);
		avail = s->written - off;
		done = s->done;
		pthread_mutex_unlock(&s->mu);
		if (avail == 0 && done)
			break;
		r = pread(s->fd, buf, avail < HASH_CHUNK ? (size_t)avail :
		    HASH_CHUNK, (off_t)off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			s->error = r == 0 ? EIO : errno;
			break;
		}
		sha256_update(s->sha, buf, (size_t)r);
		off += (uint64_t)r;
	}
	free(buf);
	return NULL;
}

static void
sink_start(struct sink *s, int fd, const char *path)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->path = path;
	s->sha = sha256_new();
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	s->threaded = pthread_create(&s->thread, NULL, hasher, s) == 0;
}

/*
 * Stops the hasher and writes the digest of what was written to md.
 * Safe to call more than once and on a sink never started. -1 (reported)
 * if the hasher could not read the file back.
 */
static int
sink_end(struct sink *s, unsigned char md[SHA256_LEN])
{
	int	rc = 0;

	if (s->sha == NULL)
		return -1;
	if (s->threaded) {
		pthread_mutex_lock(&s->mu);
		s->done = 1;
		pthread_cond_signal(&s->cv);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->thread, NULL);
		s->threaded = 0;
		if (s->error != 0) {
			log_error("%s: %s", s->path, strerror(s->error));
			rc = -1;
		}
	}
	if (md != NULL)
		sha256_final(s->sha, md);
	sha256_free(s->sha);
	s->sha = NULL;
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	return rc;
}

static int
sink_write(void *arg, const void *p, size_t n)
{
	struct sink	*s = arg;

	if (write_all(s->fd, p, n) == -1) {
		log_error("%s: %s", s->path, strerror(errno));
		return -1;
	}
	s->size += n;
	if (s->threaded) {
		pthread_mutex_lock(&s->mu);
		s->written = s->size;
		pthread_cond_signal(&s->cv);
		pthread_mutex_unlock(&s->mu);
	} else
		sha256_update(s->sha, p, n);
	if (s->size - s->flushed >= WRITEBACK_STEP)
		sink_writeback(s);
	return 0;
}

/*
 * Downloads r into dir (the cache directory, or a private temporary one),
 * verifies it, and renames it into place as dir/<asset>. With record,
 * writes the .verified record first. On success r->sha256, r->size are set.
 */
static int
download(struct http *h, struct release *r, const char *dir, int record)
{
	struct http_request	 req;
	struct http_response	 resp;
	struct outfile		*of = NULL;
	struct sink		 s;
	unsigned char		 md[SHA256_LEN];
	char			 expect[SHA256_HEX_LEN + 1], *from = NULL;
	char			*url = NULL, *label = NULL, *dest;
	struct stat		 st;
	const char		*why;
	int			 rc = -1;

	memset(&resp, 0, sizeof(resp));
	memset(&s, 0, sizeof(s));
	dest = xasprintf("%s/%s", dir, r->asset);
	if (expected_digest(h, r, expect, &from) == -1)
		goto out;
	if ((of = outfile_create(dest, 0644)) == NULL)
		goto out;
	sink_start(&s, outfile_fd(of), outfile_path(of));
	url = release_url(r, "");
	label = xasprintf("Deno %s %s", r->version, r->asset);
	memset(&req, 0, sizeof(req));
	req.method = HTTP_GET;
	req.url = url;
	req.retry = 1;
	req.follow_redirects = 1;
	req.sink = sink_write;
	req.sink_arg = &s;
	req.progress_label = label;
	if (http_do(h, &req, &resp) == -1)
		goto out;
	if (resp.status == 404) {
		report_not_found(h, r, 0);
		goto out;
	}
	if (resp.status != 200) {
		http_report_status(&resp, NULL);
		goto out;
	}
	/*
	 * Flush to disk now, while the hasher catches up, so that the
	 * commit's fsync finds nothing left. A failure must stop us here:
	 * the kernel reports a writeback error only once.
	 */
	if (fsync(s.fd) == -1) {
		log_error("%s: %s", s.path, strerror(errno));
		goto out;
	}
	if (sink_end(&s, md) == -1)
		goto out;
	hex_encode(md, SHA256_LEN, r->sha256);
	r->size = s.size;
	if (strcmp(r->sha256, expect) != 0) {
		log_error("%s: checksum mismatch: expected %s (from %s), got %s "
		    "(%llu bytes downloaded)", r->asset, expect, from,
		    r->sha256, (unsigned long long)s.size);
		goto out;
	}
	/* A body that matches its checksum can still be an error page
	 * published by mistake. */
	if (layer_input_probe(s.path, &why) == -1) {
		log_error("%s: %s, although its checksum matches; the server "
		    "sent something else under that name", r->asset, why);
		goto out;
	}
	log_verbose("%s: sha256 %s matches %s", r->asset, r->sha256, from);
	if (record && fstat(s.fd, &st) == -1) {
		log_error("%s: %s", s.path, strerror(errno));
		goto out;
	}
	rc = outfile_commit(of);
	of = NULL;
	/* The record names the file as it landed (a rename moves its ctime). */
	if (rc == 0 && record && stat(dest, &st) == 0)
		record_verified(r, &st);
out:
	sink_end(&s, NULL);	/* before the file closes */
	outfile_abort(of);
	http_response_free(&resp);
	free(label);
	free(url);
	free(from);
	free(dest);
	return rc;
}

/* --deno latest: asks the release site which version is the newest. */
static char *
resolve_latest(struct http *h)
{
	struct http_request	 req;
	struct http_response	 resp;
	const char		*env = getenv("CFNGEN_DENO_LATEST_URL");
	char			*url, *text = NULL, *v = NULL;
	size_t			 n;

	url = http_redact_url(env && *env ? env : LATEST_URL_DEFAULT);
	memset(&req, 0, sizeof(req));
	req.method = HTTP_GET;
	req.url = env && *env ? env : LATEST_URL_DEFAULT;
	req.retry = 1;
	req.follow_redirects = 1;
	req.body_max = 256;
	if (http_do(h, &req, &resp) == -1)
		goto out;
	if (resp.status != 200) {
		http_report_status(&resp, "--deno latest");
		goto out;
	}
	text = xstrndup(resp.body.data, resp.body.len);
	n = strlen(text);
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' ||
	    text[n - 1] == ' '))
		text[--n] = '\0';
	if (n == 0 || strchr(text, '/') != NULL ||
	    valid_deno_version(text, &v) == -1 || strcmp(v, "latest") == 0) {
		free(v);
		v = NULL;
		log_error("--deno latest: %s: expected a version such as %s, "
		    "got \"%.40s\"", url, DENO_DEFAULT_VERSION, text);
		goto out;
	}
	log_info("Deno latest is %s", v);
out:
	http_response_free(&resp);
	free(text);
	free(url);
	return v;
}

/*
 * Puts the release spec asks for in the cache (or, for a build with a cache
 * it cannot write, in a private temporary directory set in *tmpdir), and
 * fills r. for_fetch: cfngen fetch, which must fill the cache or fail.
 */
static int
obtain(const struct deno_source_spec *spec, struct cache *c, int for_fetch,
    struct release *r, char **tmpdir)
{
	struct http	*h = NULL;
	char		*version = NULL, *cmd, *tmpl;
	const char	*where;
	int		 rc = -1, hit;

	*tmpdir = NULL;
	memset(r, 0, sizeof(*r));
	if (strcmp(spec->version, "latest") == 0) {
		/* options_finish refused latest with --offline already. */
		if ((h = http_new()) == NULL ||
		    (version = resolve_latest(h)) == NULL)
			goto out;
	} else
		version = xstrdup(spec->version);
	release_init(r, spec, c, version);
	if ((hit = cache_lookup(r)) == -1)
		goto out;
	if (hit) {
		rc = 0;
		goto out;
	}
	if (spec->offline) {
		cmd = fetch_command(r);
		log_error("Deno %s (%s) is not in the cache %s and --offline "
		    "forbids downloading it; run `%s` while online, or pass "
		    "--deno-zip", r->version, arch_lambda_name(spec->arch),
		    spec->cache_dir, cmd);
		free(cmd);
		goto out;
	}
	if (h == NULL && (h = http_new()) == NULL)
		goto out;
	if (dir_writable(c, r->sub, r->dir) == 0) {
		rc = download(h, r, r->dir, 1);
		goto out;
	}
	where = r->dir != NULL ? r->dir : spec->cache_dir;
	if (for_fetch) {
		log_error("%s: cannot write to the cache: %s (choose another "
		    "with --cache-dir)", where, r->dir != NULL ?
		    strerror(errno) : "not trusted");
		goto out;
	}
	if (r->dir != NULL)
		log_warn("%s: cannot write to the cache: %s; downloading to a "
		    "temporary file instead (Deno will not be cached)", where,
		    strerror(errno));
	tmpl = xasprintf("%s/cfngen-deno.XXXXXX", outfile_tmpdir());
	if (mkdtemp(tmpl) == NULL) {
		log_error("%s: %s", tmpl, strerror(errno));
		free(tmpl);
		goto out;
	}
	*tmpdir = tmpl;
	free(r->zip);
	r->zip = xasprintf("%s/%s", tmpl, r->asset);
	rc = download(h, r, tmpl, 0);
out:
	http_free(h);
	free(version);
	return rc;
}

/* The digest of a --deno-zip, checked against a --deno-sha256 pin. */
static int
check_pinned_zip(const struct deno_source_spec *spec, struct deno_input *in)
{
	unsigned char	md[SHA256_LEN];
	char		hex[SHA256_HEX_LEN + 1];
	uint64_t	size;

	if (sha256_file(spec->zip, md, &size) == -1)
		return -1;
	hex_encode(md, SHA256_LEN, hex);
	if (strcmp(hex, spec->sha256) != 0) {
		log_error("%s: checksum mismatch: --deno-sha256 is %s, the "
		    "file has %s", spec->zip, spec->sha256, hex);
		return -1;
	}
	in->zip_sha256 = xstrdup(hex);
	return 0;
}

int
deno_source_resolve(const struct deno_source_spec *spec, struct cache *c,
    struct deno_input *in)
{
	struct release	r;
	int		rc = -1;

	memset(in, 0, sizeof(*in));
	memset(&r, 0, sizeof(r));
	if (strcmp(spec->version, "latest") == 0 &&
	    (spec->bin || spec->zip)) {
		log_usage("--deno latest: give the version of the Deno in %s",
		    spec->bin ? spec->bin : spec->zip);
		return -1;
	}
	if (spec->bin) {
		if (spec->sha256 != NULL)
			log_warn("--deno-sha256: ignored with --deno-bin (it "
			    "pins the release zip)");
		in->version = xstrdup(spec->version);
		in->bin_path = xstrdup(spec->bin);
		return 0;
	}
	if (spec->zip) {
		in->version = xstrdup(spec->version);
		in->zip_path = xstrdup(spec->zip);
		if (spec->sha256 != NULL && check_pinned_zip(spec, in) == -1)
			goto out;
		return 0;
	}
	if (obtain(spec, c, 0, &r, &in->tmpdir) == -1)
		goto out;
	in->version = xstrdup(r.version);
	in->zip_path = xstrdup(r.zip);
	in->zip_sha256 = xstrdup(r.sha256);
	if (in->tmpdir != NULL)
		in->cleanup_slot = cleanup_register(in->zip_path);
	rc = 0;
out:
	release_free(&r);
	if (rc == -1)
		deno_input_free(in);
	return rc;
}

int
deno_source_fetch(const struct deno_source_spec *spec, struct cache *c)
{
	struct release	 r;
	char		*tmpdir = NULL;
	int		 rc;

	if ((rc = obtain(spec, c, 1, &r, &tmpdir)) == 0) {
		log_info("Deno %s (%s) is in the cache, sha256 %s", r.version,
		    arch_lambda_name(spec->arch), r.sha256);
		if (printf("%s\n", r.zip) < 0)
			rc = -1;
	}
	release_free(&r);
	free(tmpdir);
	return rc;
}

void
deno_input_free(struct deno_input *in)
{
	if (in == NULL)
		return;
	if (in->tmpdir != NULL) {
		if (in->zip_path != NULL)
			unlink(in->zip_path);
		rmdir(in->tmpdir);
		cleanup_unregister(in->cleanup_slot);
	}
	free(in->zip_path);
	free(in->bin_path);
	free(in->version);
	free(in->zip_sha256);
	free(in->tmpdir);
	memset(in, 0, sizeof(*in));
	in->cleanup_slot = -1;
}
