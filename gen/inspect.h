/*
 * What a Deno binary is and needs, found by reading it: its ELF header and
 * the highest GLIBC_x.y it asks for (elf.h), and the version it carries.
 *
 * The version: Deno's HTTP user agent is in the binary twice in a row,
 * short and long ("Deno/2.9.5" then "Deno/2.9.5+17fadf3"); that pair gives
 * the version. A binary without it, or with two different ones, has none
 * that can be trusted.
 *
 * A release zip's deno is inflated (which also verifies its CRC-32) and
 * scanned in a thread of its own, so that the caller can write the layer
 * meanwhile; a bare binary is read in place. A verdict is remembered in
 * the cache per SHA-256 of the zip or binary it came from.
 */
#ifndef CFNGEN_INSPECT_H
#define CFNGEN_INSPECT_H

#include <stdint.h>

#include "elf.h"

#define INSPECT_VERSION_MAX	40	/* "2.9.5", "2.0.0-rc.1": without v */

struct cache;
struct layer_input;

struct verdict {
	uint64_t	size;		/* of the binary */
	struct elf_info	elf;
	char		version[INSPECT_VERSION_MAX + 2]; /* "v2.9.5", or "" */
};

/*
 * Reads the binary at path (size bytes; what names it in messages) for a
 * verdict. An ELF file it cannot read is a usage error naming what.
 * Reports; -1 on error.
 */
int	inspect_file(const char *path, uint64_t size, const char *what,
	    struct verdict *);

/*
 * Starts inspecting zip's deno (size bytes inflated) in a thread; zip must
 * stay open until inspect_finish() or inspect_cancel(). Never fails: without
 * a thread it inspects before it returns.
 */
struct inspect	*inspect_start(struct layer_input *zip, uint64_t size,
		    const char *what);
/* Waits for the verdict; reports what went wrong; frees. -1 on error. */
int		 inspect_finish(struct inspect *, struct verdict *);
/* Stops the inspection if it still runs and frees; accepts NULL. */
void		 inspect_cancel(struct inspect *);

/* The verdict remembered for the input with this SHA-256 (hex); -1: none. */
int	inspect_recall(struct cache *, const char *sha256, uint64_t size,
	    struct verdict *);
void	inspect_remember(struct cache *, const char *sha256,
	    const struct verdict *);

#endif
