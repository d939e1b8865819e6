/*
 * The document model (doc.h). Maps keep insertion order in two parallel
 * arrays and are searched linearly: templates have maps of a handful of
 * keys, and order is what the output must preserve.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "xalloc.h"

struct doc {
	enum doc_type	 type;
	union {
		int		 b;
		long long	 i;
		struct {
			char	*s;	/* NUL-terminated copy */
			size_t	 len;
		} str;
		struct {
			char		**keys;	/* NULL for a sequence */
			struct doc	**vals;
			size_t		  len;
			size_t		  cap;
		} coll;
		struct {
			char		*name;
			struct doc	*arg;
		} fn;
	} u;
};

static struct doc *
doc_new(enum doc_type type)
{
	struct doc	*d = xcalloc(1, sizeof(*d));

	d->type = type;
	return d;
}

struct doc *
doc_null(void)
{
	return doc_new(DOC_NULL);
}

struct doc *
doc_bool(int b)
{
	struct doc	*d = doc_new(DOC_BOOL);

	d->u.b = b != 0;
	return d;
}

struct doc *
doc_int(long long i)
{
	struct doc	*d = doc_new(DOC_INT);

	d->u.i = i;
	return d;
}

struct doc *
doc_strn(const char *s, size_t n)
{
	struct doc	*d = doc_new(DOC_STR);

	d->u.str.s = xmalloc(n + 1);
	if (n > 0)
		memcpy(d->u.str.s, s, n);
	d->u.str.s[n] = '\0';
	d->u.str.len = n;
	return d;
}

struct doc *
doc_str(const char *s)
{
	return doc_strn(s, strlen(s));
}

struct doc *
doc_map(void)
{
	return doc_new(DOC_MAP);
}

struct doc *
doc_seq(void)
{
	return doc_new(DOC_SEQ);
}

struct doc *
doc_fn(const char *name, struct doc *arg)
{
	struct doc	*d;

	if (name == NULL || arg == NULL) {
		doc_free(arg);
		return NULL;
	}
	d = doc_new(DOC_FN);
	d->u.fn.name = xstrdup(name);
	d->u.fn.arg = arg;
	return d;
}

/* Room for one more entry in a map or sequence. */
static void
coll_grow(struct doc *d)
{
	size_t	cap;

	if (d->u.coll.len < d->u.coll.cap)
		return;
	cap = d->u.coll.cap ? d->u.coll.cap * 2 : 4;
	d->u.coll.vals = xreallocarray(d->u.coll.vals, cap,
	    sizeof(*d->u.coll.vals));
	if (d->type == DOC_MAP)
		d->u.coll.keys = xreallocarray(d->u.coll.keys, cap,
		    sizeof(*d->u.coll.keys));
	d->u.coll.cap = cap;
}

static long
map_find(const struct doc *map, const char *key)
{
	size_t	i;

	for (i = 0; i < map->u.coll.len; i++)
		if (strcmp(map->u.coll.keys[i], key) == 0)
			return (long)i;
	return -1;
}

int
doc_map_set(struct doc *map, const char *key, struct doc *val)
{
	long	i;

	if (map == NULL || map->type != DOC_MAP || key == NULL ||
	    val == NULL) {
		doc_free(val);
		return -1;
	}
	if ((i = map_find(map, key)) >= 0) {
		doc_free(map->u.coll.vals[i]);
		map->u.coll.vals[i] = val;
		return 0;
	}
	coll_grow(map);
	map->u.coll.keys[map->u.coll.len] = xstrdup(key);
	map->u.coll.vals[map->u.coll.len++] = val;
	return 0;
}

int
doc_seq_add(struct doc *seq, struct doc *val)
{
	if (seq == NULL || seq->type != DOC_SEQ || val == NULL) {
		doc_free(val);
		return -1;
	}
	coll_grow(seq);
	seq->u.coll.vals[seq->u.coll.len++] = val;
	return 0;
}

int
doc_map_del(struct doc *map, const char *key)
{
	long	i;
	size_t	rest;

	if (map == NULL || map->type != DOC_MAP || key == NULL ||
	    (i = map_find(map, key)) < 0)
		return -1;
	free(map->u.coll.keys[i]);
	doc_free(map->u.coll.vals[i]);
	rest = map->u.coll.len - (size_t)i - 1;
	memmove(&map->u.coll.keys[i], &map->u.coll.keys[i + 1],
	    rest * sizeof(*map->u.coll.keys));
	memmove(&map->u.coll.vals[i], &map->u.coll.vals[i + 1],
	    rest * sizeof(*map->u.coll.vals));
	map->u.coll.len--;
	return 0;
}

int
doc_map_insert_at(struct doc *map, size_t pos, const char *key,
    struct doc *val)
{
	size_t	n;

	if (map == NULL || map->type != DOC_MAP || key == NULL ||
	    val == NULL || map_find(map, key) >= 0 || pos > map->u.coll.len) {
		doc_free(val);
		return -1;
	}
	coll_grow(map);
	n = map->u.coll.len - pos;
	memmove(&map->u.coll.keys[pos + 1], &map->u.coll.keys[pos],
	    n * sizeof(*map->u.coll.keys));
	memmove(&map->u.coll.vals[pos + 1], &map->u.coll.vals[pos],
	    n * sizeof(*map->u.coll.vals));
	map->u.coll.keys[pos] = xstrdup(key);
	map->u.coll.vals[pos] = val;
	map->u.coll.len++;
	return 0;
}

int
doc_map_rename(struct doc *map, const char *from, const char *to)
{
	long	i;

	if (map == NULL || map->type != DOC_MAP || from == NULL ||
	    to == NULL || (i = map_find(map, from)) < 0)
		return -1;
	if (strcmp(from, to) == 0)
		return 0;
	if (map_find(map, to) >= 0)
		return -1;
	free(map->u.coll.keys[i]);
	map->u.coll.keys[i] = xstrdup(to);
	return 0;
}

enum doc_type
doc_type(const struct doc *d)
{
	return d == NULL ? DOC_NULL : d->type;
}

size_t
doc_len(const struct doc *d)
{
	if (d == NULL || (d->type != DOC_MAP && d->type != DOC_SEQ))
		return 0;
	return d->u.coll.len;
}

const char *
doc_map_key_at(const struct doc *d, size_t i)
{
	if (d == NULL || d->type != DOC_MAP || i >= d->u.coll.len)
		return NULL;
	return d->u.coll.keys[i];
}

struct doc *
doc_map_val_at(const struct doc *d, size_t i)
{
	if (d == NULL || d->type != DOC_MAP || i >= d->u.coll.len)
		return NULL;
	return d->u.coll.vals[i];
}

struct doc *
doc_map_get(const struct doc *d, const char *key)
{
	long	i;

	if (d == NULL || d->type != DOC_MAP || key == NULL ||
	    (i = map_find(d, key)) < 0)
		return NULL;
	return d->u.coll.vals[i];
}

struct doc *
doc_seq_at(const struct doc *d, size_t i)
{
	if (d == NULL || d->type != DOC_SEQ || i >= d->u.coll.len)
		return NULL;
	return d->u.coll.vals[i];
}

const char *
doc_str_val(const struct doc *d)
{
	return d != NULL && d->type == DOC_STR ? d->u.str.s : NULL;
}

size_t
doc_str_len(const struct doc *d)
{
	return d != NULL && d->type == DOC_STR ? d->u.str.len : 0;
}

long long
doc_int_val(const struct doc *d)
{
	return d != NULL && d->type == DOC_INT ? d->u.i : 0;
}

int
doc_bool_val(const struct doc *d)
{
	return d != NULL && d->type == DOC_BOOL ? d->u.b : 0;
}

const char *
doc_fn_name(const struct doc *d)
{
	return d != NULL && d->type == DOC_FN ? d->u.fn.name : NULL;
}

struct doc *
doc_fn_arg(const struct doc *d)
{
	return d != NULL && d->type == DOC_FN ? d->u.fn.arg : NULL;
}

int
doc_utf8_valid(const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i = 0, n, k;
	unsigned long		 cp, min;

	while (i < len) {
		if (s[i] == 0)
			return 0;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			n = 1;
			cp = s[i] & 0x1f;
			min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			n = 2;
			cp = s[i] & 0x0f;
			min = 0x800;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			n = 3;
			cp = s[i] & 0x07;
			min = 0x10000;
		} else
			return 0;
		if (len - i - 1 < n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

struct doc *
doc_copy(const struct doc *d)
{
	struct doc	*c;
	size_t		 i;

	if (d == NULL)
		return NULL;
	switch (d->type) {
	case DOC_NULL:
		return doc_null();
	case DOC_BOOL:
		return doc_bool(d->u.b);
	case DOC_INT:
		return doc_int(d->u.i);
	case DOC_STR:
		return doc_strn(d->u.str.s, d->u.str.len);
	case DOC_FN:
		return doc_fn(d->u.fn.name, doc_copy(d->u.fn.arg));
	case DOC_MAP:
	case DOC_SEQ:
		c = doc_new(d->type);
		for (i = 0; i < d->u.coll.len; i++) {
			coll_grow(c);
			if (d->type == DOC_MAP)
				c->u.coll.keys[i] = xstrdup(d->u.coll.keys[i]);
			c->u.coll.vals[i] = doc_copy(d->u.coll.vals[i]);
			c->u.coll.len++;
		}
		return c;
	}
	return NULL;
}

int
doc_equal(const struct doc *a, const struct doc *b)
{
	size_t	i;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case DOC_NULL:
		return 1;
	case DOC_BOOL:
		return a->u.b == b->u.b;
	case DOC_INT:
		return a->u.i == b->u.i;
	case DOC_STR:
		return a->u.str.len == b->u.str.len &&
		    memcmp(a->u.str.s, b->u.str.s, a->u.str.len) == 0;
	case DOC_FN:
		return strcmp(a->u.fn.name, b->u.fn.name) == 0 &&
		    doc_equal(a->u.fn.arg, b->u.fn.arg);
	case DOC_MAP:
	case DOC_SEQ:
		if (a->u.coll.len != b->u.coll.len)
			return 0;
		for (i = 0; i < a->u.coll.len; i++) {
			if (a->type == DOC_MAP && strcmp(a->u.coll.keys[i],
			    b->u.coll.keys[i]) != 0)
				return 0;
			if (!doc_equal(a->u.coll.vals[i], b->u.coll.vals[i]))
				return 0;
		}
		return 1;
	}
	return 0;
}

void
doc_free(struct doc *d)
{
	size_t	i;

	if (d == NULL)
		return;
	switch (d->type) {
	case DOC_STR:
		free(d->u.str.s);
		break;
	case DOC_FN:
		free(d->u.fn.name);
		doc_free(d->u.fn.arg);
		break;
	case DOC_MAP:
	case DOC_SEQ:
		for (i = 0; i < d->u.coll.len; i++) {
			if (d->u.coll.keys != NULL)
				free(d->u.coll.keys[i]);
			doc_free(d->u.coll.vals[i]);
		}
		free(d->u.coll.keys);
		free(d->u.coll.vals);
		break;
	default:
		break;
	}
	free(d);
}
