/*
 * The artifacts of a run: the layer zip and, with the example, the example
 * function's zip. Builds them from the Deno source (deno_source.h), after
 * the checks of elf.h, through layer.h; writes them and manifest.json to
 * --out-dir when given (cfngen build: ./cfngen.out by default), else into
 * a private temporary directory that artifacts_free() removes.
 *
 * Files in the output directory:
 *   deno-layer-<arch>-<version>.zip   the layer (arch as Lambda spells it)
 *   example-fn.zip                    with --create-example
 *   manifest.json                     what was built, and from what
 *
 * The cache directory remembers, per SHA-256 of a Deno zip, what its
 * binary needs (verdicts/<sha256>), so a repeated build copies without
 * inflating; and per set of inputs, what the layer zip came out as
 * (builds/<key>), which artifacts_identify() uses.
 */
#ifndef CFNGEN_ARTIFACTS_H
#define CFNGEN_ARTIFACTS_H

#include <stdint.h>

#include "options.h"

struct artifact {
	char		*name;		/* "layer", "example" */
	char		*path;		/* the zip on disk */
	char		*sha256;	/* 64 lowercase hex */
	char		*sha256_b64;	/* the same digest, base64 (S3, Lambda) */
	uint64_t	 size;
	uint64_t	 unzipped_size;
	char		*key;		/* S3 key: prefix + sha256 + ".zip" */
};

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
	char		*dir;		/* where the artifacts are */
	char		*tmpdir;	/* private directory, or NULL */
	/* (artifacts.c's) cleanup slots + 1 of tmpdir and its zips, or 0 */
	int		 tmp_slots[3];
};

/* Lambda's limit on a function and all its layers, unzipped (250 MiB). */
#define LAMBDA_UNZIPPED_MAX	262144000ULL

/* Builds everything options ask for. Reports failures; -1 on error. */
int	artifacts_build(const struct options *, struct build_result *);
/*
 * For cfngen template: like artifacts_build(), except that when an earlier
 * build of the very same inputs (Deno, embedded runtime, arch, runtime,
 * cfngen and libzip versions) recorded what the layer zip came out as, the
 * zip is not written again: layer.path is NULL and the rest of layer (size,
 * SHA-256, key) comes from that record. With --out-dir it always builds.
 */
int	artifacts_identify(const struct options *, struct build_result *);
/* Frees and removes the private temporary directory; accepts NULL. */
void	artifacts_free(struct build_result *);

#endif
