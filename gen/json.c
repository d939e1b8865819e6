/*
 * JSON in and out of the document model (json.h); the only user of cJSON.
 *
 * Output: cJSON's own pretty printer indents with tabs and puts arrays on
 * one line, so the layout (2-space indentation, one entry per line) is
 * ours, walking the document; the text of strings (escaping) and of
 * true/false/null comes from cJSON, integers are printed exactly.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "json.h"
#include "log.h"
#include "xalloc.h"

/* Integers beyond 2^53 do not survive the double cJSON parses into. */
#define JSON_INT_MAX	9007199254740992LL

static void
json_hooks(void)
{
	static int		done;
	static cJSON_Hooks	hooks = { xmalloc, free };

	if (!done) {
		cJSON_InitHooks(&hooks);
		done = 1;
	}
}

static int
add(struct buf *out, const char *s)
{
	if (buf_adds(out, s) == -1) {
		log_error("JSON output: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int
indent(struct buf *out, int depth)
{
	int	i;

	for (i = 0; i < depth; i++)
		if (add(out, "  ") == -1)
			return -1;
	return 0;
}

/* One scalar, printed by cJSON. */
static int
emit_scalar(struct buf *out, cJSON *item)
{
	char	*text;
	int	 rc;

	text = cJSON_PrintUnformatted(item);
	cJSON_Delete(item);
	rc = add(out, text);
	free(text);
	return rc;
}

static int
emit_string(struct buf *out, const char *s, size_t len)
{
	if (strlen(s) != len) {
		log_error("JSON output: a string holds a NUL byte");
		return -1;
	}
	if (!doc_utf8_valid(s, len)) {
		log_error("JSON output: a string is not valid UTF-8");
		return -1;
	}
	return emit_scalar(out, cJSON_CreateString(s));
}

static int	emit(const struct doc *, struct buf *, int);

/* "key": value, with the key escaped like any string. */
static int
emit_member(struct buf *out, const char *key, const struct doc *val,
    int depth)
{
	if (indent(out, depth) == -1 ||
	    emit_string(out, key, strlen(key)) == -1 || add(out, ": ") == -1)
		return -1;
	return emit(val, out, depth);
}

static int
emit(const struct doc *d, struct buf *out, int depth)
{
	size_t	i, n;

	switch (doc_type(d)) {
	case DOC_NULL:
		return emit_scalar(out, cJSON_CreateNull());
	case DOC_BOOL:
		return emit_scalar(out, cJSON_CreateBool(doc_bool_val(d)));
	case DOC_INT:
		/*
		 * cJSON holds numbers as doubles and prints anything beyond
		 * an int with %g; a decimal integer is the same text in any
		 * JSON writer, so it is formatted here, exactly.
		 */
		if (buf_addf(out, "%lld", doc_int_val(d)) == -1) {
			log_error("JSON output: %s", strerror(errno));
			return -1;
		}
		return 0;
	case DOC_STR:
		return emit_string(out, doc_str_val(d), doc_str_len(d));
	case DOC_FN:
		/* The long form: { "Fn::Sub": arg } */
		if (add(out, "{\n") == -1 || emit_member(out, doc_fn_name(d),
		    doc_fn_arg(d), depth + 1) == -1 || add(out, "\n") == -1 ||
		    indent(out, depth) == -1 || add(out, "}") == -1)
			return -1;
		return 0;
	case DOC_MAP:
	case DOC_SEQ:
		n = doc_len(d);
		if (n == 0)
			return add(out, doc_type(d) == DOC_MAP ? "{}" : "[]");
		if (add(out, doc_type(d) == DOC_MAP ? "{\n" : "[\n") == -1)
			return -1;
		for (i = 0; i < n; i++) {
			if (doc_type(d) == DOC_MAP) {
				if (emit_member(out, doc_map_key_at(d, i),
				    doc_map_val_at(d, i), depth + 1) == -1)
					return -1;
			} else if (indent(out, depth + 1) == -1 ||
			    emit(doc_seq_at(d, i), out, depth + 1) == -1)
				return -1;
			if (add(out, i + 1 < n ? ",\n" : "\n") == -1)
				return -1;
		}
		if (indent(out, depth) == -1 ||
		    add(out, doc_type(d) == DOC_MAP ? "}" : "]") == -1)
			return -1;
		return 0;
	}
	return -1;
}

int
json_emit(const struct doc *d, struct buf *out)
{
	json_hooks();
	if (emit(d, out, 0) == -1 || add(out, "\n") == -1)
		return -1;
	return 0;
}

/* Line and column (1-based) of offset in text, for error messages. */
static void
position(const char *text, size_t off, size_t *line, size_t *col)
{
	size_t	i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

static struct doc *
from_cjson(const cJSON *j, const char *what)
{
	const cJSON	*c;
	struct doc	*d = NULL;
	double		 v;

	if (cJSON_IsNull(j))
		return doc_null();
	if (cJSON_IsBool(j))
		return doc_bool(cJSON_IsTrue(j));
	if (cJSON_IsString(j))
		return doc_str(j->valuestring);
	if (cJSON_IsNumber(j)) {
		v = j->valuedouble;
		if (v != v || v > (double)JSON_INT_MAX ||
		    v < -(double)JSON_INT_MAX || v != (double)(long long)v) {
			log_error("%s: number %g is not an integer in range",
			    what, v);
			return NULL;
		}
		return doc_int((long long)v);
	}
	if (cJSON_IsArray(j)) {
		d = doc_seq();
		cJSON_ArrayForEach(c, j) {
			struct doc	*e = from_cjson(c, what);

			if (e == NULL || doc_seq_add(d, e) == -1)
				goto fail;
		}
		return d;
	}
	if (cJSON_IsObject(j)) {
		d = doc_map();
		cJSON_ArrayForEach(c, j) {
			struct doc	*e;

			if (doc_map_get(d, c->string) != NULL) {
				log_error("%s: duplicate key \"%s\"", what,
				    c->string);
				goto fail;
			}
			if ((e = from_cjson(c, what)) == NULL ||
			    doc_map_set(d, c->string, e) == -1)
				goto fail;
		}
		return d;
	}
	log_error("%s: unexpected JSON value", what);
fail:
	doc_free(d);
	return NULL;
}

struct doc *
json_parse(const char *text, size_t len, const char *what)
{
	cJSON		*j;
	struct doc	*d = NULL;
	const char	*end = NULL;
	size_t		 line, col, i;

	json_hooks();
	if (len == 0 || memchr(text, '\0', len) != NULL) {
		log_error("%s: %s", what, len == 0 ? "empty, expected JSON" :
		    "NUL byte in JSON text");
		return NULL;
	}
	if (!doc_utf8_valid(text, len)) {
		log_error("%s: JSON text is not valid UTF-8", what);
		return NULL;
	}
	/*
	 * A JSON string may spell a NUL as \u0000, which cJSON's C strings
	 * would silently cut short; refuse it rather than alter a value.
	 */
	for (i = 0; i + 6 <= len; i++)
		if (text[i] == '\\' && memcmp(text + i, "\\u0000", 6) == 0) {
			size_t	k = i, bs = 0;

			while (k > 0 && text[k - 1] == '\\') {
				k--;
				bs++;
			}
			if (bs % 2 == 0) {
				position(text, i, &line, &col);
				log_error("%s: line %zu, column %zu: \\u0000 in "
				    "a JSON string is not supported", what,
				    line, col);
				return NULL;
			}
		}
	j = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (j != NULL) {
		/* Only whitespace may follow the value. */
		while (end < text + len && strchr(" \t\r\n", *end) != NULL)
			end++;
		if (end < text + len) {
			position(text, (size_t)(end - text), &line, &col);
			log_error("%s: line %zu, column %zu: text after the "
			    "JSON value", what, line, col);
			goto out;
		}
	} else {
		size_t	off = end != NULL && end >= text && end <= text + len ?
		    (size_t)(end - text) : 0;

		position(text, off, &line, &col);
		log_error("%s: line %zu, column %zu: invalid JSON", what,
		    line, col);
		goto out;
	}
	d = from_cjson(j, what);
out:
	cJSON_Delete(j);
	return d;
}
