/*
 * Templates out: builds the stack documents (stacks.h) for the artifacts
 * and writes them as YAML or JSON to stdout, -o FILE, --out-dir, or
 * compares them with --check FILE. For cfngen build, only the files
 * beside the artifacts (--out-dir, else the build's directory).
 */
#ifndef CFNGEN_OUTPUT_H
#define CFNGEN_OUTPUT_H

#include "artifacts.h"
#include "options.h"

/*
 * bucket: where the artifacts are (after an upload), or NULL for
 * --bucket / the CDK bootstrap bucket of the deploying account.
 * Returns 0, -1 on error, or 1 when --check found a difference.
 */
int	output_templates(const struct options *, const struct build_result *,
	    const char *bucket);

#endif
