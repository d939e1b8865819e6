/*
 * YAML in and out of the document model; the only user of libyaml. (Not
 * called yaml.h, which would hide libyaml's own <yaml.h> from yamlio.c.)
 *
 * Output goes through libyaml's emitter: block style, 2-space indentation,
 * no line folding, UTF-8. CloudFormation intrinsics use their short tags
 * (!Ref, !GetAtt, !Sub ...) except where one would sit directly inside
 * another (CloudFormation rejects "!Base64 !Sub"), which gets the long form
 * ("Fn::Base64: !Sub ..."). Strings a YAML 1.1 (or 1.2) reader would take
 * for another type are quoted; multi-line strings use literal block style.
 */
#ifndef CFNGEN_YAMLIO_H
#define CFNGEN_YAMLIO_H

#include <stddef.h>

#include "buf.h"
#include "doc.h"
#include "xalloc.h"

/*
 * Appends doc as one YAML document to out. comment, when not NULL, is one
 * line of text written first as a YAML comment ("# comment"). -1 on error
 * (reported, with the emitter's problem).
 */
int		 yamlio_emit(const struct doc *, const char *comment,
		    struct buf *out);

/*
 * Parses one YAML document (a template skeleton) into a new document
 * (caller frees with doc_free). CloudFormation tags become DOC_FN, and so
 * do their long forms ({"Ref": x}, {"Fn::Sub": x}); !GetAtt A.B becomes
 * Fn::GetAtt [A, B]. Plain scalars: true/false, null/~/empty and decimal
 * integers are typed; any other plain scalar that some YAML reader would
 * not take for a string (yes, 1.10, 2010-09-09 ...) is refused, so a
 * skeleton means the same to every reader. Anchors, aliases and tags
 * other than CloudFormation's and !!str are refused. what names the input
 * in error messages. NULL on error (reported).
 */
struct doc	*yamlio_parse(const char *text, size_t len, const char *what);

/*
 * 1 when s, written as a plain (unquoted) YAML scalar, would not be read
 * back as this same string: a YAML 1.1 or 1.2 reader would resolve it to
 * a boolean, null, integer, float or timestamp (yes, n, ~, 012, 0x1F,
 * 1.10, .inf, 1:30, 2010-09-09, <<), or YAML syntax gets in the way
 * (empty, leading indicator, ": ", " #", surrounding or line-breaking
 * white space, control characters). 0 when plain is safe. Pure.
 */
int		 yamlio_needs_quotes(const char *s);
/* The same for a string of len bytes (which may hold NULs). */
int		 yamlio_needs_quotes_n(const char *s, size_t len);

#endif
