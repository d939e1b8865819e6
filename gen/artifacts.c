/*
 * Builds the layer zip (and the example's): finds the Deno, checks what
 * its binary needs against --arch and --runtime, then writes the zips and
 * manifest.json under temporary names and renames them into place only
 * when everything has succeeded.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
};

/* What is being written, until it is all committed. */
struct outputs {
	struct layer_zip	*layer;
	struct layer_zip	*example;
	struct outfile		*manifest;
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

static int
source_digest(struct source *s)
{
	unsigned char	md[SHA256_LEN];

	if (s->in.zip_sha256 != NULL && s->in.bin_path == NULL &&
	    valid_sha256_hex(s->in.zip_sha256) == 0) {
		memcpy(s->sha256, s->in.zip_sha256, SHA256_HEX_LEN + 1);
		return 0;
	}
	if (sha256_file(s->in.bin_path ? s->in.bin_path : s->in.zip_path, md,
	    NULL) == -1)
		return -1;
	hex_encode(md, SHA256_LEN, s->sha256);
	return 0;
}

/* mkdir -p; 0 when path is a writable directory afterwards. */
static int
make_dirs(const char *path)
{
	struct stat	 st;
	char		*p, *c;
	int		 rc = 0;

	p = xstrdup(path);
	for (c = p + 1; rc == 0 && *c != '\0'; c++) {
		if (*c != '/')
			continue;
		*c = '\0';
		if (mkdir(p, 0777) == -1 && errno != EEXIST)
			rc = -1;
		*c = '/';
	}
	if (rc == 0 && mkdir(p, 0777) == -1 && errno != EEXIST)
		rc = -1;
	if (rc == 0 && (stat(p, &st) == -1 || !S_ISDIR(st.st_mode) ||
	    access(p, W_OK | X_OK) == -1))
		rc = -1;
	free(p);
	return rc;
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

static void
record_write(const char *cache, const char *sub, const char *name,
    const char *text)
{
	char	*dir, *path;

	dir = xasprintf("%s/%s", cache, sub);
	path = xasprintf("%s/%s", dir, name);
	if (make_dirs(dir) == -1)
		log_verbose("%s: cannot create it; not remembering %s", dir,
		    name);
	else if (outfile_put(path, text, strlen(text), 0644) == 0)
		log_verbose("%s: written", path);
	free(path);
	free(dir);
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
	if (strncmp(text, "cfngen-verdict 1\n", 17) != 0 ||
	    record_u64(text, "size", UINT64_MAX, &v->size) == -1 ||
	    record_int(text, "class", 64, &v->elf.elf_class) == -1 ||
	    record_int(text, "big-endian", 1, &v->elf.big_endian) == -1 ||
	    record_int(text, "type", 0xffff, &v->elf.type) == -1 ||
	    record_int(text, "machine", 0xffff, &v->elf.machine) == -1 ||
	    record_int(text, "glibc-major", 99999, &v->elf.glibc_major) == -1 ||
	    record_int(text, "glibc-minor", 99999, &v->elf.glibc_minor) == -1 ||
	    record_int(text, "glibc-patch", 99999, &v->elf.glibc_patch) == -1 ||
	    v->size != s->size) {
		log_verbose("%s: not a valid record; ignoring it", path);
		goto out;
	}
	log_verbose("deno: checked before (%s): not inflating it again", path);
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

	text = xasprintf("cfngen-verdict 1\nsize %" PRIu64 "\nclass %d\n"
	    "big-endian %d\ntype %d\nmachine %d\nglibc-major %d\n"
	    "glibc-minor %d\nglibc-patch %d\n", v->size, v->elf.elf_class,
	    v->elf.big_endian, v->elf.type, v->elf.machine,
	    v->elf.glibc_major, v->elf.glibc_minor, v->elf.glibc_patch);
	record_write(o->cache_dir, "verdicts", s->sha256, text);
	free(text);
}

static int
scan_feed(void *arg, uint64_t off, const void *p, size_t n)
{
	elf_scan_feed(arg, off, p, n);
	return 0;
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

/* Reads what the scan asks for from the binary, until it has a verdict. */
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
	rc = scan_status(s, st, why);
out:
	free(buf);
	elf_scan_free(scan);
	close(fd);
	return rc;
}

/*
 * Inflates the zip's deno (which also verifies its CRC-32) and scans it;
 * a second pass only when a table lies where the first did not keep it.
 */
static int
inspect_zip(const struct source *s, struct verdict *v)
{
	struct elf_scan	*scan;
	enum elf_status	 st = ELF_MORE;
	const char	*why = NULL;
	uint64_t	 off, len;
	int		 pass, rc = -1;

	log_verbose("deno: inflating %" PRIu64 " bytes to check it", s->size);
	scan = elf_scan_new(s->size);
	for (pass = 0; pass < SCAN_PASSES && st == ELF_MORE; pass++) {
		if (layer_input_inflate(s->zip, scan_feed, scan) == -1)
			goto out;
		st = elf_scan_result(scan, &v->elf, &why, &off, &len);
	}
	v->size = s->size;
	rc = scan_status(s, st, why);
out:
	elf_scan_free(scan);
	return rc;
}

static int
get_verdict(const struct options *o, const struct source *s,
    struct verdict *v)
{
	if (s->zip == NULL)
		return inspect_bin(s, v);
	if (verdict_load(o, s, v) == 0)
		return 0;
	if (inspect_zip(s, v) == -1)
		return -1;
	verdict_save(o, s, v);
	return 0;
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

/* The layer unzipped must leave room in Lambda's 250 MB. */
static int
check_size(const struct source *s, uint64_t unzipped)
{
	char	h[16];

	if (unzipped <= LAMBDA_UNZIPPED_MAX)
		return 0;
	log_error("%s: the layer would be %" PRIu64 " bytes (%s) unzipped; "
	    "Lambda allows %llu bytes (250 MB) for a function and all its "
	    "layers together", s->what, unzipped, log_human_size(unzipped, h),
	    LAMBDA_UNZIPPED_MAX);
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
 * exist), ./cfngen.out for cfngen build, else a private directory.
 */
static int
prepare_dir(const struct options *o, struct build_result *b, int *created)
{
	struct stat	 st;
	const char	*tmp;
	char		*t;

	*created = 0;
	if (o->out_dir == NULL && o->command != CMD_BUILD) {
		if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
			tmp = "/tmp";
		t = xasprintf("%s/cfngen.XXXXXX", tmp);
		if (mkdtemp(t) == NULL) {
			log_error("%s: %s", t, strerror(errno));
			free(t);
			return -1;
		}
		b->tmpdir = t;
		b->dir = xstrdup(t);
		return 0;
	}
	b->dir = xstrdup(o->out_dir != NULL ? o->out_dir : DEFAULT_OUT_DIR);
	if (mkdir(b->dir, 0777) == 0) {
		*created = 1;
		return 0;
	}
	if (errno == EEXIST && stat(b->dir, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return 0;
		log_usage("--out-dir %s: exists and is not a directory", b->dir);
		return -1;
	}
	log_usage("--out-dir %s: %s", b->dir, strerror(errno));
	return -1;
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

static void
report(const struct build_result *b, const struct artifact *a)
{
	char	h[16];

	if (b->tmpdir != NULL)
		log_verbose("%s: %s, %" PRIu64 " bytes, sha256 %s", a->path,
		    log_human_size(a->size, h), a->size, a->sha256);
	else
		log_info("%s: %s, %" PRIu64 " bytes, sha256 %s", a->path,
		    log_human_size(a->size, h), a->size, a->sha256);
}

static int
write_layer(const struct options *o, const struct source *s,
    struct build_result *b, struct outputs *out)
{
	const struct asset	*boot, *shim;
	unsigned char		 md[SHA256_LEN];
	uint64_t		 size;
	char			*path;

	if ((boot = need_asset("runtime/bootstrap")) == NULL ||
	    (shim = need_asset("runtime/shim.ts")) == NULL)
		return -1;
	path = xasprintf("%s/deno-layer-%s-%s.zip", b->dir,
	    arch_lambda_name(o->arch), b->deno_version);
	if ((out->layer = layer_zip_new(path)) == NULL ||
	    layer_zip_add_buf(out->layer, "bootstrap", boot->data, boot->size,
	    0755) == -1 ||
	    (s->zip != NULL ?
	    layer_zip_add_entry(out->layer, "bin/deno", s->zip, 0755) :
	    layer_zip_add_file(out->layer, "bin/deno", s->in.bin_path,
	    0755)) == -1 ||
	    layer_zip_add_buf(out->layer, "runtime/shim.ts", shim->data,
	    shim->size, 0644) == -1 ||
	    layer_zip_finish(out->layer, &size, md) == -1) {
		free(path);
		return -1;
	}
	set_artifact(&b->layer, "layer", path, size, md,
	    boot->size + s->size + shim->size, o->prefix);
	return 0;
}

static int
write_example(const struct options *o, struct build_result *b,
    struct outputs *out)
{
	const struct asset	*mod;
	unsigned char		 md[SHA256_LEN];
	uint64_t		 size;
	char			*path;

	if ((mod = need_asset("example-fn/mod.ts")) == NULL)
		return -1;
	path = xasprintf("%s/%s", b->dir, EXAMPLE_NAME);
	if ((out->example = layer_zip_new(path)) == NULL ||
	    layer_zip_add_buf(out->example, "mod.ts", mod->data, mod->size,
	    0644) == -1 ||
	    layer_zip_finish(out->example, &size, md) == -1) {
		free(path);
		return -1;
	}
	set_artifact(&b->example, "example", path, size, md, mod->size,
	    o->prefix);
	b->has_example = 1;
	return 0;
}

static struct doc *
manifest_artifact(const struct build_result *b, const struct artifact *a)
{
	struct doc	*d = doc_map();

	doc_map_set(d, "name", doc_str(a->name));
	/* Relative to the directory that holds manifest.json. */
	doc_map_set(d, "path", doc_str(a->path + strlen(b->dir) + 1));
	doc_map_set(d, "size", doc_int((long long)a->size));
	doc_map_set(d, "sha256", doc_str(a->sha256));
	doc_map_set(d, "unzippedSize", doc_int((long long)a->unzipped_size));
	return d;
}

static int
write_manifest(const struct options *o, const struct source *s,
    const struct build_result *b, struct outputs *out)
{
	struct doc	*root, *inputs, *list;
	struct buf	 text;
	char		*path, *glibc;
	const char	*base;
	int		 rc = -1;

	base = strrchr(s->in.bin_path ? s->in.bin_path : s->in.zip_path, '/');
	base = base ? base + 1 : s->in.bin_path ? s->in.bin_path :
	    s->in.zip_path;
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
	doc_seq_add(list, manifest_artifact(b, &b->layer));
	if (b->has_example)
		doc_seq_add(list, manifest_artifact(b, &b->example));
	doc_map_set(root, "generator", doc_str("cfngen " PACKAGE_VERSION));
	doc_map_set(root, "inputs", inputs);
	doc_map_set(root, "artifacts", list);
	buf_init(&text, 0);
	path = xasprintf("%s/%s", b->dir, MANIFEST_NAME);
	if (json_emit(root, &text) == 0 &&
	    (out->manifest = outfile_open(path, 0644)) != NULL &&
	    outfile_write(out->manifest, text.data, text.len) == 0)
		rc = 0;
	free(path);
	buf_free(&text);
	doc_free(root);
	free(glibc);
	return rc;
}

static void
outputs_abort(struct outputs *out)
{
	layer_zip_abort(out->layer);
	layer_zip_abort(out->example);
	outfile_abort(out->manifest);
	memset(out, 0, sizeof(*out));
}

/* Renames everything into place, the manifest last. */
static int
outputs_commit(struct outputs *out)
{
	int	rc = 0;

	if (out->layer != NULL && layer_zip_commit(out->layer) == -1)
		rc = -1;
	out->layer = NULL;
	if (out->example != NULL && layer_zip_commit(out->example) == -1)
		rc = -1;
	out->example = NULL;
	if (out->manifest != NULL && (rc == -1 ||
	    outfile_commit(out->manifest) == -1)) {
		if (rc == -1)
			outfile_abort(out->manifest);
		rc = -1;
	}
	out->manifest = NULL;
	return rc;
}

/*
 * The identity of a build: everything the layer zip's bytes depend on, and
 * the checks that passed for it.
 */
static char *
build_key(const struct options *o, const struct source *s)
{
	const struct asset	*boot, *shim;
	unsigned char		 mb[SHA256_LEN], ms[SHA256_LEN], md[SHA256_LEN];
	char			 hb[SHA256_HEX_LEN + 1], hs[SHA256_HEX_LEN + 1];
	char			*text, *libs, *key;

	if ((boot = need_asset("runtime/bootstrap")) == NULL ||
	    (shim = need_asset("runtime/shim.ts")) == NULL)
		return NULL;
	sha256_buf(boot->data, boot->size, mb);
	sha256_buf(shim->data, shim->size, ms);
	hex_encode(mb, SHA256_LEN, hb);
	hex_encode(ms, SHA256_LEN, hs);
	libs = layer_zip_libraries();
	text = xasprintf("cfngen-build 1\ncfngen %s\n%s\ndeno %s %s\n"
	    "bootstrap %s\nshim %s\narch %s\nruntime %s\n", PACKAGE_VERSION,
	    libs, s->zip != NULL ? "zip" : "bin", s->sha256, hb, hs,
	    arch_lambda_name(o->arch), runtime_name(o->runtime));
	sha256_buf(text, strlen(text), md);
	key = xmalloc(SHA256_HEX_LEN + 1);
	hex_encode(md, SHA256_LEN, key);
	free(text);
	free(libs);
	return key;
}

static void
record_build(const struct options *o, const struct source *s,
    const struct build_result *b)
{
	char	*key, *text;

	if ((key = build_key(o, s)) == NULL)
		return;
	text = xasprintf("cfngen-build 1\nsha256 %s\nsize %" PRIu64 "\n"
	    "unzipped %" PRIu64 "\n", b->layer.sha256, b->layer.size,
	    b->layer.unzipped_size);
	record_write(o->cache_dir, "builds", key, text);
	free(text);
	free(key);
}

static int
hex_digit(char c)
{
	return c >= 'a' ? c - 'a' + 10 : c - '0';
}

/* Fills b->layer from the record of an earlier build; -1 when none. */
static int
recall_build(const struct options *o, const struct source *s,
    struct build_result *b)
{
	unsigned char	 md[SHA256_LEN];
	char		 hex[SHA256_HEX_LEN + 1];
	char		*key, *path = NULL, *text = NULL;
	uint64_t	 size, unzipped;
	int		 i, rc = -1;

	if ((key = build_key(o, s)) == NULL)
		return -1;
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
	set_artifact(&b->layer, "layer", NULL, size, md, unzipped, o->prefix);
	log_verbose("layer: built before (%s): sha256 %s", path,
	    b->layer.sha256);
	rc = 0;
out:
	free(text);
	free(path);
	free(key);
	return rc;
}

static int
build(const struct options *o, struct build_result *b, int identify)
{
	const struct asset	*boot, *shim;
	struct source		 s;
	struct verdict		 v;
	struct outputs		 out;
	int			 created = 0, recalled = 0, rc = -1;

	memset(b, 0, sizeof(*b));
	memset(&s, 0, sizeof(s));
	memset(&out, 0, sizeof(out));
	b->arch = o->arch;
	if ((boot = need_asset("runtime/bootstrap")) == NULL ||
	    (shim = need_asset("runtime/shim.ts")) == NULL)
		return -1;
	if (source_open(o, &s) == -1)
		goto out;
	b->deno_version = xstrdup(s.in.version);
	if (check_size(&s, boot->size + s.size + shim->size) == -1 ||
	    source_digest(&s) == -1)
		goto out;
	b->deno_sha256 = xstrdup(s.sha256);
	if (get_verdict(o, &s, &v) == -1 || check_verdict(o, &s, b, &v) == -1)
		goto out;
	b->glibc_major = v.elf.glibc_major;
	b->glibc_minor = v.elf.glibc_minor;
	b->fits_al2 = v.elf.glibc_major < 2 ||
	    (v.elf.glibc_major == 2 && v.elf.glibc_minor <= AL2_GLIBC);
	if (identify && o->out_dir == NULL && recall_build(o, &s, b) == 0)
		recalled = 1;
	if (!recalled || o->create_example) {
		if (prepare_dir(o, b, &created) == -1)
			goto out;
	}
	if (!recalled && write_layer(o, &s, b, &out) == -1)
		goto out;
	if (o->create_example && write_example(o, b, &out) == -1)
		goto out;
	if (b->tmpdir == NULL && write_manifest(o, &s, b, &out) == -1)
		goto out;
	if (outputs_commit(&out) == -1)
		goto out;
	if (!recalled) {
		report(b, &b->layer);
		record_build(o, &s, b);
	}
	if (b->has_example)
		report(b, &b->example);
	rc = 0;
out:
	outputs_abort(&out);
	if (rc == -1 && created)
		rmdir(b->dir);
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

static void
artifact_free(struct artifact *a, int remove)
{
	if (remove && a->path != NULL)
		unlink(a->path);
	free(a->name);
	free(a->path);
	free(a->sha256);
	free(a->sha256_b64);
	free(a->key);
}

void
artifacts_free(struct build_result *b)
{
	if (b == NULL)
		return;
	artifact_free(&b->layer, b->tmpdir != NULL);
	artifact_free(&b->example, b->tmpdir != NULL);
	if (b->tmpdir != NULL)
		rmdir(b->tmpdir);
	free(b->tmpdir);
	free(b->dir);
	free(b->deno_version);
	free(b->deno_sha256);
	memset(b, 0, sizeof(*b));
}
