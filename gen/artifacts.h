/*
 * The artifacts of a run: the layer zip and, with the example, the example
 * function's zip. Builds them from the Deno source (deno_source.h), after
 * the checks of elf.h, through layer.h; writes them and manifest.json to
 * --out-dir when given, else into a private temporary directory that
 * artifacts_free() removes.
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
	char		*tmpdir;	/* private directory, or NULL */
};

/* Builds everything options ask for. Reports failures; -1 on error. */
int	artifacts_build(const struct options *, struct build_result *);
/* Frees and removes the private temporary directory; accepts NULL. */
void	artifacts_free(struct build_result *);

#endif
