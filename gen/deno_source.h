/*
 * Where Deno comes from, first match wins: --deno-bin, --deno-zip, the
 * cache, then a verified download (which needs the network; --offline
 * forbids it). Also `cfngen fetch`.
 *
 * Environment: CFNGEN_DENO_BASE_URL (the release site, as --deno-base-url)
 * and CFNGEN_DENO_LATEST_URL (where --deno latest reads the newest version;
 * default https://dl.deno.land/release-latest.txt).
 */
#ifndef CFNGEN_DENO_SOURCE_H
#define CFNGEN_DENO_SOURCE_H

#include "target.h"

struct cache;

/*
 * The Deno a run asks for (options_deno_source_spec() fills it from the
 * options). The strings are borrowed and must outlive the calls.
 */
struct deno_source_spec {
	enum arch	 arch;
	const char	*version;	/* "v2.9.5" or "latest" */
	const char	*bin;		/* --deno-bin, or NULL */
	const char	*zip;		/* --deno-zip, or NULL */
	const char	*sha256;	/* --deno-sha256 (64 hex), or NULL */
	const char	*base_url;	/* the release site (--deno-base-url) */
	const char	*cache_dir;	/* the cache's directory, to name it */
	/* cache_dir is the environment's default: hints need no --cache-dir */
	int		 cache_dir_default;
	int		 offline;	/* no download */
};

struct deno_input {
	char	*zip_path;	/* a release-style zip holding "deno", or NULL */
	char	*bin_path;	/* a bare binary, or NULL */
	char	*version;	/* "v2.9.5": resolved when "latest" was asked */
	char	*zip_sha256;	/* hex digest of zip_path when known, or NULL */
	/*
	 * Set when the cache could not be written and the release was
	 * downloaded to this private directory instead: deno_input_free()
	 * removes it (and zip_path in it).
	 */
	char	*tmpdir;
	int	 cleanup_slot;	/* outfile.h cleanup of zip_path in tmpdir */
};

/*
 * Finds (and if needed downloads into the cache) the Deno to build with.
 * Fills in (the caller releases it with deno_input_free). -1 on error.
 */
int	deno_source_resolve(const struct deno_source_spec *, struct cache *,
	    struct deno_input *);
/*
 * cfngen fetch: download and verify a release into the cache, and print
 * its path on stdout. Needs no network when it is cached already.
 */
int	deno_source_fetch(const struct deno_source_spec *, struct cache *);
void	deno_input_free(struct deno_input *);

#endif
