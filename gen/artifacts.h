/*
 * The artifacts of a run: the layer zip and, with the example, the example
 * function's zip, built from the Deno source (deno_source.h) after the
 * checks of inspect.h, through layer.h, into an output set (outfile.h) the
 * caller owns: it lands in the output directory when the caller commits
 * it, else it is a private temporary directory.
 *
 * Files, with an output directory (--out-dir; cfngen build: ./cfngen.out):
 *   deno-layer-<arch>-<version>.zip   the layer (arch as Lambda spells it)
 *   example-fn.zip                    with --create-example
 *   manifest.json                     what was built, and from what
 *
 * The Deno version is --deno's (or the release's). For --deno-zip and
 * --deno-bin without --deno it is the version the binary carries, and
 * one that carries another version than --deno is a usage error.
 *
 * The cache (cache.h) remembers, per SHA-256 of a Deno zip or binary,
 * what the binary is and needs, so a repeated build copies without
 * inflating; and per set of inputs, what the layer zip came out as, which
 * artifacts_identify() uses.
 */
#ifndef CFNGEN_ARTIFACTS_H
#define CFNGEN_ARTIFACTS_H

#include <stdint.h>

#include "deno_source.h"
#include "digest.h"
#include "target.h"

struct cache;
struct outset;

/* What a build makes, and from what (options_artifacts_spec() fills it). */
struct artifacts_spec {
	struct deno_source_spec	 deno;		/* the Deno, and --arch */
	int			 deno_version_set; /* --deno: binaries must agree */
	enum lambda_runtime	 runtime;
	const char		*prefix;	/* of the zips' S3 keys */
	int			 create_example;
	int			 keep;		/* an output directory keeps them */
};

struct artifact {
	char		*name;		/* "layer", "example" */
	char		*path;		/* the zip on disk (staged until commit) */
	char		*sha256;	/* 64 lowercase hex */
	char		*sha256_b64;	/* the same digest, base64 (S3, Lambda) */
	uint64_t	 size;
	uint64_t	 unzipped_size;
	char		*key;		/* S3 key: prefix + sha256 + ".zip" */
};

/* What was built: plain data, owned by it (artifacts_free()). */
struct build_result {
	struct artifact	 layer;
	struct artifact	 example;
	int		 has_example;
	char		*deno_version;	/* "v2.9.5", resolved */
	enum arch	 arch;
	int		 glibc_major;	/* highest GLIBC_x.y deno needs */
	int		 glibc_minor;
	int		 fits_al2;	/* runs on provided.al2 (glibc 2.26) */
	char		*deno_sha256;	/* of the Deno zip (or binary) built from */
};

/* Lambda's limit on a function and all its layers, unzipped (250 MiB). */
#define LAMBDA_UNZIPPED_MAX	262144000ULL

/*
 * Builds what spec asks for into out. Reports failures; -1 on
 * error (what was staged stays in out, for its owner to drop).
 */
int	artifacts_build(const struct artifacts_spec *, struct cache *,
	    struct outset *out, struct build_result *);
/*
 * For cfngen template: like artifacts_build(), except that when an earlier
 * build of the very same inputs (Deno, embedded runtime, arch, runtime,
 * cfngen and libzip versions) recorded what the layer zip came out as, the
 * zip is not written again: layer.path is NULL and the rest of layer (size,
 * SHA-256, key) comes from that record. With --out-dir it always builds.
 */
int	artifacts_identify(const struct artifacts_spec *, struct cache *,
	    struct outset *out, struct build_result *);
/*
 * After the caller has committed out into out_dir: the paths in b name
 * the landed files, and each is reported.
 */
void	artifacts_landed(struct build_result *, const char *out_dir);
/*
 * Fills a for a zip of size bytes (unzipped: its content's) with SHA-256 md,
 * at path (taken; NULL for one that is only recorded), its S3 key under
 * prefix.
 */
void	artifact_set(struct artifact *a, const char *name, char *path,
	    uint64_t size, const unsigned char md[SHA256_LEN], uint64_t unzipped,
	    const char *prefix);
void	artifact_free(struct artifact *);
/* Frees b's strings; accepts NULL. */
void	artifacts_free(struct build_result *);

#endif
