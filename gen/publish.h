/*
 * Uploads the artifacts to S3 (idempotent: HEAD first, PUT with checksums
 * only when absent) and says which bucket now holds them.
 */
#ifndef CFNGEN_PUBLISH_H
#define CFNGEN_PUBLISH_H

#include "artifacts.h"
#include "options.h"

/*
 * Uploads the layer and, when built, the example zip. On success *bucket
 * is the bucket that holds them (caller frees). -1 on error.
 */
int	publish_artifacts(const struct options *, const struct build_result *,
	    char **bucket);

#endif
