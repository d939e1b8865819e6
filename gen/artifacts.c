/*
 * The artifacts of a run, assembled from the steps of the other modules:
 * the Deno (source.h), what its binary is and needs (inspect.h), the checks
 * of that against --arch and --runtime, what an earlier build of the same
 * inputs came out as (builds.h), the zips (layer.h) and manifest.json
 * (manifest.h), written into the output set the caller owns.
 *
 * A first build from a release zip inflates its deno in a second thread
 * (inspect.h) while this one copies the compressed entry into the layer;
 * the verdict is remembered per SHA-256, and the layer's own SHA-256 per
 * set of inputs (cache.h), so a repeated build is a plain copy.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "artifacts.h"
#include "assets.h"
#include "builds.h"
#include "digest.h"
#include "elf.h"
#include "inspect.h"
#include "layer.h"
#include "log.h"
#include "manifest.h"
#include "outset.h"
#include "source.h"
#include "xalloc.h"

#define EXAMPLE_NAME	"example-fn.zip"
#define AL2_GLIBC	26	/* glibc 2.26 on Amazon Linux 2 */
#define AL2023_GLIBC	34	/* glibc 2.34 on Amazon Linux 2023 */

/* One assembly: what it is given, and what it has found so far. */
struct job {
	const struct artifacts_spec *o;
	struct cache		*cache;
	struct outset		*out;
	struct build_result	*b;
	struct source		 s;
	struct verdict		 v;
	struct inspect		*t;	/* the verdict still being found */
	char			*key;	/* of the build record, or NULL */
	struct artifact		 known;	/* what the record says, or zeros */
};

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
check_verdict(const struct artifacts_spec *o, const struct source *s,
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
	if (v->elf.machine != arch_machine(o->deno.arch) || v->elf.elf_class != 64) {
		if (v->elf.machine == arch_machine(other_arch(o->deno.arch)) &&
		    v->elf.elf_class == 64)
			log_usage("%s: %sbuilt for %s, but --arch is %s; "
			    "pass --arch %s", s->what, subject, m,
			    arch_lambda_name(o->deno.arch),
			    arch_lambda_name(other_arch(o->deno.arch)));
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
version_from_binary(const struct artifacts_spec *o)
{
	return (o->deno.zip != NULL || o->deno.bin != NULL) &&
	    !o->deno_version_set;
}

/*
 * The version of a local Deno: the one the binary carries, which --deno,
 * when given, must agree with.
 */
static int
settle_version(const struct artifacts_spec *o, const struct source *s,
    struct build_result *b, const struct verdict *v)
{
	const char	*verb = s->zip != NULL ? "holds" : "is";

	if (o->deno.zip == NULL && o->deno.bin == NULL)
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

void
artifact_set(struct artifact *a, const char *name, char *path, uint64_t size,
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
layer_name(const struct artifacts_spec *o, const char *version)
{
	if (version == NULL)
		return xasprintf("deno-layer-%s.zip", arch_lambda_name(o->deno.arch));
	return xasprintf("deno-layer-%s-%s.zip", arch_lambda_name(o->deno.arch),
	    version);
}

/* The staged layer gets its name, once the version is known. */
static int
name_layer(const struct artifacts_spec *o, struct outset *out, struct build_result *b)
{
	const char	*path;
	char		*name;
	int		 rc = 0;

	name = layer_name(o, b->deno_version);
	if (strcmp(strrchr(b->layer.path, '/') + 1, name) != 0) {
		if ((path = outset_rename(out, b->layer.path, name)) == NULL)
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
write_layer(const struct artifacts_spec *o, const struct source *s,
    struct outset *out, struct build_result *b, const struct artifact *known)
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
	path = xstrdup(outset_add(out, name));
	if ((z = layer_zip_new(path)) == NULL ||
	    layer_zip_add_asset(z, "bootstrap", boot, 0755) == -1 ||
	    (s->zip != NULL ?
	    layer_zip_add_entry(z, "bin/deno", s->zip, 0755) :
	    layer_zip_add_file(z, "bin/deno", s->in.bin_path, 0755)) == -1 ||
	    layer_zip_add_asset(z, "runtime/shim.ts", shim, 0644) == -1 ||
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
		artifact_set(&b->layer, "layer", path, size, md,
		    boot->size + s->size + shim->size, o->prefix);
	path = NULL;
out:
	layer_zip_abort(z);
	free(path);
	free(name);
	return rc;
}

static int
write_example(const struct artifacts_spec *o, struct outset *out,
    struct build_result *b)
{
	const struct asset	*mod;
	struct layer_zip	*z;
	unsigned char		 md[SHA256_LEN];
	uint64_t		 size;
	char			*path;

	if ((mod = need_asset("example-fn/mod.ts")) == NULL)
		return -1;
	path = xstrdup(outset_add(out, EXAMPLE_NAME));
	if ((z = layer_zip_new(path)) == NULL ||
	    layer_zip_add_asset(z, "mod.ts", mod, 0644) == -1 ||
	    layer_zip_finish(z, &size, md) == -1) {
		layer_zip_abort(z);
		free(path);
		return -1;
	}
	if (layer_zip_commit(z) == -1) {
		free(path);
		return -1;
	}
	artifact_set(&b->example, "example", path, size, md, mod->size,
	    o->prefix);
	b->has_example = 1;
	return 0;
}

void
artifact_free(struct artifact *a)
{
	free(a->name);
	free(a->path);
	free(a->sha256);
	free(a->sha256_b64);
	free(a->key);
	memset(a, 0, sizeof(*a));
}

/*
 * The Deno, its SHA-256 (remembered, or computed), and what its binary is
 * and needs: a verdict remembered for that SHA-256, else one being found
 * (j->t: in a thread for a zip's deno) or, for a bare binary, found here.
 * A verdict in hand is checked at once.
 */
static int
find_source(struct job *j)
{
	const struct asset	*boot, *shim;
	struct source		*s = &j->s;

	if ((boot = need_asset("runtime/bootstrap")) == NULL ||
	    (shim = need_asset("runtime/shim.ts")) == NULL)
		return -1;
	if (source_open(&j->o->deno, j->cache, s) == -1)
		return -1;
	if (!version_from_binary(j->o))
		j->b->deno_version = xstrdup(s->in.version);
	if (check_size(s, boot->size + s->size + shim->size) == -1)
		return -1;
	if (!source_known(j->cache, s)) {
		/* the inspection overlaps the hashing */
		if (s->zip != NULL)
			j->t = inspect_start(s->zip, s->size, s->what);
		if (source_digest(j->cache, s) == -1)
			return -1;
	}
	j->b->deno_sha256 = xstrdup(s->sha256);
	if (inspect_recall(j->cache, s->sha256, s->size, &j->v) == 0) {
		inspect_cancel(j->t);
		j->t = NULL;
	} else if (s->zip == NULL) {
		if (inspect_file(s->in.bin_path, s->size, s->what, &j->v) == -1)
			return -1;
		inspect_remember(j->cache, s->sha256, &j->v);
	} else if (j->t == NULL)
		j->t = inspect_start(s->zip, s->size, s->what);
	if (j->t == NULL && (settle_version(j->o, s, j->b, &j->v) == -1 ||
	    check_verdict(j->o, s, j->b, &j->v) == -1))
		return -1;
	/* What an earlier build of the very same inputs came out as. */
	if ((j->key = builds_key(s->sha256, s->zip != NULL, j->o->deno.arch,
	    j->o->runtime)) != NULL &&
	    builds_recall(j->cache, j->key, j->o->prefix, &j->known) == -1)
		memset(&j->known, 0, sizeof(j->known));
	return 0;
}

/*
 * The layer zip (from the record, when there is one, its SHA-256 is not
 * computed again), the example's, then the verdict if it was still being
 * found, and manifest.json.
 */
static int
write_all_artifacts(struct job *j)
{
	struct build_result	*b = j->b;
	const struct artifact	*known = j->known.sha256 != NULL ? &j->known :
				    NULL;

	if (b->layer.sha256 == NULL &&
	    write_layer(j->o, &j->s, j->out, b, known) == -1)
		return -1;
	if (j->o->create_example && write_example(j->o, j->out, b) == -1)
		return -1;
	if (j->t != NULL) {
		if (inspect_finish(j->t, &j->v) == -1) {
			j->t = NULL;
			return -1;
		}
		j->t = NULL;
		inspect_remember(j->cache, j->s.sha256, &j->v);
		if (settle_version(j->o, &j->s, b, &j->v) == -1 ||
		    check_verdict(j->o, &j->s, b, &j->v) == -1)
			return -1;
	}
	if (b->layer.path != NULL && name_layer(j->o, j->out, b) == -1)
		return -1;
	b->glibc_major = j->v.elf.glibc_major;
	b->glibc_minor = j->v.elf.glibc_minor;
	b->fits_al2 = j->v.elf.glibc_major < 2 ||
	    (j->v.elf.glibc_major == 2 && j->v.elf.glibc_minor <= AL2_GLIBC);
	if (j->o->keep &&
	    manifest_write(j->out, b, source_path(&j->s), j->o->runtime) == -1)
		return -1;
	if (!j->o->keep && b->layer.path != NULL)
		report(&b->layer, 0);
	if (!j->o->keep && b->has_example)
		report(&b->example, 0);
	if (j->key != NULL && known == NULL && b->layer.path != NULL)
		builds_record(j->cache, j->key, &b->layer);
	return 0;
}

static void
job_init(struct job *j, const struct artifacts_spec *o, struct cache *c,
    struct outset *out, struct build_result *b)
{
	memset(j, 0, sizeof(*j));
	memset(b, 0, sizeof(*b));
	j->o = o;
	j->cache = c;
	j->out = out;
	j->b = b;
	b->arch = o->deno.arch;
}

static int
job_end(struct job *j, int rc)
{
	inspect_cancel(j->t);
	artifact_free(&j->known);
	free(j->key);
	source_close(&j->s);
	return rc;
}

int
artifacts_build(const struct artifacts_spec *o, struct cache *c, struct outset *out,
    struct build_result *b)
{
	struct job	j;

	job_init(&j, o, c, out, b);
	if (find_source(&j) == -1 || write_all_artifacts(&j) == -1)
		return job_end(&j, -1);
	return job_end(&j, 0);
}

int
artifacts_identify(const struct artifacts_spec *o, struct cache *c,
    struct outset *out, struct build_result *b)
{
	struct job	j;

	job_init(&j, o, c, out, b);
	if (find_source(&j) == -1)
		return job_end(&j, -1);
	/* Known, checked, and not wanted on disk: the record is the layer. */
	if (!o->keep && j.known.sha256 != NULL && j.t == NULL) {
		b->layer = j.known;
		memset(&j.known, 0, sizeof(j.known));
	}
	return job_end(&j, write_all_artifacts(&j));
}

/* An artifact that has landed: its path in the output directory. */
static void
land(const char *out_dir, struct artifact *a)
{
	char	*path;

	if (a->path == NULL)
		return;
	path = xasprintf("%s/%s", out_dir, strrchr(a->path, '/') + 1);
	free(a->path);
	a->path = path;
	report(a, 1);
}

void
artifacts_landed(struct build_result *b, const char *out_dir)
{
	land(out_dir, &b->layer);
	if (b->has_example)
		land(out_dir, &b->example);
}

void
artifacts_free(struct build_result *b)
{
	if (b == NULL)
		return;
	artifact_free(&b->layer);
	artifact_free(&b->example);
	free(b->deno_version);
	free(b->deno_sha256);
	memset(b, 0, sizeof(*b));
}
