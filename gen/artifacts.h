/*
 * The artifacts of a run: the layer zip and, with the example, the example
 * function's zip. Builds them from the Deno source (deno_source.h), after
 * the checks of elf.h, through layer.h. With an output directory (--out-dir;
 * cfngen build: ./cfngen.out by default) they and manifest.json are staged
 * in an output set (outfile.h) that the templates join, and land together
 * with artifacts_commit(); else they stay in a private temporary directory
 * that artifacts_free() removes.
 *
 * Files in the output directory:
 *   deno-layer-<arch>-<version>.zip   the layer (arch as Lambda spells it)
 *   example-fn.zip                    with --create-example
 *   manifest.json                     what was built, and from what
 *
 * The Deno version is --deno's (or the release's). For --deno-zip and
 * --deno-bin without --deno it is the version the binary carries, and
 * one that carries another version than --deno is a usage error.
 *
 * The cache directory remembers, per SHA-256 of a Deno zip or binary,
 * what the binary is and needs (verdicts/<sha256>), so a repeated build
 * copies without inflating; and per set of inputs, what the layer zip
 * came out as (builds/<key>), which artifacts_identify() uses.
 */
#ifndef CFNGEN_ARTIFACTS_H
#define CFNGEN_ARTIFACTS_H

#include <stdint.h>

#include "options.h"

struct outset;

struct artifact {
	char		*name;		/* "layer", "example" */
	char		*path;		/* the zip on disk (staged until commit) */
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
	/*
	 * Where the files are staged: a set in out_dir, or in a private
	 * directory when out_dir is NULL; NULL when nothing was written.
	 * Other files for out_dir (the templates) join it with outset_add().
	 */
	struct outset	*out;
	char		*out_dir;	/* the output directory, or NULL */
	int		 out_dir_created; /* by this run, and still empty */
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
/*
 * Lands the set in the output directory: the zips, manifest.json and what
 * joined them, all or nothing (the paths in b then name the landed files).
 * 0 without an output directory. Reports; -1 on error.
 */
int	artifacts_commit(struct build_result *);
/*
 * Frees, and removes what was staged and did not land (and the output
 * directory, if this run created it for nothing). After a failed build
 * too; accepts NULL.
 */
void	artifacts_free(struct build_result *);

#endif
