/*
 * A small, strict XML reader for what S3 and STS answer: error documents
 * (<Error><Code>…</Code><Message>…</Message>…) and small results
 * (<GetCallerIdentityResponse>…<Account>…). Elements, attributes (read
 * and ignored), text, CDATA, comments, processing instructions and the
 * five predefined entities plus character references. No DTD: a DOCTYPE
 * is refused, so no entity can expand. Bounded in depth and element
 * count, so hostile input costs little.
 *
 * Everything returned points into the struct xml, which owns it.
 */
#ifndef CFNGEN_XML_H
#define CFNGEN_XML_H

#include <stddef.h>

struct xml;

/*
 * Parses text (len bytes). NULL when it is not well-formed XML, with
 * *why set to a static description and *line to where it went wrong;
 * nothing is reported, since a caller reading an error body falls back
 * to the HTTP status. why and line may be NULL.
 */
struct xml	*xml_parse(const char *text, size_t len, const char **why,
		    int *line);
void		 xml_free(struct xml *);

/*
 * The text of the first element at path, names separated by '/' from the
 * root element ("Error/Code"), namespace prefixes ignored; NULL if there
 * is no such element. The text of an element is its own character data,
 * entities decoded, without that of its children.
 */
const char	*xml_get(const struct xml *, const char *path);

/*
 * Walking repeated elements (CloudFormation's <member> lists). An element
 * is an index, -1 for none. xml_find() is the first element at path below
 * el (names separated by '/', namespace prefixes ignored); el -1 starts
 * above the root, so the path begins with the root's name, as in
 * xml_get(). xml_next() is the next sibling of el with the same name.
 * xml_text() is el's own text ("" for an empty element, NULL for -1);
 * xml_find_text() the text at path below el, NULL when absent.
 */
int		 xml_find(const struct xml *, int el, const char *path);
int		 xml_next(const struct xml *, int el);
const char	*xml_text(const struct xml *, int el);
const char	*xml_find_text(const struct xml *, int el, const char *path);

#endif
