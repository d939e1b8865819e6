/*
 * Deterministic zips, written; with layer_input.c, the only user of libzip
 * and zlib.
 *
 * A layer_zip is written entry by entry, in the order added, each with a
 * fixed Unix mode in the external attributes ("made by" Unix), the DOS
 * time 1980-01-01 00:00 and no extra fields (but the padding of
 * layer_zip_add_entry(), which depends on the input only), so the same
 * inputs give the same bytes in any time zone and under any umask. It goes
 * to a temporary file beside its destination (removed on failure and on
 * SIGINT/SIGTERM) and lands under its name only with layer_zip_commit().
 *
 * An entry of an existing zip (layer_input.h: Deno's release zip and its
 * "deno") goes in with its compressed bytes as they are, copied in the
 * kernel (copy_file_range), never inflated and deflated again.
 */
#ifndef CFNGEN_LAYER_H
#define CFNGEN_LAYER_H

#include <stddef.h>
#include <stdint.h>

#include "digest.h"

/* The DOS date of 1980-01-01 and time 00:00:00 that every entry carries. */
#define LAYER_DOS_DATE	((0 << 9) | (1 << 5) | 1)
#define LAYER_DOS_TIME	0

struct asset;
struct layer_input;	/* layer_input.h */

struct layer_zip;

/* A new zip for path (0644 less the umask). NULL on error (reported). */
struct layer_zip	*layer_zip_new(const char *path);
/* An embedded file, stored as embedded (deflated). mode: 0755, 0644... */
int			 layer_zip_add_asset(struct layer_zip *, const char *name,
			    const struct asset *, unsigned int mode);
/* The file at path, deflated. */
int			 layer_zip_add_file(struct layer_zip *, const char *name,
			    const char *path, unsigned int mode);
/*
 * The input's entry, compressed bytes copied as they are; when every entry
 * before it is an asset, its data is placed at the same offset within a
 * 64 KiB block as in the input, which makes the in-kernel copy faster.
 */
int			 layer_zip_add_entry(struct layer_zip *, const char *name,
			    struct layer_input *, unsigned int mode);
/*
 * Writes the archive (still under its temporary name) and reports its
 * size and, unless sha256 is NULL, its SHA-256. The inputs it copies from
 * must stay open until then.
 */
int			 layer_zip_finish(struct layer_zip *, uint64_t *size,
			    unsigned char sha256[SHA256_LEN]);
/* The SHA-256 of a finished zip. */
int			 layer_zip_hash(struct layer_zip *,
			    unsigned char sha256[SHA256_LEN]);
/*
 * Renames it into place (without fsync: see outfile_no_fsync); frees the
 * layer_zip whatever happens.
 */
int			 layer_zip_commit(struct layer_zip *);
/* Removes the temporary file and frees; accepts NULL. */
void			 layer_zip_abort(struct layer_zip *);

/* "libzip 1.7.3 zlib 1.2.13": what the bytes of a zip depend on (caller frees). */
char			*layer_zip_libraries(void);

#endif
