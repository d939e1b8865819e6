/*
 * Where Deno comes from, first match wins: --deno-bin, --deno-zip, the
 * cache, then a verified download (which needs the network; --offline
 * forbids it). Also `cfngen fetch`.
 */
#ifndef CFNGEN_DENO_SOURCE_H
#define CFNGEN_DENO_SOURCE_H

#include "options.h"

struct deno_input {
	char	*zip_path;	/* a release-style zip holding "deno", or NULL */
	char	*bin_path;	/* a bare binary, or NULL */
	char	*version;	/* "v2.9.5": resolved when "latest" was asked */
	char	*zip_sha256;	/* hex digest of zip_path when known, or NULL */
};

/* Finds (and if needed downloads) the Deno to build with. -1 on error. */
int	deno_source_resolve(const struct options *, struct deno_input *);
/* cfngen fetch: download and verify a release into the cache. */
int	deno_source_fetch(const struct options *);
void	deno_input_free(struct deno_input *);

#endif
