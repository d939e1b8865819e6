/*
 * The inspection of a Deno binary (inspect.h): the ELF checks' input, the
 * version scan, and the thread that runs both over a release zip's deno.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "elf.h"
#include "inspect.h"
#include "layer_input.h"
#include "log.h"
#include "options.h"
#include "xalloc.h"

#define SCAN_PASSES	4
#define VERSION_MAX	INSPECT_VERSION_MAX
#define READ_CHUNK	(1024 * 1024)

/* "version v2.9.5" (or "version -": none found) into out. */
static int
record_version(const char *text, char out[VERSION_MAX + 2])
{
	const char	*v;
	size_t		 n;

	if ((v = cache_field(text, "version", &n)) == NULL || n == 0 ||
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

int
inspect_recall(struct cache *c, const char *sha256, uint64_t size,
    struct verdict *v)
{
	char	*text;
	int	 rc = -1;

	if ((text = cache_get(c, "verdicts", sha256, "cfngen-verdict 2")) ==
	    NULL)
		goto out;
	memset(v, 0, sizeof(*v));
	if (cache_field_u64(text, "size", UINT64_MAX, &v->size) == -1 ||
	    cache_field_int(text, "class", 64, &v->elf.elf_class) == -1 ||
	    cache_field_int(text, "big-endian", 1, &v->elf.big_endian) == -1 ||
	    cache_field_int(text, "type", 0xffff, &v->elf.type) == -1 ||
	    cache_field_int(text, "machine", 0xffff, &v->elf.machine) == -1 ||
	    cache_field_int(text, "glibc-major", 99999, &v->elf.glibc_major) == -1 ||
	    cache_field_int(text, "glibc-minor", 99999, &v->elf.glibc_minor) == -1 ||
	    cache_field_int(text, "glibc-patch", 99999, &v->elf.glibc_patch) == -1 ||
	    record_version(text, v->version) == -1 ||
	    v->size != size) {
		log_verbose("verdicts/%s: not a valid record; ignoring it",
		    sha256);
		goto out;
	}
	log_verbose("deno: checked before (verdicts/%s); using that verdict",
	    sha256);
	rc = 0;
out:
	free(text);
	return rc;
}

void
inspect_remember(struct cache *c, const char *sha256, const struct verdict *v)
{
	char	*text;

	text = xasprintf("cfngen-verdict 2\nsize %" PRIu64 "\nclass %d\n"
	    "big-endian %d\ntype %d\nmachine %d\nglibc-major %d\n"
	    "glibc-minor %d\nglibc-patch %d\nversion %s\n", v->size,
	    v->elf.elf_class, v->elf.big_endian, v->elf.type, v->elf.machine,
	    v->elf.glibc_major, v->elf.glibc_minor, v->elf.glibc_patch,
	    v->version[0] != '\0' ? v->version : "-");
	cache_put(c, "verdicts", sha256, text);
	free(text);
}

/* The scan's verdict, as errors naming the input. */
static int
scan_status(const char *what, int in_zip, enum elf_status st, const char *why)
{
	const char	*subject = in_zip ? "deno: " : "";

	switch (st) {
	case ELF_OK:
		return 0;
	case ELF_NOT_ELF:
		log_usage("%s: %snot an ELF executable (a script or another "
		    "kind of file); expected the Linux deno binary", what,
		    subject);
		break;
	case ELF_BAD:
		log_usage("%s: %sa damaged ELF file: %s", what, subject, why);
		break;
	case ELF_MORE:
		log_usage("%s: %sits ELF tables are spread too far apart",
		    what, subject);
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
bin_version(const char *what, int fd, struct verdict *v)
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
			log_error("%s: %s", what, strerror(errno));
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
int
inspect_file(const char *path, uint64_t size, const char *what,
    struct verdict *v)
{
	struct elf_scan	*scan;
	enum elf_status	 st = ELF_MORE;
	const char	*why = NULL;
	unsigned char	*buf = NULL;
	uint64_t	 off = 0, len;
	ssize_t		 r;
	int		 fd, i, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_error("%s: %s", what, strerror(errno));
		return -1;
	}
	scan = elf_scan_new(size);
	for (i = 0; i < 16; i++) {
		st = elf_scan_result(scan, &v->elf, &why, &off, &len);
		if (st != ELF_MORE)
			break;
		buf = xrealloc(buf, len);
		if ((r = pread(fd, buf, len, (off_t)off)) == -1) {
			log_error("%s: %s", what, strerror(errno));
			goto out;
		}
		if ((uint64_t)r != len) {
			log_error("%s: the file changed while being read",
			    what);
			goto out;
		}
		elf_scan_feed(scan, off, buf, len);
	}
	v->size = size;
	if ((rc = scan_status(what, 0, st, why)) == 0)
		rc = bin_version(what, fd, v);
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
	struct layer_input	*zip;
	uint64_t		 size;
	char			*what;
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

	t->scan = elf_scan_new(t->size);
	t->st = ELF_MORE;
	t->rc = -1;
	for (pass = 0; pass < SCAN_PASSES && t->st == ELF_MORE; pass++) {
		if (layer_input_inflate(t->zip, inspect_feed, t, &t->err) ==
		    -1)
			goto out;
		t->st = elf_scan_result(t->scan, &t->v.elf, &t->why, &off, &len);
	}
	t->v.size = t->size;
	snprintf(t->v.version, sizeof(t->v.version), "%s",
	    verscan_result(&t->vs));
	t->rc = 0;
out:
	elf_scan_free(t->scan);
	t->scan = NULL;
	return NULL;
}

struct inspect *
inspect_start(struct layer_input *zip, uint64_t size, const char *what)
{
	struct inspect	*t;

	t = xcalloc(1, sizeof(*t));
	t->zip = zip;
	t->size = size;
	t->what = xstrdup(what);
	atomic_store(&t->stop, 0);
	log_verbose("deno: inflating %" PRIu64 " bytes to check it", size);
	if (pthread_create(&t->thread, NULL, inspect_run, t) == 0)
		t->running = 1;
	else
		inspect_run(t);
	return t;
}

void
inspect_cancel(struct inspect *t)
{
	if (t == NULL)
		return;
	if (t->running) {
		atomic_store(&t->stop, 1);
		pthread_join(t->thread, NULL);
	}
	free(t->err);
	free(t->what);
	free(t);
}

int
inspect_finish(struct inspect *t, struct verdict *v)
{
	int	rc = -1;

	if (t->running)
		pthread_join(t->thread, NULL);
	t->running = 0;
	if (t->rc == -1)
		log_usage("%s", t->err != NULL ? t->err :
		    "deno: the check stopped");
	else if (scan_status(t->what, 1, t->st, t->why) == 0) {
		*v = t->v;
		rc = 0;
	}
	inspect_cancel(t);
	return rc;
}
