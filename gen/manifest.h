/*
 * manifest.json, beside the zips in the output directory: what a build
 * made (each artifact's file, size, SHA-256 and size unzipped) and from
 * what (arch, runtime, Deno version, the Deno file and its SHA-256, the
 * glibc its binary needs and whether provided.al2 has it).
 */
#ifndef CFNGEN_MANIFEST_H
#define CFNGEN_MANIFEST_H

#include "artifacts.h"

struct outset;

#define MANIFEST_NAME	"manifest.json"

/*
 * Stages manifest.json into out for b, built from the Deno file at
 * deno_path (only its last component is written) for runtime.
 * -1 on error (reported).
 */
int	manifest_write(struct outset *out, const struct build_result *b,
	    const char *deno_path, enum lambda_runtime runtime);

#endif
