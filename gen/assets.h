/*
 * Files compiled into the binary at build time (runtime/, example-fn/,
 * templates/), so an installed cfngen needs no data files.
 */
#ifndef CFNGEN_ASSETS_H
#define CFNGEN_ASSETS_H

#include <stddef.h>
#include <stdint.h>

struct asset {
	const char		*name;	/* path relative to the source tree */
	const unsigned char	*data;	/* static; NUL-terminated, NUL not counted */
	size_t			 size;
	/* The same bytes as raw deflate (gzip -9), for zips, and their CRC-32. */
	const unsigned char	*deflated;
	size_t			 deflated_size;
	uint32_t		 crc;
};

/* The asset called name ("runtime/shim.ts"), or NULL. Static storage. */
const struct asset	*asset_get(const char *name);

/* Defined in the generated assets_data.c. */
extern const struct asset	assets_table[];
extern const size_t		assets_count;

#endif
