/*
 * Build records (the cache's builds/<key>, cache.h): what the layer zip
 * came out as (size, SHA-256, size unzipped) for one set of inputs, so that
 * a repeated build need not read its zip back to hash it, and cfngen
 * template need not write it at all. The key covers everything the zip's
 * bytes depend on: the Deno (zip or binary, by SHA-256), this very cfngen
 * binary (which holds the runtime files it embeds), libzip and zlib, and
 * the arch and runtime it was checked for.
 */
#ifndef CFNGEN_BUILDS_H
#define CFNGEN_BUILDS_H

#include "artifacts.h"

struct cache;

/*
 * The key for a layer from the Deno with that SHA-256 (hex), a release
 * zip's entry (from_zip) or a bare binary; NULL when this binary cannot be
 * identified (no record is then used). Caller frees.
 */
char	*builds_key(const char *deno_sha256, int from_zip, enum arch,
	    enum lambda_runtime);
/*
 * The layer recorded under key, as an artifact without a path (its S3 key
 * under prefix); -1 when there is no valid record.
 */
int	 builds_recall(struct cache *, const char *key, const char *prefix,
	    struct artifact *layer);
/* Records layer under key (a warning if it cannot be written). */
void	 builds_record(struct cache *, const char *key,
	    const struct artifact *layer);

#endif
