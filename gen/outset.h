/*
 * An output set: files that land in a directory together, or not at all.
 * Each is written complete (outfile_put(), a layer zip, ...) at the path
 * outset_add() gives, in a private directory inside dir (removed on
 * SIGINT/SIGTERM/SIGHUP like any temporary file). outset_commit() renames
 * them all into dir, in the order added; if one rename fails, it reports
 * it and takes back the ones already renamed, putting back the files they
 * replaced. outset_free() removes whatever has not landed.
 */
#ifndef CFNGEN_OUTSET_H
#define CFNGEN_OUTSET_H

struct outset;

/* NULL on error (reported). */
struct outset	*outset_new(const char *dir);
/*
 * The output set of a run: for dir (--out-dir; created if missing, its
 * parent must exist; a usage error otherwise), or NULL for a private one
 * in outfile_tmpdir() that never lands. A dir created here is removed
 * again by outset_free() when nothing landed in it.
 */
struct outset	*outset_open(const char *dir);
/* Where to write the file that is to land as dir/name; owned by the set. */
const char	*outset_add(struct outset *, const char *name);
/*
 * The file staged at path is to land as name instead: its new path, or
 * NULL (reported).
 */
const char	*outset_rename(struct outset *, const char *path,
		    const char *name);
/* 0, or -1 (reported) with nothing of the set left in dir. */
int		 outset_commit(struct outset *);
/* Accepts NULL. */
void		 outset_free(struct outset *);

#endif
