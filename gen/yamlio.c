/*
 * YAML in and out of the document model (yamlio.h); the only user of
 * libyaml. Text is produced only by libyaml's emitter, from events; the
 * one exception is the optional first comment line, which is not YAML
 * structure and which the emitter has no event for.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "buf.h"
#include "log.h"
#include "xalloc.h"
#include "yamlio.h"

/* Nesting deeper than this is refused when parsing, as cJSON does. */
#define YAML_MAX_DEPTH	1000

/*
 * The quoting decision. Conservative on purpose: it quotes whatever a
 * YAML 1.1 reader (CloudFormation's, PyYAML), the YAML 1.1 spec's regular
 * expressions or a YAML 1.2 core-schema reader might resolve to something
 * other than this string. A needless pair of quotes costs nothing; a
 * missing one turns a version into a float.
 */

static int
word_in(const char *s, size_t n, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strlen(*words) == n && memcmp(*words, s, n) == 0)
			return 1;
	return 0;
}

/* Booleans of YAML 1.1 in every spelling, null, and the merge/value keys. */
static int
is_special_word(const char *s, size_t n)
{
	static const char *const	words[] = {
		"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
		"true", "True", "TRUE", "false", "False", "FALSE",
		"on", "On", "ON", "off", "Off", "OFF",
		"~", "null", "Null", "NULL", "<<", "=", NULL
	};

	return word_in(s, n, words);
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * Integers and floats of any schema: 0x/0o/0b forms, decimals with
 * leading zeros (octal in YAML 1.1), "_" separators, sexagesimal 1:30,
 * fractions (1.10, .5, 1.), exponents (1e5, 1E-3), .inf and .nan.
 */
static int
is_numeric(const char *s, size_t n)
{
	static const char *const	specials[] = { ".inf", ".Inf", ".INF",
	    ".nan", ".NaN", ".NAN", NULL };
	size_t				i = 0, digits = 0, dots = 0;

	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i == n)
		return 0;
	if (word_in(s + i, n - i, specials))
		return 1;
	if (n - i >= 2 && s[i] == '0' && strchr("xXoObB", s[i + 1]) != NULL) {
		for (i += 2; i < n; i++)
			if (!is_hex(s[i]) && s[i] != '_')
				return 0;
		return 1;
	}
	if (!is_digit(s[i]) && s[i] != '.')
		return 0;
	for (; i < n; i++) {
		if (is_digit(s[i]))
			digits++;
		else if (s[i] == '.')
			dots++;
		else if (s[i] == '_' || s[i] == ':')
			;
		else
			break;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E') && digits > 0) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i == n || !is_digit(s[i]))
			return 0;
		while (i < n && is_digit(s[i]))
			i++;
	}
	return i == n && (digits > 0 || dots > 0);
}

/* YAML 1.1 timestamps: anything that starts like 2010-09-09 or 2010-9-9. */
static int
is_timestamp(const char *s, size_t n)
{
	size_t	i, k;

	if (n < 8)
		return 0;
	for (i = 0; i < 4; i++)
		if (!is_digit(s[i]))
			return 0;
	if (s[i++] != '-')
		return 0;
	for (k = 0; k < 2 && i < n && is_digit(s[i]); k++)
		i++;
	if (k == 0 || i >= n || s[i++] != '-')
		return 0;
	return i < n && is_digit(s[i]);
}

/* Does the UTF-8 sequence at s (n bytes left) hold a break or a BOM? */
static int
bad_utf8_at(const unsigned char *s, size_t n, size_t *adv)
{
	size_t	len, i;

	if (s[0] < 0x80) {
		*adv = 1;
		return 0;
	}
	if ((s[0] & 0xe0) == 0xc0)
		len = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4;
	else
		return 1;
	if (len > n)
		return 1;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 1;
	*adv = len;
	/* C1 controls (NEL among them), LS, PS, BOM: breaks or invisible. */
	if (s[0] == 0xc2 && s[1] < 0xa0)
		return 1;
	if (s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9))
		return 1;
	if (s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		return 1;
	return 0;
}

/* YAML syntax that a plain scalar cannot carry. */
static int
plain_unsafe(const char *s, size_t n)
{
	size_t	i, adv;
	char	c;

	if (strchr(",[]{}#&*!|>'\"%@`?:", s[0]) != NULL)
		return 1;
	if (s[0] == '-' && (n == 1 || s[1] == ' ' || s[1] == '\t'))
		return 1;
	if (n >= 3 && (memcmp(s, "---", 3) == 0 || memcmp(s, "...", 3) == 0))
		return 1;
	if (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' ||
	    s[n - 1] == '\t' || s[n - 1] == ':')
		return 1;
	for (i = 0; i < n; i += adv) {
		c = s[i];
		adv = 1;
		if ((unsigned char)c < 0x20 || c == 0x7f)
			return 1;	/* tabs, breaks and other controls */
		if (c == ':' && i + 1 < n && (s[i + 1] == ' ' ||
		    s[i + 1] == '\t'))
			return 1;
		if (c == '#' && i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'))
			return 1;
		if (bad_utf8_at((const unsigned char *)s + i, n - i, &adv))
			return 1;
	}
	return 0;
}

int
yamlio_needs_quotes_n(const char *s, size_t n)
{
	if (n == 0 || memchr(s, '\0', n) != NULL)
		return 1;
	return is_special_word(s, n) || is_numeric(s, n) ||
	    is_timestamp(s, n) || plain_unsafe(s, n);
}

int
yamlio_needs_quotes(const char *s)
{
	return yamlio_needs_quotes_n(s, strlen(s));
}

/* Output. */

struct emitter {
	yaml_emitter_t	 e;
	struct buf	*out;
	int		 write_errno;
};

static int
write_handler(void *data, unsigned char *bytes, size_t size)
{
	struct emitter	*em = data;

	if (buf_add(em->out, bytes, size) == -1) {
		em->write_errno = errno;
		return 0;
	}
	return 1;
}

/* Emits ev (which the emitter always consumes); reports a failure. */
static int
emit_event(struct emitter *em, yaml_event_t *ev, int init_ok)
{
	if (!init_ok) {
		log_error("YAML output: cannot create an event");
		return -1;
	}
	if (!yaml_emitter_emit(&em->e, ev)) {
		if (em->write_errno != 0)
			log_error("YAML output: %s", strerror(em->write_errno));
		else
			log_error("YAML output: %s", em->e.problem ?
			    em->e.problem : "emitter error");
		return -1;
	}
	return 0;
}

/*
 * A scalar. tag is a CloudFormation short tag ("!Ref") or NULL; typed is
 * set for the text of an integer, boolean or null, which stays plain and
 * untagged so it resolves to its type.
 */
static int
emit_scalar(struct emitter *em, const char *tag, const char *s, size_t n,
    int typed, int is_key)
{
	yaml_event_t		ev;
	yaml_scalar_style_t	style;
	int			plain_implicit, quoted_implicit;

	if (n > INT_MAX) {
		log_error("YAML output: string too long");
		return -1;
	}
	/* libyaml would write escapes no reader accepts */
	if (memchr(s, '\0', n) == NULL && !doc_utf8_valid(s, n)) {
		log_error("YAML output: a string is not valid UTF-8");
		return -1;
	}
	if (typed || !yamlio_needs_quotes_n(s, n)) {
		style = YAML_PLAIN_SCALAR_STYLE;
		plain_implicit = 1;
		quoted_implicit = 0;
	} else {
		/* libyaml turns to double quotes when single ones cannot do. */
		style = !is_key && memchr(s, '\n', n) != NULL ?
		    YAML_LITERAL_SCALAR_STYLE : YAML_SINGLE_QUOTED_SCALAR_STYLE;
		plain_implicit = 0;
		quoted_implicit = 1;
	}
	if (tag != NULL)
		plain_implicit = quoted_implicit = 0;
	return emit_event(em, &ev, yaml_scalar_event_initialize(&ev, NULL,
	    (yaml_char_t *)tag, (yaml_char_t *)s, (int)n, plain_implicit,
	    quoted_implicit, style));
}

static int	emit_node(struct emitter *, const struct doc *, const char *);

/* The short tag of an intrinsic, or NULL if it has none. */
static const char *
short_tag(const char *name, char **owned)
{
	static const char *const	known[] = { "And", "Base64", "Cidr",
	    "Equals", "FindInMap", "GetAtt", "GetAZs", "GetStackOutput",
	    "If", "ImportValue", "Join", "Length", "Not", "Or", "Select",
	    "Split", "Sub", "ToJsonString", "Transform", NULL };

	*owned = NULL;
	if (strcmp(name, "Ref") == 0)
		return "!Ref";
	if (strcmp(name, "Condition") == 0)
		return "!Condition";
	if (strncmp(name, "Fn::", 4) == 0 &&
	    word_in(name + 4, strlen(name + 4), known))
		return *owned = xasprintf("!%s", name + 4);
	return NULL;
}

/* Does any value of map arg hold an intrinsic directly? */
static int
has_fn_value(const struct doc *arg)
{
	size_t	i;

	for (i = 0; i < doc_len(arg); i++)
		if (doc_type(doc_map_val_at(arg, i)) == DOC_FN)
			return 1;
	return 0;
}

static int
emit_fn(struct emitter *em, const struct doc *d)
{
	const struct doc	*arg = doc_fn_arg(d), *a0, *a1;
	const char		*name = doc_fn_name(d), *tag;
	char			*owned, *dotted;
	yaml_event_t		 ev;
	int			 rc = -1;

	tag = short_tag(name, &owned);
	/*
	 * No short tag directly on another (YAML allows one tag per node);
	 * and AWS documents that !GetStackOutput takes no short forms among
	 * its parameters.
	 */
	if (doc_type(arg) == DOC_FN || (strcmp(name, "Fn::GetStackOutput") ==
	    0 && doc_type(arg) == DOC_MAP && has_fn_value(arg)))
		tag = NULL;
	/*
	 * A tagged scalar reads back as a string, and "!GetAtt A.B" as
	 * [A, B]: other scalars keep their type, and a GetAtt string its
	 * form, only in the long form.
	 */
	if (doc_type(arg) == DOC_NULL || doc_type(arg) == DOC_BOOL ||
	    doc_type(arg) == DOC_INT || (strcmp(name, "Fn::GetAtt") == 0 &&
	    doc_type(arg) == DOC_STR))
		tag = NULL;
	if (tag == NULL) {
		if (emit_event(em, &ev, yaml_mapping_start_event_initialize(&ev,
		    NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE)) == -1 ||
		    emit_scalar(em, NULL, name, strlen(name), 0, 1) == -1 ||
		    emit_node(em, arg, NULL) == -1 ||
		    emit_event(em, &ev, yaml_mapping_end_event_initialize(&ev))
		    == -1)
			goto out;
		rc = 0;
		goto out;
	}
	a0 = doc_seq_at(arg, 0);
	a1 = doc_seq_at(arg, 1);
	if (strcmp(name, "Fn::GetAtt") == 0 && doc_len(arg) == 2 &&
	    doc_type(a0) == DOC_STR && doc_type(a1) == DOC_STR &&
	    strchr(doc_str_val(a0), '.') == NULL) {
		/* !GetAtt Resource.Attribute */
		dotted = xasprintf("%s.%s", doc_str_val(a0), doc_str_val(a1));
		rc = emit_scalar(em, tag, dotted, strlen(dotted), 0, 0);
		free(dotted);
		goto out;
	}
	rc = emit_node(em, arg, tag);
out:
	free(owned);
	return rc;
}

static int
emit_node(struct emitter *em, const struct doc *d, const char *tag)
{
	yaml_event_t	ev;
	char		num[32];
	size_t		i;

	switch (doc_type(d)) {
	case DOC_NULL:
		return emit_scalar(em, tag, "null", 4, tag == NULL, 0);
	case DOC_BOOL:
		return emit_scalar(em, tag, doc_bool_val(d) ? "true" : "false",
		    doc_bool_val(d) ? 4 : 5, tag == NULL, 0);
	case DOC_INT:
		/* the value's digits, not YAML syntax */
		(void)snprintf(num, sizeof(num), "%lld", doc_int_val(d));
		return emit_scalar(em, tag, num, strlen(num), tag == NULL, 0);
	case DOC_STR:
		return emit_scalar(em, tag, doc_str_val(d), doc_str_len(d), 0,
		    0);
	case DOC_FN:
		return emit_fn(em, d);
	case DOC_SEQ:
		if (emit_event(em, &ev, yaml_sequence_start_event_initialize(
		    &ev, NULL, (yaml_char_t *)tag, tag == NULL,
		    YAML_BLOCK_SEQUENCE_STYLE)) == -1)
			return -1;
		for (i = 0; i < doc_len(d); i++)
			if (emit_node(em, doc_seq_at(d, i), NULL) == -1)
				return -1;
		return emit_event(em, &ev,
		    yaml_sequence_end_event_initialize(&ev));
	case DOC_MAP:
		if (emit_event(em, &ev, yaml_mapping_start_event_initialize(
		    &ev, NULL, (yaml_char_t *)tag, tag == NULL,
		    YAML_BLOCK_MAPPING_STYLE)) == -1)
			return -1;
		for (i = 0; i < doc_len(d); i++) {
			const char	*k = doc_map_key_at(d, i);

			if (emit_scalar(em, NULL, k, strlen(k), 0, 1) == -1 ||
			    emit_node(em, doc_map_val_at(d, i), NULL) == -1)
				return -1;
		}
		return emit_event(em, &ev,
		    yaml_mapping_end_event_initialize(&ev));
	}
	return -1;
}

int
yamlio_emit(const struct doc *d, const char *comment, struct buf *out)
{
	struct emitter	em;
	yaml_event_t	ev;
	int		rc = -1;

	memset(&em, 0, sizeof(em));
	em.out = out;
	if (comment != NULL) {
		if (strchr(comment, '\n') != NULL) {
			log_error("YAML output: a comment must be one line");
			return -1;
		}
		if (buf_adds(out, "# ") == -1 || buf_adds(out, comment) == -1 ||
		    buf_addc(out, '\n') == -1) {
			log_error("YAML output: %s", strerror(errno));
			return -1;
		}
	}
	if (!yaml_emitter_initialize(&em.e)) {
		log_error("YAML output: cannot initialise the emitter");
		return -1;
	}
	yaml_emitter_set_output(&em.e, write_handler, &em);
	yaml_emitter_set_encoding(&em.e, YAML_UTF8_ENCODING);
	yaml_emitter_set_unicode(&em.e, 1);
	yaml_emitter_set_indent(&em.e, 2);
	yaml_emitter_set_width(&em.e, -1);	/* never fold a line */
	yaml_emitter_set_break(&em.e, YAML_LN_BREAK);
	if (emit_event(&em, &ev, yaml_stream_start_event_initialize(&ev,
	    YAML_UTF8_ENCODING)) == -1 ||
	    emit_event(&em, &ev, yaml_document_start_event_initialize(&ev,
	    NULL, NULL, NULL, 1)) == -1 ||
	    emit_node(&em, d, NULL) == -1 ||
	    emit_event(&em, &ev, yaml_document_end_event_initialize(&ev,
	    1)) == -1 ||
	    emit_event(&em, &ev, yaml_stream_end_event_initialize(&ev)) == -1)
		goto out;
	if (!yaml_emitter_flush(&em.e)) {
		log_error("YAML output: %s", em.write_errno ?
		    strerror(em.write_errno) : "flush failed");
		goto out;
	}
	rc = 0;
out:
	yaml_emitter_delete(&em.e);
	return rc;
}

/* Input. */

struct parser {
	yaml_parser_t	 p;
	const char	*what;
	int		 depth;
};

static void
parse_error(struct parser *ps, const yaml_mark_t *mark, const char *msg)
{
	log_error("%s: line %zu, column %zu: %s", ps->what, mark->line + 1,
	    mark->column + 1, msg);
}

static int
next_event(struct parser *ps, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&ps->p, ev)) {
		log_error("%s: line %zu, column %zu: %s%s%s", ps->what,
		    ps->p.problem_mark.line + 1,
		    ps->p.problem_mark.column + 1,
		    ps->p.problem ? ps->p.problem : "invalid YAML",
		    ps->p.context ? " " : "",
		    ps->p.context ? ps->p.context : "");
		return -1;
	}
	return 0;
}

/* "!Ref" -> "Ref", "!Sub" -> "Fn::Sub"; NULL for other tags. */
static char *
fn_from_tag(const char *tag)
{
	const char	*t;
	char		*owned, *name;

	if (tag == NULL || tag[0] != '!' || tag[1] == '\0' || tag[1] == '!')
		return NULL;
	if (strcmp(tag, "!Ref") == 0 || strcmp(tag, "!Condition") == 0)
		return xstrdup(tag + 1);
	name = xasprintf("Fn::%s", tag + 1);
	t = short_tag(name, &owned);
	free(owned);
	if (t == NULL) {
		free(name);
		return NULL;
	}
	return name;
}

/* Is a one-key map {key: ...} the long form of an intrinsic? */
static int
is_fn_key(const char *key)
{
	return strcmp(key, "Ref") == 0 || strcmp(key, "Condition") == 0 ||
	    strncmp(key, "Fn::", 4) == 0;
}

/*
 * !GetAtt A.B (short) becomes Fn::GetAtt [A, B], the long form's list;
 * other intrinsics take their argument as is.
 */
static struct doc *
make_fn(const char *name, struct doc *arg, int short_form)
{
	const char	*s, *dot;
	struct doc	*seq;

	if (short_form && strcmp(name, "Fn::GetAtt") == 0 &&
	    doc_type(arg) == DOC_STR &&
	    (dot = strchr((s = doc_str_val(arg)), '.')) != NULL) {
		seq = doc_seq();
		doc_seq_add(seq, doc_strn(s, (size_t)(dot - s)));
		doc_seq_add(seq, doc_str(dot + 1));
		doc_free(arg);
		arg = seq;
	}
	return doc_fn(name, arg);
}

/* A plain scalar's value: the few typed forms, or a string. */
static struct doc *
plain_scalar(struct parser *ps, const yaml_event_t *ev)
{
	const char	*s = (const char *)ev->data.scalar.value;
	size_t		 n = ev->data.scalar.length, i;
	long long	 v = 0;

	if (n == 0 || (n == 1 && s[0] == '~') || (n == 4 &&
	    memcmp(s, "null", 4) == 0))
		return doc_null();
	if (n == 4 && memcmp(s, "true", 4) == 0)
		return doc_bool(1);
	if (n == 5 && memcmp(s, "false", 5) == 0)
		return doc_bool(0);
	i = s[0] == '-';
	if (n > i && n - i <= 18 && (s[i] != '0' || n - i == 1)) {
		for (; i < n && is_digit(s[i]); i++)
			v = v * 10 + (s[i] - '0');
		if (i == n)
			return doc_int(s[0] == '-' ? -v : v);
	}
	if (yamlio_needs_quotes_n(s, n)) {
		parse_error(ps, &ev->start_mark, "a plain scalar that YAML "
		    "readers may not take for a string; quote it");
		return NULL;
	}
	return doc_strn(s, n);
}

static struct doc	*parse_node(struct parser *, yaml_event_t *);

static struct doc *
parse_scalar(struct parser *ps, yaml_event_t *ev)
{
	const char	*tag = (const char *)ev->data.scalar.tag;
	const char	*value = (const char *)ev->data.scalar.value;
	size_t		 len = ev->data.scalar.length;
	struct doc	*d;
	char		*fn;

	if (tag == NULL && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		return plain_scalar(ps, ev);
	if (tag == NULL || strcmp(tag, "!") == 0 ||
	    strcmp(tag, YAML_STR_TAG) == 0)
		return doc_strn(value, len);
	if ((fn = fn_from_tag(tag)) == NULL) {
		parse_error(ps, &ev->start_mark, "unsupported tag");
		return NULL;
	}
	/* CloudFormation reads a tagged scalar as a string. */
	d = make_fn(fn, doc_strn(value, len), 1);
	free(fn);
	return d;
}

/* The entries of a sequence, up to its end event. */
static struct doc *
parse_seq(struct parser *ps)
{
	struct doc	*seq = doc_seq(), *item;
	yaml_event_t	 ev;

	for (;;) {
		if (next_event(ps, &ev) == -1)
			goto fail;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return seq;
		}
		item = parse_node(ps, &ev);
		yaml_event_delete(&ev);
		if (item == NULL || doc_seq_add(seq, item) == -1)
			goto fail;
	}
fail:
	doc_free(seq);
	return NULL;
}

/* A mapping key: a string, new in map, without NULs (keys are C strings). */
static struct doc *
map_key(struct parser *ps, yaml_event_t *ev, const struct doc *map)
{
	struct doc	*key = NULL;
	const char	*problem = NULL;

	if (ev->type != YAML_SCALAR_EVENT ||
	    (key = parse_node(ps, ev)) == NULL || doc_type(key) != DOC_STR)
		problem = "a mapping key must be a string";
	else if (strlen(doc_str_val(key)) != doc_str_len(key))
		problem = "a mapping key holds a NUL";
	else if (doc_map_get(map, doc_str_val(key)) != NULL)
		problem = "duplicate key";
	if (problem != NULL) {
		/* parse_node has reported its own failure */
		if (key != NULL || ev->type != YAML_SCALAR_EVENT)
			parse_error(ps, &ev->start_mark, problem);
		doc_free(key);
		return NULL;
	}
	return key;
}

static struct doc *
parse_map(struct parser *ps)
{
	struct doc	*map = doc_map(), *key, *val;
	yaml_event_t	 ev;

	for (;;) {
		if (next_event(ps, &ev) == -1)
			goto fail;
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			return map;
		}
		key = map_key(ps, &ev, map);
		yaml_event_delete(&ev);
		if (key == NULL)
			goto fail;
		if (next_event(ps, &ev) == -1) {
			doc_free(key);
			goto fail;
		}
		val = parse_node(ps, &ev);
		yaml_event_delete(&ev);
		if (val == NULL || doc_map_set(map, doc_str_val(key), val) == -1) {
			doc_free(key);
			goto fail;
		}
		doc_free(key);
	}
fail:
	doc_free(map);
	return NULL;
}

/* The node that starts with ev (which the caller deletes). */
static struct doc *
parse_node(struct parser *ps, yaml_event_t *ev)
{
	struct doc	*d = NULL;
	const char	*tag = NULL, *key;
	const yaml_char_t *anchor = NULL;
	char		*fn = NULL;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		tag = (const char *)ev->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		tag = (const char *)ev->data.mapping_start.tag;
		break;
	case YAML_ALIAS_EVENT:
		parse_error(ps, &ev->start_mark, "aliases are not supported");
		return NULL;
	default:
		parse_error(ps, &ev->start_mark, "unexpected YAML event");
		return NULL;
	}
	if (anchor != NULL) {
		parse_error(ps, &ev->start_mark, "anchors are not supported");
		return NULL;
	}
	if (ev->type == YAML_SCALAR_EVENT)
		return parse_scalar(ps, ev);
	if (tag != NULL && strcmp(tag, "!") != 0 &&
	    (fn = fn_from_tag(tag)) == NULL) {
		parse_error(ps, &ev->start_mark, "unsupported tag");
		return NULL;
	}
	if (++ps->depth > YAML_MAX_DEPTH) {
		parse_error(ps, &ev->start_mark, "nested too deep");
		goto out;
	}
	d = ev->type == YAML_SEQUENCE_START_EVENT ? parse_seq(ps) :
	    parse_map(ps);
	ps->depth--;
	if (d == NULL)
		goto out;
	if (fn != NULL) {
		d = make_fn(fn, d, 1);
	} else if (doc_type(d) == DOC_MAP && doc_len(d) == 1 &&
	    is_fn_key(key = doc_map_key_at(d, 0))) {
		/* The long form of an intrinsic. */
		struct doc	*arg = doc_copy(doc_map_val_at(d, 0));
		char		*name = xstrdup(key);

		doc_free(d);
		d = make_fn(name, arg, 0);
		free(name);
	}
out:
	free(fn);
	return d;
}

struct doc *
yamlio_parse(const char *text, size_t len, const char *what)
{
	struct parser	 ps;
	struct doc	*d = NULL;
	yaml_event_t	 ev;
	int		 have_ev = 0;

	memset(&ps, 0, sizeof(ps));
	ps.what = what;
	if (!yaml_parser_initialize(&ps.p)) {
		log_error("%s: cannot initialise the YAML parser", what);
		return NULL;
	}
	yaml_parser_set_input_string(&ps.p, (const unsigned char *)text, len);
	/* stream start, document start */
	if (next_event(&ps, &ev) == -1)
		goto out;
	yaml_event_delete(&ev);
	if (next_event(&ps, &ev) == -1)
		goto out;
	if (ev.type != YAML_DOCUMENT_START_EVENT) {
		parse_error(&ps, &ev.start_mark, "no YAML document");
		yaml_event_delete(&ev);
		goto out;
	}
	yaml_event_delete(&ev);
	if (next_event(&ps, &ev) == -1)
		goto out;
	d = parse_node(&ps, &ev);
	yaml_event_delete(&ev);
	if (d == NULL)
		goto out;
	/* document end, then the stream must end: one document only */
	if (next_event(&ps, &ev) == -1)
		goto fail;
	yaml_event_delete(&ev);
	if (next_event(&ps, &ev) == -1)
		goto fail;
	have_ev = 1;
	if (ev.type != YAML_STREAM_END_EVENT) {
		parse_error(&ps, &ev.start_mark, "more than one YAML document");
		goto fail;
	}
	goto out;
fail:
	doc_free(d);
	d = NULL;
out:
	if (have_ev)
		yaml_event_delete(&ev);
	yaml_parser_delete(&ps.p);
	return d;
}
