/*
 * Builds the layer zip (and the example's): finds the Deno, checks what
 * its binary needs against --arch and --runtime, then writes the zips and
 * manifest.json into an output set (outfile.h) that lands in the output
 * directory only with artifacts_commit(), once the templates have joined
 * it.
 *
 * A first build from a release zip inflates its deno in a second thread
 * (the checks need the ELF tables, and the version it carries) while the
 * main thread copies the compressed entry into the layer; the verdict is
 * remembered per SHA-256, and the layer's own SHA-256 per set of inputs,
 * so a repeated build is a plain copy.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "artifacts.h"
#include "assets.h"
#include "deno_source.h"
#include "digest.h"
#include "doc.h"
#include "elf.h"
#include "json.h"
#include "layer.h"
#include "log.h"
#include "outfile.h"
#include "xalloc.h"

#define DEFAULT_OUT_DIR	"cfngen.out"
#define MANIFEST_NAME	"manifest.json"
#define EXAMPLE_NAME	"example-fn.zip"
#define AL2_GLIBC	26	/* glibc 2.26 on Amazon Linux 2 */
#define AL2023_GLIBC	34	/* glibc 2.34 on Amazon Linux 2023 */
#define RECORD_MAX	4096
#define SCAN_PASSES	4
#define VERSION_MAX	40	/* "2.9.5", "2.0.0-rc.1": without the v */
#define READ_CHUNK	(1024 * 1024)

/* The Deno a run builds from. */
struct source {
	struct deno_input	 in;
	char			*what;	/* how to name it: "--deno-zip deno.zip" */
	struct layer_input	*zip;	/* the release zip's "deno", or NULL */
	uint64_t		 size;	/* the binary's size */
	char			 sha256[SHA256_HEX_LEN + 1]; /* zip's or binary's */
};

/* What the binary is and needs; remembered per input SHA-256. */
struct verdict {
	uint64_t	size;
	struct elf_info	elf;
	char		version[VERSION_MAX + 2];	/* "v2.9.5", or "" */
};

static int
source_open(const struct options *o, struct source *s)
{
	struct stat	st;

	if (deno_source_resolve(o, &s->in) == -1)
		return -1;
	if (s->in.bin_path != NULL) {
		s->what = xasprintf("--deno-bin %s", s->in.bin_path);
		if (stat(s->in.bin_path, &st) == -1) {
			log_usage("%s: %s", s->what, strerror(errno));
			return -1;
		}
		s->size = (uint64_t)st.st_size;
		return 0;
	}
	s->what = o->deno_zip != NULL ? xasprintf("--deno-zip %s", o->deno_zip) :
	    xstrdup(s->in.zip_path);
	if ((s->zip = layer_input_open(s->in.zip_path, "deno", s->what)) == NULL)
		return -1;
	s->size = layer_input_size(s->zip);
	return 0;
}

static void
source_close(struct source *s)
{
	layer_input_close(s->zip);
	deno_input_free(&s->in);
	free(s->what);
}

static const char *
source_path(const struct source *s)
{
	return s->in.bin_path != NULL ? s->in.bin_path : s->in.zip_path;
}

/*
 * Cache records: "key value" lines, written atomically. A record that
 * cannot be read or parsed is ignored; one that cannot be written only
 * costs time later.
 */
static char *
record_read(const char *path)
{
	char	*text;
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	text = xmalloc(RECORD_MAX + 1);
	n = read(fd, text, RECORD_MAX + 1);
	close(fd);
	if (n <= 0 || n > RECORD_MAX) {
		free(text);
		return NULL;
	}
	text[n] = '\0';
	if (strlen(text) != (size_t)n) {
		free(text);
		return NULL;
	}
	return text;
}

/* The value of "key value" in text, up to the end of its line. */
static const char *
record_get(const char *text, const char *key, size_t *len)
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

static int
record_u64(const char *text, const char *key, uint64_t max, uint64_t *out)
{
	const char	*v;
	size_t		 n, i;
	uint64_t	 x = 0;

	if ((v = record_get(text, key, &n)) == NULL || n == 0 || n > 20)
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

static int
record_int(const char *text, const char *key, int max, int *out)
{
	uint64_t	x;

	if (record_u64(text, key, (uint64_t)max, &x) == -1)
		return -1;
	*out = (int)x;
	return 0;
}

static int
record_hex(const char *text, const char *key, char out[SHA256_HEX_LEN + 1])
{
	const char	*v;
	size_t		 n;

	if ((v = record_get(text, key, &n)) == NULL || n != SHA256_HEX_LEN)
		return -1;
	memcpy(out, v, SHA256_HEX_LEN);
	out[SHA256_HEX_LEN] = '\0';
	return valid_sha256_hex(out);
}

/*
 * A record is an optimisation: one that cannot be written costs time
 * later, so it is a warning, and the run goes on.
 */
static void
record_write(const char *cache, const char *sub, const char *name,
    const char *text)
{
	char	*dir, *path;
	int	 e;

	dir = xasprintf("%s/%s", cache, sub);
	path = xasprintf("%s/%s", dir, name);
	if (mkdir_p(dir) == -1)
		e = errno;
	else
		e = outfile_put_quiet(path, text, strlen(text), 0644);
	if (e != 0)
		log_warn("%s: cache record not saved: %s", path, strerror(e));
	else
		log_verbose("%s: written", path);
	free(path);
	free(dir);
}

/*
 * The SHA-256 of the Deno zip or binary without reading it, when known: the
 * release cache knows it, or a digest record of this very file (device,
 * inode, size, modification and change times; any write to the file moves
 * its change time) remembers it from an earlier run.
 */
static char *
digest_record_name(const struct stat *st)
{
	unsigned char	 md[SHA256_LEN];
	char		*text, *name;

	text = xasprintf("%ju %ju %jd %jd.%09ld %jd.%09ld",
	    (uintmax_t)st->st_dev, (uintmax_t)st->st_ino,
	    (intmax_t)st->st_size, (intmax_t)st->st_mtim.tv_sec,
	    st->st_mtim.tv_nsec, (intmax_t)st->st_ctim.tv_sec,
	    st->st_ctim.tv_nsec);
	sha256_buf(text, strlen(text), md);
	name = xmalloc(SHA256_HEX_LEN + 1);
	hex_encode(md, SHA256_LEN, name);
	free(text);
	return name;
}

static int
source_known(const struct options *o, struct source *s)
{
	struct stat	 st;
	char		*name, *path, *text;
	int		 rc = 0;

	if (s->in.bin_path == NULL && s->in.zip_sha256 != NULL &&
	    valid_sha256_hex(s->in.zip_sha256) == 0) {
		memcpy(s->sha256, s->in.zip_sha256, SHA256_HEX_LEN + 1);
		return 1;
	}
	if (stat(source_path(s), &st) == -1)
		return 0;
	name = digest_record_name(&st);
	path = xasprintf("%s/digests/%s", o->cache_dir, name);
	if ((text = record_read(path)) != NULL &&
	    strncmp(text, "cfngen-digest 1\n", 16) == 0 &&
	    record_hex(text, "sha256", s->sha256) == 0) {
		log_verbose("%s: SHA-256 remembered (%s)", source_path(s),
		    path);
		rc = 1;
	}
	free(text);
	free(path);
	free(name);
	return rc;
}

static int
same_file_state(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Hashes the Deno zip or binary, and remembers the digest for next time. */
static int
source_digest(const struct options *o, struct source *s)
{
	struct stat	 before, after;
	unsigned char	 md[SHA256_LEN];
	char		*name, *text;
	time_t		 now = time(NULL);
	int		 settled;

	settled = stat(source_path(s), &before) == 0;
	if (sha256_file(source_path(s), md, NULL) == -1)
		return -1;
	hex_encode(md, SHA256_LEN, s->sha256);
	/*
	 * A file written in the last seconds could be written again within
	 * the resolution of its timestamps: remember settled files only.
	 */
	settled = settled && stat(source_path(s), &after) == 0 &&
	    same_file_state(&before, &after) &&
	    after.st_mtim.tv_sec < now - 2 && after.st_ctim.tv_sec < now - 2;
	if (settled) {
		name = digest_record_name(&after);
		text = xasprintf("cfngen-digest 1\nsha256 %s\n", s->sha256);
		record_write(o->cache_dir, "digests", name, text);
		free(text);
		free(name);
	}
	return 0;
}

/* "version v2.9.5" (or "version -": none found) into out. */
static int
record_version(const char *text, char out[VERSION_MAX + 2])
{
	const char	*v;
	size_t		 n;

	if ((v = record_get(text, "version", &n)) == NULL || n == 0 ||
	    n > VERSION_MAX + 1)
		return -1;
	if (n == 1 && *v == '-') {
		out[0] = '\0';
		return 0;
	}
	memcpy(out, v, n);
	out[n] = '\0';
	return *out == 'v' && valid_deno_version(out, NULL) == 0 &&
	    strcmp(out, "latest") != 0 ? 0 : -1;
}

static int
verdict_load(const struct options *o, const struct source *s,
    struct verdict *v)
{
	char	*path, *text;
	int	 rc = -1;

	path = xasprintf("%s/verdicts/%s", o->cache_dir, s->sha256);
	if ((text = record_read(path)) == NULL)
		goto out;
	memset(v, 0, sizeof(*v));
	if (strncmp(text, "cfngen-verdict 2\n", 17) != 0 ||
	    record_u64(text, "size", UINT64_MAX, &v->size) == -1 ||
	    record_int(text, "class", 64, &v->elf.elf_class) == -1 ||
	    record_int(text, "big-endian", 1, &v->elf.big_endian) == -1 ||
	    record_int(text, "type", 0xffff, &v->elf.type) == -1 ||
	    record_int(text, "machine", 0xffff, &v->elf.machine) == -1 ||
	    record_int(text, "glibc-major", 99999, &v->elf.glibc_major) == -1 ||
	    record_int(text, "glibc-minor", 99999, &v->elf.glibc_minor) == -1 ||
	    record_int(text, "glibc-patch", 99999, &v->elf.glibc_patch) == -1 ||
	    record_version(text, v->version) == -1 ||
	    v->size != s->size) {
		log_verbose("%s: not a valid record; ignoring it", path);
		goto out;
	}
	log_verbose("deno: checked before (%s); using that verdict", path);
	rc = 0;
out:
	free(text);
	free(path);
	return rc;
}

static void
verdict_save(const struct options *o, const struct source *s,
    const struct verdict *v)
{
	char	*text;

	text = xasprintf("cfngen-verdict 2\nsize %" PRIu64 "\nclass %d\n"
	    "big-endian %d\ntype %d\nmachine %d\nglibc-major %d\n"
	    "glibc-minor %d\nglibc-patch %d\nversion %s\n", v->size,
	    v->elf.elf_class, v->elf.big_endian, v->elf.type, v->elf.machine,
	    v->elf.glibc_major, v->elf.glibc_minor, v->elf.glibc_patch,
	    v->version[0] != '\0' ? v->version : "-");
	record_write(o->cache_dir, "verdicts", s->sha256, text);
	free(text);
}

/* The scan's verdict, as errors naming the input. */
static int
scan_status(const struct source *s, enum elf_status st, const char *why)
{
	const char	*subject = s->zip != NULL ? "deno: " : "";

	switch (st) {
	case ELF_OK:
		return 0;
	case ELF_NOT_ELF:
		log_usage("%s: %snot an ELF executable (a script or another "
		    "kind of file); expected the Linux deno binary", s->what,
		    subject);
		break;
	case ELF_BAD:
		log_usage("%s: %sa damaged ELF file: %s", s->what, subject, why);
		break;
	case ELF_MORE:
		log_usage("%s: %sits ELF tables are spread too far apart",
		    s->what, subject);
		break;
	}
	return -1;
}

/*
 * The version a Deno binary carries. Its HTTP user agent is there twice
 * in a row, short and long: "Deno/2.9.5" then "Deno/2.9.5+17fadf3" (in
 * Deno 1.46 and 2.x alike); that pair, with a commit after the "+", gives
 * the version. A binary without it, or with two different ones, has none
 * that can be trusted. The bytes come as a stream, in order, in chunks
 * (repeated ones are skipped): a pair that straddles two chunks is found
 * in the tail kept from the one before.
 */
#define PAIR_MAX	(2 * (5 + VERSION_MAX) + 1 + 7)
#define TAIL_LEN	128

struct verscan {
	uint64_t	next;		/* offset of the next byte not seen */
	unsigned char	tail[2 * TAIL_LEN];
	size_t		tail_len;
	char		found[VERSION_MAX + 2];
	int		conflict;
};

static int
version_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '.' || c == '-';
}

/*
 * At p, "Deno/": 1 and the version in v when the pair is there, 0 when it
 * is not, -1 when the n bytes at p end too soon to tell.
 */
static int
version_pair(const unsigned char *p, size_t n, char v[VERSION_MAX + 1])
{
	const unsigned char	*s = p + 5, *long_form;
	unsigned char		 c;
	size_t			 len, i;

	for (len = 0; len <= VERSION_MAX; len++) {
		if (5 + len + 5 > n)
			return -1;
		if (memcmp(s + len, "Deno/", 5) == 0)
			break;
		if (!version_char(s[len]))
			return 0;
	}
	if (len == 0 || len > VERSION_MAX || s[0] < '0' || s[0] > '9')
		return 0;
	/* "Deno/" version "Deno/" version "+" commit */
	if (5 + len + 5 + len + 1 + 7 > n)
		return -1;
	long_form = s + len + 5;
	if (memcmp(long_form, s, len) != 0 || long_form[len] != '+')
		return 0;
	for (i = 1; i <= 7; i++) {
		c = long_form[len + i];
		if ((c < '0' || c > '9') && (c < 'a' || c > 'f'))
			return 0;
	}
	memcpy(v, s, len);
	v[len] = '\0';
	return valid_deno_version(v, NULL) == 0 ? 1 : 0;
}

/*
 * The pairs that begin in p[0 .. starts) and end by p[n]. (memchr for the
 * "/", a rare byte in a binary, is several times faster than memmem.)
 */
static void
verscan_search(struct verscan *vs, const unsigned char *p, size_t n,
    size_t starts)
{
	const unsigned char	*q, *end = p + n;
	char			 v[VERSION_MAX + 1];

	if (n < 5)
		return;
	for (q = p + 4; q < end && q - 4 < p + starts; q++) {
		if ((q = memchr(q, '/', (size_t)(end - q))) == NULL ||
		    q - 4 >= p + starts)
			break;
		if (memcmp(q - 4, "Deno", 4) != 0 ||
		    version_pair(q - 4, (size_t)(end - q) + 4, v) != 1)
			continue;
		if (vs->found[0] == '\0')
			snprintf(vs->found, sizeof(vs->found), "v%s", v);
		else if (strcmp(vs->found + 1, v) != 0)
			vs->conflict = 1;
	}
}

static void
verscan_feed(struct verscan *vs, uint64_t off, const unsigned char *p,
    size_t n)
{
	size_t	k, keep;

	if (off + n <= vs->next)
		return;
	if (off < vs->next) {
		p += vs->next - off;
		n -= (size_t)(vs->next - off);
	} else if (off > vs->next)
		vs->tail_len = 0;	/* a gap: nothing straddles it */
	vs->next = off + n;
	k = n < TAIL_LEN ? n : TAIL_LEN;
	memcpy(vs->tail + vs->tail_len, p, k);
	verscan_search(vs, vs->tail, vs->tail_len + k, vs->tail_len);
	verscan_search(vs, p, n, n);
	if (n >= TAIL_LEN) {
		memcpy(vs->tail, p + n - TAIL_LEN, TAIL_LEN);
		vs->tail_len = TAIL_LEN;
	} else {
		keep = vs->tail_len + n < TAIL_LEN ? vs->tail_len + n : TAIL_LEN;
		memmove(vs->tail, vs->tail + vs->tail_len + n - keep, keep);
		vs->tail_len = keep;
	}
}

/* The version found, or "" when none can be trusted. */
static const char *
verscan_result(const struct verscan *vs)
{
	return vs->conflict ? "" : vs->found;
}

/* Reads the whole binary in order for its version. */
static int
bin_version(const struct source *s, int fd, struct verdict *v)
{
	struct verscan	 vs;
	unsigned char	*buf;
	uint64_t	 off = 0;
	ssize_t		 r;
	int		 rc = -1;

	memset(&vs, 0, sizeof(vs));
	buf = xmalloc(READ_CHUNK);
	for (;;) {
		if ((r = pread(fd, buf, READ_CHUNK, (off_t)off)) == -1) {
			if (errno == EINTR)
				continue;
			log_error("%s: %s", s->what, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		verscan_feed(&vs, off, buf, (size_t)r);
		off += (uint64_t)r;
	}
	snprintf(v->version, sizeof(v->version), "%s", verscan_result(&vs));
	rc = 0;
out:
	free(buf);
	return rc;
}

/*
 * Reads what the scan asks for from the binary, until it has a verdict;
 * then all of it, for its version.
 */
static int
inspect_bin(const struct source *s, struct verdict *v)
{
	struct elf_scan	*scan;
	enum elf_status	 st = ELF_MORE;
	const char	*why = NULL;
	unsigned char	*buf = NULL;
	uint64_t	 off = 0, len;
	ssize_t		 r;
	int		 fd, i, rc = -1;

	if ((fd = open(s->in.bin_path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_error("%s: %s", s->what, strerror(errno));
		return -1;
	}
	scan = elf_scan_new(s->size);
	for (i = 0; i < 16; i++) {
		st = elf_scan_result(scan, &v->elf, &why, &off, &len);
		if (st != ELF_MORE)
			break;
		buf = xrealloc(buf, len);
		if ((r = pread(fd, buf, len, (off_t)off)) == -1) {
			log_error("%s: %s", s->what, strerror(errno));
			goto out;
		}
		if ((uint64_t)r != len) {
			log_error("%s: the file changed while being read",
			    s->what);
			goto out;
		}
		elf_scan_feed(scan, off, buf, len);
	}
	v->size = s->size;
	if ((rc = scan_status(s, st, why)) == 0)
		rc = bin_version(s, fd, v);
out:
	free(buf);
	elf_scan_free(scan);
	close(fd);
	return rc;
}

/*
 * A release zip's deno is inflated (which also verifies its CRC-32) and
 * scanned in a thread of its own while the layer zip is being written;
 * nothing is committed before its verdict. A second pass happens only when
 * a table lies where the first one did not keep it. The thread reports
 * nothing: the main thread does, from what it left.
 */
struct inspect {
	const struct source	*s;
	pthread_t		 thread;
	int			 running;
	atomic_int		 stop;
	struct elf_scan		*scan;
	struct verscan		 vs;
	struct verdict		 v;
	enum elf_status		 st;
	const char		*why;
	char			*err;	/* the entry is damaged or unreadable */
	int			 rc;
};

static int
inspect_feed(void *arg, uint64_t off, const void *p, size_t n)
{
	struct inspect	*t = arg;

	if (atomic_load_explicit(&t->stop, memory_order_relaxed))
		return -1;
	elf_scan_feed(t->scan, off, p, n);
	verscan_feed(&t->vs, off, p, n);
	return 0;
}

static void *
inspect_run(void *arg)
{
	struct inspect	*t = arg;
	uint64_t	 off, len;
	int		 pass;

	t->scan = elf_scan_new(t->s->size);
	t->st = ELF_MORE;
	t->rc = -1;
	for (pass = 0; pass < SCAN_PASSES && t->st == ELF_MORE; pass++) {
		if (layer_input_inflate(t->s->zip, inspect_feed, t, &t->err) ==
		    -1)
			goto out;
		t->st = elf_scan_result(t->scan, &t->v.elf, &t->why, &off, &len);
	}
	t->v.size = t->s->size;
	snprintf(t->v.version, sizeof(t->v.version), "%s",
	    verscan_result(&t->vs));
	t->rc = 0;
out:
	elf_scan_free(t->scan);
	t->scan = NULL;
	return NULL;
}

static void
inspect_start(struct inspect *t, const struct source *s)
{
	t->s = s;
	memset(&t->vs, 0, sizeof(t->vs));
	atomic_store(&t->stop, 0);
	log_verbose("deno: inflating %" PRIu64 " bytes to check it", s->size);
	if (pthread_create(&t->thread, NULL, inspect_run, t) == 0)
		t->running = 1;
	else
		inspect_run(t);
}

/* Stops the inspection if it still runs and forgets it; accepts an idle one. */
static void
inspect_cancel(struct inspect *t)
{
	if (t->running) {
		atomic_store(&t->stop, 1);
		pthread_join(t->thread, NULL);
		t->running = 0;
	}
	free(t->err);
	t->err = NULL;
	t->s = NULL;
}

/* Waits for the verdict, and reports what went wrong. */
static int
inspect_finish(struct inspect *t, struct verdict *v)
{
	int	rc = -1;

	if (t->running)
		pthread_join(t->thread, NULL);
	t->running = 0;
	if (t->rc == -1)
		log_usage("%s", t->err != NULL ? t->err :
		    "deno: the check stopped");
	else if (scan_status(t->s, t->st, t->why) == 0) {
		*v = t->v;
		rc = 0;
	}
	inspect_cancel(t);
	return rc;
}

static enum arch
other_arch(enum arch a)
{
	return a == ARCH_X86_64 ? ARCH_ARM64 : ARCH_X86_64;
}

static int
arch_machine(enum arch a)
{
	return a == ARCH_X86_64 ? ELF_EM_X86_64 : ELF_EM_AARCH64;
}

/* Does the binary fit --arch and --runtime? */
static int
check_verdict(const struct options *o, const struct source *s,
    const struct build_result *b, const struct verdict *v)
{
	const char	*subject = s->zip != NULL ? "deno is " : "";
	const char	*m = elf_machine_name(v->elf.machine);
	int		 have;

	if (v->elf.type != ELF_ET_EXEC && v->elf.type != ELF_ET_DYN) {
		log_usage("%s: %snot an executable (ELF type %d)", s->what,
		    subject, v->elf.type);
		return -1;
	}
	if (v->elf.machine != arch_machine(o->arch) || v->elf.elf_class != 64) {
		if (v->elf.machine == arch_machine(other_arch(o->arch)) &&
		    v->elf.elf_class == 64)
			log_usage("%s: %sbuilt for %s, but --arch is %s; "
			    "pass --arch %s", s->what, subject, m,
			    arch_lambda_name(o->arch),
			    arch_lambda_name(other_arch(o->arch)));
		else if (m != NULL)
			log_usage("%s: %sbuilt for %s; Lambda runs x86_64 "
			    "and arm64", s->what, subject, m);
		else
			log_usage("%s: %sbuilt for ELF machine %d; Lambda "
			    "runs x86_64 and arm64", s->what, subject,
			    v->elf.machine);
		return -1;
	}
	have = o->runtime == RUNTIME_AL2 ? AL2_GLIBC : AL2023_GLIBC;
	if (v->elf.glibc_major > 2 ||
	    (v->elf.glibc_major == 2 && v->elf.glibc_minor > have)) {
		if (o->runtime == RUNTIME_AL2 &&
		    (v->elf.glibc_major == 2 &&
		    v->elf.glibc_minor <= AL2023_GLIBC))
			log_usage("%s: Deno %s needs glibc %d.%d, but %s has "
			    "glibc 2.%d; use --runtime provided.al2023 "
			    "(glibc 2.%d)", s->what, b->deno_version,
			    v->elf.glibc_major, v->elf.glibc_minor,
			    runtime_name(o->runtime), have, AL2023_GLIBC);
		else
			log_usage("%s: Deno %s needs glibc %d.%d, but %s has "
			    "glibc 2.%d; use an older Deno", s->what,
			    b->deno_version, v->elf.glibc_major,
			    v->elf.glibc_minor, runtime_name(o->runtime), have);
		return -1;
	}
	return 0;
}

/* A local Deno (--deno-zip, --deno-bin) is the version it says it is. */
static int
version_from_binary(const struct options *o)
{
	return (o->deno_zip != NULL || o->deno_bin != NULL) &&
	    !o->deno_version_set;
}

/*
 * The version of a local Deno: the one the binary carries, which --deno,
 * when given, must agree with.
 */
static int
settle_version(const struct options *o, const struct source *s,
    struct build_result *b, const struct verdict *v)
{
	const char	*verb = s->zip != NULL ? "holds" : "is";

	if (o->deno_zip == NULL && o->deno_bin == NULL)
		return 0;	/* a release: the version it was fetched as */
	if (b->deno_version == NULL) {
		if (v->version[0] == '\0') {
			log_usage("%s: cannot tell which Deno version it %s; "
			    "pass --deno vX.Y.Z", s->what, verb);
			return -1;
		}
		b->deno_version = xstrdup(v->version);
		log_verbose("%s: %s Deno %s", s->what, verb, v->version);
	} else if (v->version[0] != '\0' &&
	    strcmp(v->version, b->deno_version) != 0) {
		log_usage("%s: %s Deno %s, but --deno says %s", s->what, verb,
		    v->version, b->deno_version);
		return -1;
	}
	return 0;
}

/* The layer unzipped must fit Lambda's 250 MB. */
static int
check_size(const struct source *s, uint64_t unzipped)
{
	char	h[16];

	if (unzipped <= LAMBDA_UNZIPPED_MAX)
		return 0;
	log_error("%s: deno is %" PRIu64 " bytes (%s) unzipped, so the layer "
	    "would exceed Lambda's limit of %llu bytes (250 MiB) unzipped for "
	    "a function and all its layers together", s->what, s->size,
	    log_human_size(s->size, h), LAMBDA_UNZIPPED_MAX);
	return -1;
}

static const struct asset *
need_asset(const char *name)
{
	const struct asset	*a;

	if ((a = asset_get(name)) == NULL) {
		log_error("%s: not compiled into this cfngen", name);
		return NULL;
	}
	return a;
}

/*
 * Where the artifacts go: --out-dir (created if missing; its parent must
 * exist), ./cfngen.out for cfngen build, else a private directory that
 * nothing lands from. Either way they are staged in b->out.
 */
static int
prepare_dir(const struct options *o, struct build_result *b)
{
	struct stat	 st;
	const char	*tmp;

	if (o->out_dir == NULL && o->command != CMD_BUILD) {
		if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
			tmp = "/tmp";
		return (b->out = outset_new(tmp)) != NULL ? 0 : -1;
	}
	b->out_dir = xstrdup(o->out_dir != NULL ? o->out_dir : DEFAULT_OUT_DIR);
	if (mkdir(b->out_dir, 0777) == 0)
		b->out_dir_created = 1;
	else if (errno != EEXIST || stat(b->out_dir, &st) == -1) {
		log_usage("--out-dir %s: %s", b->out_dir, strerror(errno));
		return -1;
	} else if (!S_ISDIR(st.st_mode)) {
		log_usage("--out-dir %s: exists and is not a directory",
		    b->out_dir);
		return -1;
	} else if (access(b->out_dir, W_OK | X_OK) == -1) {
		log_usage("--out-dir %s: not writable", b->out_dir);
		return -1;
	}
	return (b->out = outset_new(b->out_dir)) != NULL ? 0 : -1;
}

static void
set_artifact(struct artifact *a, const char *name, char *path, uint64_t size,
    const unsigned char md[SHA256_LEN], uint64_t unzipped, const char *prefix)
{
	a->name = xstrdup(name);
	a->path = path;
	a->sha256 = xmalloc(SHA256_HEX_LEN + 1);
	hex_encode(md, SHA256_LEN, a->sha256);
	a->sha256_b64 = base64_encode(md, SHA256_LEN);
	a->size = size;
	a->unzipped_size = unzipped;
	a->key = xasprintf("%s%s.zip", prefix, a->sha256);
}

/* Where it is, how big, its SHA-256: for all to see once it has landed. */
static void
report(const struct artifact *a, int landed)
{
	char	h[16];

	if (landed)
		log_info("%s: %s, %" PRIu64 " bytes, sha256 %s", a->path,
		    log_human_size(a->size, h), a->size, a->sha256);
	else
		log_verbose("%s: %s, %" PRIu64 " bytes, sha256 %s", a->path,
		    log_human_size(a->size, h), a->size, a->sha256);
}

/*
 * deno-layer-<arch>-<version>.zip; without a version yet (the binary is
 * still being read for it), a name to stage it under meanwhile.
 */
static char *
layer_name(const struct options *o, const char *version)
{
	if (version == NULL)
		return xasprintf("deno-layer-%s.zip", arch_lambda_name(o->arch));
	return xasprintf("deno-layer-%s-%s.zip", arch_lambda_name(o->arch),
	    version);
}

/* The staged layer gets its name, once the version is known. */
static int
name_layer(const struct options *o, struct build_result *b)
{
	const char	*path;
	char		*name;
	int		 rc = 0;

	name = layer_name(o, b->deno_version);
	if (strcmp(strrchr(b->layer.path, '/') + 1, name) != 0) {
		if ((path = outset_rename(b->out, b->layer.path, name)) == NULL)
			rc = -1;
		else {
			free(b->layer.path);
			b->layer.path = xstrdup(path);
		}
	}
	free(name);
	return rc;
}

/*
 * The layer zip, staged. When an earlier build of the same inputs recorded
 * its SHA-256 (known), the zip is not read back to hash it: it is
 * deterministic, and its size is checked against the record.
 */
static int
write_layer(const struct options *o, const struct source *s,
    struct build_result *b, const struct artifact *known)
{
	const struct asset	*boot, *shim;
	struct layer_zip	*z = NULL;
	unsigned char		 md[SHA256_LEN];
	uint64_t		 size;
	char			*name, *path;
	int			 rc = -1;

	if ((boot = need_asset("runtime/bootstrap")) == NULL ||
	    (shim = need_asset("runtime/shim.ts")) == NULL)
		return -1;
	name = layer_name(o, b->deno_version);
	path = xstrdup(outset_add(b->out, name));
	if ((z = layer_zip_new(path)) == NULL ||
	    layer_zip_add_buf(z, "bootstrap", boot->data, boot->size,
	    0755) == -1 ||
	    (s->zip != NULL ?
	    layer_zip_add_entry(z, "bin/deno", s->zip, 0755) :
	    layer_zip_add_file(z, "bin/deno", s->in.bin_path, 0755)) == -1 ||
	    layer_zip_add_buf(z, "runtime/shim.ts", shim->data, shim->size,
	    0644) == -1 ||
	    layer_zip_finish(z, &size, known != NULL ? NULL : md) == -1)
		goto out;
	if (known != NULL && size != known->size) {
		log_verbose("%s: %" PRIu64 " bytes, not %" PRIu64 " as recorded; "
		    "hashing it", name, size, known->size);
		if (layer_zip_hash(z, md) == -1)
			goto out;
		known = NULL;
	}
	rc = layer_zip_commit(z);	/* into the output set */
	z = NULL;
	if (rc == -1)
		goto out;
	if (known != NULL) {
		b->layer = *known;
		b->layer.name = xstrdup(known->name);
		b->layer.path = path;
		b->layer.sha256 = xstrdup(known->sha256);
		b->layer.sha256_b64 = xstrdup(known->sha256_b64);
		b->layer.key = xstrdup(known->key);
	} else
		set_artifact(&b->layer, "layer", path, size, md,
		    boot->size + s->size + shim->size, o->prefix);
	path = NULL;
out:
	layer_zip_abort(z);
	free(path);
	free(name);
	return rc;
}

static int
write_example(const struct options *o, struct build_result *b)
{
	const struct asset	*mod;
	struct layer_zip	*z;
	unsigned char		 md[SHA256_LEN];
	uint64_t		 size;
	char			*path;

	if ((mod = need_asset("example-fn/mod.ts")) == NULL)
		return -1;
	path = xstrdup(outset_add(b->out, EXAMPLE_NAME));
	if ((z = layer_zip_new(path)) == NULL ||
	    layer_zip_add_buf(z, "mod.ts", mod->data, mod->size, 0644) == -1 ||
	    layer_zip_finish(z, &size, md) == -1) {
		layer_zip_abort(z);
		free(path);
		return -1;
	}
	if (layer_zip_commit(z) == -1) {
		free(path);
		return -1;
	}
	set_artifact(&b->example, "example", path, size, md, mod->size,
	    o->prefix);
	b->has_example = 1;
	return 0;
}

static struct doc *
manifest_artifact(const struct artifact *a)
{
	struct doc	*d = doc_map();

	/* Relative to the directory that holds manifest.json. */
	doc_map_set(d, "name", doc_str(a->name));
	doc_map_set(d, "path", doc_str(strrchr(a->path, '/') + 1));
	doc_map_set(d, "size", doc_int((long long)a->size));
	doc_map_set(d, "sha256", doc_str(a->sha256));
	doc_map_set(d, "unzippedSize", doc_int((long long)a->unzipped_size));
	return d;
}

static int
write_manifest(const struct options *o, const struct source *s,
    const struct build_result *b)
{
	struct doc	*root, *inputs, *list;
	struct buf	 text;
	char		*glibc;
	const char	*base;
	int		 rc = -1;

	base = strrchr(source_path(s), '/');
	base = base != NULL ? base + 1 : source_path(s);
	glibc = xasprintf("%d.%d", b->glibc_major, b->glibc_minor);
	root = doc_map();
	inputs = doc_map();
	doc_map_set(inputs, "arch", doc_str(arch_lambda_name(b->arch)));
	doc_map_set(inputs, "denoVersion", doc_str(b->deno_version));
	doc_map_set(inputs, "runtime", doc_str(runtime_name(o->runtime)));
	doc_map_set(inputs, "deno", doc_str(base));
	doc_map_set(inputs, "denoSha256", doc_str(b->deno_sha256));
	doc_map_set(inputs, "glibcNeeded", doc_str(glibc));
	doc_map_set(inputs, "fitsProvidedAl2", doc_bool(b->fits_al2));
	list = doc_seq();
	doc_seq_add(list, manifest_artifact(&b->layer));
	if (b->has_example)
		doc_seq_add(list, manifest_artifact(&b->example));
	doc_map_set(root, "generator", doc_str("cfngen " PACKAGE_VERSION));
	doc_map_set(root, "inputs", inputs);
	doc_map_set(root, "artifacts", list);
	buf_init(&text, 0);
	if (json_emit(root, &text) == 0 &&
	    outfile_put(outset_add(b->out, MANIFEST_NAME), text.data, text.len,
	    0644) == 0)
		rc = 0;
	buf_free(&text);
	doc_free(root);
	free(glibc);
	return rc;
}

/*
 * The identity of a build: everything the layer zip's bytes depend on
 * (the Deno; this very cfngen binary, which holds the runtime it embeds;
 * libzip and zlib), and the checks that passed for it.
 */
static char *
build_key(const struct options *o, const struct source *s)
{
	struct stat	 st;
	unsigned char	 md[SHA256_LEN];
	char		*exe, *text, *libs, *key;

	if (stat("/proc/self/exe", &st) == -1)
		return NULL;
	exe = digest_record_name(&st);
	libs = layer_zip_libraries();
	text = xasprintf("cfngen-build 1\ncfngen %s %s\n%s\ndeno %s %s\n"
	    "arch %s\nruntime %s\n", PACKAGE_VERSION, exe, libs,
	    s->zip != NULL ? "zip" : "bin", s->sha256,
	    arch_lambda_name(o->arch), runtime_name(o->runtime));
	free(exe);
	sha256_buf(text, strlen(text), md);
	key = xmalloc(SHA256_HEX_LEN + 1);
	hex_encode(md, SHA256_LEN, key);
	free(text);
	free(libs);
	return key;
}

static void
record_build(const struct options *o, const char *key,
    const struct build_result *b)
{
	char	*text;

	text = xasprintf("cfngen-build 1\nsha256 %s\nsize %" PRIu64 "\n"
	    "unzipped %" PRIu64 "\n", b->layer.sha256, b->layer.size,
	    b->layer.unzipped_size);
	record_write(o->cache_dir, "builds", key, text);
	free(text);
}

/* What an earlier build of the same inputs came out as; -1 when none. */
static int
recall_build(const struct options *o, const char *key, struct artifact *a)
{
	unsigned char	 md[SHA256_LEN];
	char		 hex[SHA256_HEX_LEN + 1];
	char		*path, *text;
	uint64_t	 size, unzipped;
	int		 i, rc = -1;

	path = xasprintf("%s/builds/%s", o->cache_dir, key);
	if ((text = record_read(path)) == NULL)
		goto out;
	if (strncmp(text, "cfngen-build 1\n", 15) != 0 ||
	    record_hex(text, "sha256", hex) == -1 ||
	    record_u64(text, "size", UINT64_MAX, &size) == -1 ||
	    record_u64(text, "unzipped", LAMBDA_UNZIPPED_MAX, &unzipped) == -1) {
		log_verbose("%s: not a valid record; ignoring it", path);
		goto out;
	}
	for (i = 0; i < SHA256_LEN; i++)
		md[i] = (unsigned char)(hex_digit(hex[2 * i]) << 4 |
		    hex_digit(hex[2 * i + 1]));
	set_artifact(a, "layer", NULL, size, md, unzipped, o->prefix);
	log_verbose("layer: built before from the same inputs (%s)", path);
	rc = 0;
out:
	free(text);
	free(path);
	return rc;
}

static void
artifact_free(struct artifact *a)
{
	free(a->name);
	free(a->path);
	free(a->sha256);
	free(a->sha256_b64);
	free(a->key);
	memset(a, 0, sizeof(*a));
}

static int
build(const struct options *o, struct build_result *b, int identify)
{
	const struct asset	*boot, *shim;
	struct source		 s;
	struct verdict		 v;
	struct inspect		 t;
	struct artifact		 known;
	char			*key = NULL;
	int			 have = 0, recalled = 0, rc = -1;
	int			 skip_layer;

	memset(b, 0, sizeof(*b));
	memset(&s, 0, sizeof(s));
	memset(&t, 0, sizeof(t));
	memset(&known, 0, sizeof(known));
	b->arch = o->arch;
	if ((boot = need_asset("runtime/bootstrap")) == NULL ||
	    (shim = need_asset("runtime/shim.ts")) == NULL)
		return -1;
	if (source_open(o, &s) == -1)
		goto out;
	if (!version_from_binary(o))
		b->deno_version = xstrdup(s.in.version);
	if (check_size(&s, boot->size + s.size + shim->size) == -1)
		goto out;
	/*
	 * What the binary is and needs: from a verdict remembered for its
	 * SHA-256, or by looking. A zip's deno is looked at in a thread while
	 * its SHA-256 is computed and the layer written; a bare binary is
	 * read here.
	 */
	if (source_known(o, &s)) {
		if (verdict_load(o, &s, &v) == 0)
			have = 1;
		else if (s.zip != NULL)
			inspect_start(&t, &s);
	} else {
		if (s.zip != NULL)
			inspect_start(&t, &s);
		if (source_digest(o, &s) == -1)
			goto out;
		if (verdict_load(o, &s, &v) == 0) {
			inspect_cancel(&t);
			have = 1;
		}
	}
	if (!have && s.zip == NULL) {
		if (inspect_bin(&s, &v) == -1)
			goto out;
		verdict_save(o, &s, &v);
		have = 1;
	}
	b->deno_sha256 = xstrdup(s.sha256);
	if (have && (settle_version(o, &s, b, &v) == -1 ||
	    check_verdict(o, &s, b, &v) == -1))
		goto out;
	if ((key = build_key(o, &s)) != NULL && recall_build(o, key, &known) == 0)
		recalled = 1;
	skip_layer = identify && recalled && o->out_dir == NULL;
	if ((!skip_layer || o->create_example) && prepare_dir(o, b) == -1)
		goto out;
	if (skip_layer) {
		b->layer = known;
		memset(&known, 0, sizeof(known));
	} else if (write_layer(o, &s, b, recalled ? &known : NULL) == -1)
		goto out;
	if (o->create_example && write_example(o, b) == -1)
		goto out;
	if (!have) {
		if (inspect_finish(&t, &v) == -1)
			goto out;
		verdict_save(o, &s, &v);
		if (settle_version(o, &s, b, &v) == -1 ||
		    check_verdict(o, &s, b, &v) == -1)
			goto out;
	}
	if (b->layer.path != NULL && name_layer(o, b) == -1)
		goto out;
	b->glibc_major = v.elf.glibc_major;
	b->glibc_minor = v.elf.glibc_minor;
	b->fits_al2 = v.elf.glibc_major < 2 ||
	    (v.elf.glibc_major == 2 && v.elf.glibc_minor <= AL2_GLIBC);
	if (b->out_dir != NULL && write_manifest(o, &s, b) == -1)
		goto out;
	if (b->out_dir == NULL && b->layer.path != NULL)
		report(&b->layer, 0);
	if (b->out_dir == NULL && b->has_example)
		report(&b->example, 0);
	if (key != NULL && !recalled)
		record_build(o, key, b);
	rc = 0;
out:
	inspect_cancel(&t);
	artifact_free(&known);
	free(key);
	source_close(&s);
	return rc;
}

int
artifacts_build(const struct options *o, struct build_result *b)
{
	return build(o, b, 0);
}

int
artifacts_identify(const struct options *o, struct build_result *b)
{
	return build(o, b, 1);
}

/* An artifact that has landed: its path in the output directory. */
static void
land(const struct build_result *b, struct artifact *a)
{
	char	*path;

	if (a->path == NULL)
		return;
	path = xasprintf("%s/%s", b->out_dir, strrchr(a->path, '/') + 1);
	free(a->path);
	a->path = path;
	report(a, 1);
}

int
artifacts_commit(struct build_result *b)
{
	if (b->out_dir == NULL)
		return 0;
	if (outset_commit(b->out) == -1)
		return -1;
	b->out_dir_created = 0;		/* it holds what landed now */
	land(b, &b->layer);
	if (b->has_example)
		land(b, &b->example);
	return 0;
}

void
artifacts_free(struct build_result *b)
{
	if (b == NULL)
		return;
	artifact_free(&b->layer);
	artifact_free(&b->example);
	outset_free(b->out);
	if (b->out_dir_created)
		rmdir(b->out_dir);
	free(b->out_dir);
	free(b->deno_version);
	free(b->deno_sha256);
	memset(b, 0, sizeof(*b));
}
