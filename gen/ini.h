/*
 * The INI dialect of the AWS shared config and credentials files, read the
 * way the AWS CLI reads it, only stricter:
 *
 *   # a comment            ; also a comment (whole lines only, any indent)
 *   [section name]         ; a trailing comment is allowed here
 *   key = value           (or "key: value"; keys are lowercased; the value
 *                           is the rest of the line, trimmed, '#' included)
 *   s3 =                   an empty value opens a sub-section: the lines
 *     addressing_style = path   indented below it are "sub = value"
 *
 * Anything else is an error naming "file:line": a setting before the first
 * section, a line without '=' or ':', an empty key or section name, a
 * repeated section or key (the CLI refuses those too), text after "]", an
 * indented line continuing a non-empty value, a NUL byte.
 *
 * Everything returned points into the struct ini, which owns it.
 */
#ifndef CFNGEN_INI_H
#define CFNGEN_INI_H

#include <stddef.h>

struct ini;

/*
 * Parses text (len bytes, need not be NUL-terminated); name is the file
 * name used in messages. NULL on error (reported).
 */
struct ini	*ini_parse(const char *text, size_t len, const char *name);
/*
 * Reads and parses path. A file that does not exist is not an error: it
 * reads as an empty file. NULL on error (reported).
 */
struct ini	*ini_load(const char *path);
void		 ini_free(struct ini *);

const char	*ini_name(const struct ini *);
size_t		 ini_nsections(const struct ini *);
/* The name between the brackets, trimmed; NULL past the end. */
const char	*ini_section_name(const struct ini *, size_t section);

/* The value of key (lowercase) in the section, or NULL. */
const char	*ini_value(const struct ini *, size_t section, const char *key);
/* The value of "key =" then "  sub = value", or NULL. */
const char	*ini_subvalue(const struct ini *, size_t section,
		    const char *key, const char *sub);
/* The line key is on, 0 if it is absent. */
int		 ini_line(const struct ini *, size_t section, const char *key);

#endif
