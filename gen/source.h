/*
 * The Deno a run builds from, open: the release zip's "deno" entry
 * (layer.h) or a bare binary, as deno_source.h resolved it, with its size
 * and the SHA-256 of the zip or binary. The SHA-256 is read from what
 * remembers it when it can be (the release cache's verification, or a
 * digest record of this very file, keyed by its identity: device, inode,
 * size, modification and change times, so any write to the file moves it
 * off the record), else computed and remembered for next time.
 */
#ifndef CFNGEN_SOURCE_H
#define CFNGEN_SOURCE_H

#include <stdint.h>

#include "deno_source.h"
#include "digest.h"

struct cache;
struct layer_input;

struct source {
	struct deno_input	 in;
	char			*what;	/* how to name it: "--deno-zip deno.zip" */
	struct layer_input	*zip;	/* the release zip's "deno", or NULL */
	uint64_t		 size;	/* the binary's size */
	char			 sha256[SHA256_HEX_LEN + 1]; /* zip's or binary's */
};

/*
 * Resolves spec (downloading if it must) and opens the result into s
 * (zeroed by the caller). -1 on error (reported: a usage error for a file
 * that is missing or not a Deno zip); source_close() s either way.
 */
int		 source_open(const struct deno_source_spec *, struct cache *,
		    struct source *s);
void		 source_close(struct source *);
/* The zip or binary on disk. */
const char	*source_path(const struct source *);
/* 1 when s->sha256 was filled from what remembers it, else 0. */
int		 source_known(struct cache *, struct source *s);
/* Hashes the zip or binary into s->sha256 and remembers it; -1 on error. */
int		 source_digest(struct cache *, struct source *s);

#endif
