/*
 * The cache directory ($CFNGEN_CACHE_DIR, else $XDG_CACHE_HOME/cfngen, else
 * ~/.cache/cfngen): everything cfngen remembers between runs, in one
 * record format, read and written only here.
 *
 * A record is a small text file: a first line naming its kind and version
 * ("cfngen-verdict 2"), then "key value" lines. One that cannot be read or
 * parsed is a miss; one that cannot be written is a warning (it costs only
 * time later). Records live in <cache>/<sub>/<name>:
 *
 *   deno/<version>/<asset>.verified  a release: its SHA-256 as verified
 *                                    against the published checksum, and
 *                                    the identity of the file it was seen in
 *   digests/<identity>               the SHA-256 of a --deno-zip/--deno-bin
 *   verdicts/<sha256>                what a Deno binary is and needs
 *   builds/<key>                     what a layer zip came out as
 *
 * Trust, as OpenSSH's StrictModes and git's index: a cache directory or
 * entry that is not owned by the user, or is writable by group or others,
 * is not used (one warning, then the run works as if there were no cache).
 * Entries are opened without following a symbolic link and without
 * blocking on a FIFO, and must be regular files. A recorded digest of a
 * file holds only while the file's identity (device, inode, size,
 * modification and change times in nanoseconds) is what was recorded.
 */
#ifndef CFNGEN_CACHE_H
#define CFNGEN_CACHE_H

#include <sys/types.h>
#include <sys/stat.h>

#include <stddef.h>
#include <stdint.h>

struct cache;

/*
 * The cache at dir, checked; never NULL. A cache that cannot be trusted
 * warns once and then behaves as an empty one that keeps nothing.
 */
struct cache	*cache_open(const char *dir);
/* Accepts NULL. */
void		 cache_free(struct cache *);
/* The directory, or NULL when the cache is not used. */
const char	*cache_dir(const struct cache *);

/*
 * Makes <cache>/<sub> (and what is missing above it) for the cache's own
 * use: mode 0755, and every part checked as above. 0, or -1 with errno
 * (EPERM: not trusted).
 */
int		 cache_mkdir(struct cache *, const char *sub);

/*
 * Opens the cache file <cache>/<sub>/<name> for reading: a regular file,
 * not a symbolic link or a FIFO (never blocks), owned by the user and not
 * writable by others, in a trusted directory. The fd (O_CLOEXEC) and its
 * fstat in *st, or -1 (said with -v; an untrusted one with a warning).
 */
int		 cache_open_file(struct cache *, const char *sub,
		    const char *name, struct stat *st);

/*
 * The record <cache>/<sub>/<name> whose first line is magic (any, when
 * magic is NULL), or NULL.
 * Caller frees. Lines after the first are read with cache_field*().
 */
char		*cache_get(struct cache *, const char *sub, const char *name,
		    const char *magic);
/* Writes a record (text holds its magic line first); a warning on failure. */
void		 cache_put(struct cache *, const char *sub, const char *name,
		    const char *text);

/* The value of "key value" in a record, up to the end of its line. */
const char	*cache_field(const char *text, const char *key, size_t *len);
int		 cache_field_u64(const char *text, const char *key,
		    uint64_t max, uint64_t *out);
int		 cache_field_int(const char *text, const char *key, int max,
		    int *out);
/* 64 lowercase hex digits into out (65 bytes). */
int		 cache_field_hex(const char *text, const char *key, char *out);

/*
 * A file's identity as a record field: "DEV INO SIZE MTIME.NS CTIME.NS".
 * Caller frees.
 */
char		*cache_identity(const struct stat *);
/*
 * The name of a record about that file: the SHA-256 of its identity, in
 * hex (digests/<name>). Caller frees.
 */
char		*cache_identity_name(const struct stat *);
/*
 * Is the file settled (not changed in the last seconds)? A file changed
 * within the resolution of its timestamps could change again unseen, so
 * only a settled file's identity is recorded (git's "racily clean").
 */
int		 cache_settled(const struct stat *);

#endif
