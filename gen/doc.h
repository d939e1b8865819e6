/*
 * The document model: what a template (or manifest.json, or a JSON reply)
 * is before it becomes text. Ordered maps, sequences, typed scalars and
 * CloudFormation intrinsic functions. No I/O.
 *
 * Ownership, once for the whole API: every node belongs to the container
 * it was added to, and doc_free() on the root releases the tree. Adders
 * take ownership of the node they are given even when they fail. Strings
 * are copied in; nothing points into a caller's buffer.
 */
#ifndef CFNGEN_DOC_H
#define CFNGEN_DOC_H

#include <stddef.h>

enum doc_type {
	DOC_NULL,
	DOC_BOOL,
	DOC_INT,
	DOC_STR,
	DOC_MAP,	/* keys in insertion order, unique */
	DOC_SEQ,
	DOC_FN		/* intrinsic: name ("Ref", "Fn::Sub"...) and argument */
};

struct doc;

struct doc	*doc_null(void);
struct doc	*doc_bool(int);
struct doc	*doc_int(long long);
struct doc	*doc_str(const char *);
struct doc	*doc_strn(const char *, size_t);
struct doc	*doc_map(void);
struct doc	*doc_seq(void);
/* Ref, Condition, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::GetStackOutput ... */
struct doc	*doc_fn(const char *name, struct doc *arg);

/* Sets key (a new key goes last; an existing one keeps its place). */
int		 doc_map_set(struct doc *map, const char *key, struct doc *);
int		 doc_seq_add(struct doc *seq, struct doc *);
/* Removes key; 0 if it was there, -1 if not. */
int		 doc_map_del(struct doc *map, const char *key);
/* Adds a new key at position pos (0 = first); -1 if key exists. */
int		 doc_map_insert_at(struct doc *map, size_t pos, const char *key,
		    struct doc *);
/* Renames key in place; -1 if from is missing or to already exists. */
int		 doc_map_rename(struct doc *map, const char *from, const char *to);

enum doc_type	 doc_type(const struct doc *);
/* Entries of a map or sequence; 0 for scalars. */
size_t		 doc_len(const struct doc *);
const char	*doc_map_key_at(const struct doc *, size_t);
struct doc	*doc_map_val_at(const struct doc *, size_t);
struct doc	*doc_map_get(const struct doc *, const char *key);
struct doc	*doc_seq_at(const struct doc *, size_t);
const char	*doc_str_val(const struct doc *);	/* DOC_STR */
size_t		 doc_str_len(const struct doc *);	/* may hold NULs */
long long	 doc_int_val(const struct doc *);	/* DOC_INT */
int		 doc_bool_val(const struct doc *);	/* DOC_BOOL */
const char	*doc_fn_name(const struct doc *);	/* DOC_FN */
struct doc	*doc_fn_arg(const struct doc *);	/* DOC_FN */

/* 1 when s[0..len) is well-formed UTF-8 (no overlongs, surrogates, NULs). */
int		 doc_utf8_valid(const char *s, size_t len);

struct doc	*doc_copy(const struct doc *);
/* Deep equality, map order included. */
int		 doc_equal(const struct doc *, const struct doc *);
void		 doc_free(struct doc *);

#endif
