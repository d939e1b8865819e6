/*
 * JSON in and out of the document model; the only user of cJSON.
 */
#ifndef CFNGEN_JSON_H
#define CFNGEN_JSON_H

#include <stddef.h>

#include "buf.h"
#include "doc.h"
#include "xalloc.h"

/*
 * Appends doc as JSON: 2-space indentation, keys in document order, a
 * final newline. Intrinsics are written in their long form
 * ({"Fn::Sub": ...}, {"Ref": ...}). -1 on error (reported).
 */
int		 json_emit(const struct doc *, struct buf *out);

/*
 * Parses JSON text into a new document (caller frees with doc_free).
 * Numbers that are integers become DOC_INT; others are rejected. what
 * names the input in error messages ("credential_process output").
 * NULL on error (reported).
 */
struct doc	*json_parse(const char *text, size_t len, const char *what);

#endif
