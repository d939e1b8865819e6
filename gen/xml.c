/*
 * A strict, bounded XML reader (see xml.h). One pass, no recursion: an
 * explicit stack of open elements, a flat array of elements linked to
 * their parents and children.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"
#include "xml.h"

#define XML_MAX_DEPTH		64
#define XML_MAX_ELEMENTS	10000

struct elem {
	char		*name;		/* qualified, as written */
	struct buf	 text;
	int		 parent;	/* -1 for the root */
	int		 first_child;
	int		 last_child;
	int		 next;		/* next sibling */
};

struct xml {
	struct elem	*e;
	int		 n;
};

struct parser {
	const char	*start;
	const char	*p;
	const char	*end;
	const char	*why;
	struct xml	*x;
};

static int
fail(struct parser *ps, const char *why)
{
	ps->why = why;
	return -1;
}

static int
at(const struct parser *ps, const char *s)
{
	size_t	n = strlen(s);

	return (size_t)(ps->end - ps->p) >= n && memcmp(ps->p, s, n) == 0;
}

static int
space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
skip_space(struct parser *ps)
{
	while (ps->p < ps->end && space((unsigned char)*ps->p))
		ps->p++;
}

static int
name_start(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
	    c == ':' || c >= 0x80;
}

static int
name_char(unsigned char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* A name at p; its length, 0 if there is none. */
static size_t
name_len(const struct parser *ps)
{
	const char	*q = ps->p;

	if (q >= ps->end || !name_start((unsigned char)*q))
		return 0;
	while (q < ps->end && name_char((unsigned char)*q))
		q++;
	return (size_t)(q - ps->p);
}

/* Skips to just past the terminator; -1 if it never comes. */
static int
skip_past(struct parser *ps, const char *term, const char *why)
{
	size_t	n = strlen(term);

	for (; (size_t)(ps->end - ps->p) >= n; ps->p++)
		if (memcmp(ps->p, term, n) == 0) {
			ps->p += n;
			return 0;
		}
	return fail(ps, why);
}

/* Comments, processing instructions and blanks, outside the root. */
static int
misc(struct parser *ps)
{
	for (;;) {
		skip_space(ps);
		if (at(ps, "<!--")) {
			if (skip_past(ps, "-->", "unterminated comment") == -1)
				return -1;
		} else if (at(ps, "<?")) {
			if (skip_past(ps, "?>", "unterminated processing "
			    "instruction") == -1)
				return -1;
		} else if (at(ps, "<!"))
			return fail(ps, "DOCTYPE and declarations are not "
			    "accepted");
		else
			return 0;
	}
}

static int
put_utf8(struct buf *b, unsigned long c)
{
	unsigned char	u[4];
	size_t		n;

	if (c < 0x80) {
		u[0] = (unsigned char)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (unsigned char)(0xc0 | c >> 6);
		u[1] = (unsigned char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (unsigned char)(0xe0 | c >> 12);
		u[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (unsigned char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | c >> 18);
		u[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (unsigned char)(0x80 | (c & 0x3f));
		n = 4;
	}
	return buf_add(b, u, n);
}

/* "&...;" at p, decoded into b (NULL: only checked). */
static int
entity(struct parser *ps, struct buf *b)
{
	static const struct {
		const char	*name;
		char		 c;
	} named[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' },
		{ "&quot;", '"' }, { "&apos;", '\'' },
	};
	unsigned long	c = 0;
	size_t		i;
	int		hex, digits = 0;

	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (at(ps, named[i].name)) {
			if (b != NULL && buf_addc(b, named[i].c) == -1)
				return fail(ps, "text too long");
			ps->p += strlen(named[i].name);
			return 0;
		}
	if (!at(ps, "&#"))
		return fail(ps, "unknown entity");
	ps->p += 2;
	hex = ps->p < ps->end && *ps->p == 'x';
	if (hex)
		ps->p++;
	for (; ps->p < ps->end && *ps->p != ';'; ps->p++, digits++) {
		int	d = *ps->p;

		if (d >= '0' && d <= '9')
			d -= '0';
		else if (hex && d >= 'a' && d <= 'f')
			d -= 'a' - 10;
		else if (hex && d >= 'A' && d <= 'F')
			d -= 'A' - 10;
		else
			return fail(ps, "bad character reference");
		c = c * (hex ? 16 : 10) + (unsigned long)d;
		if (c > 0x10ffff)
			return fail(ps, "character reference out of range");
	}
	if (ps->p >= ps->end || digits == 0 || c == 0 ||
	    (c >= 0xd800 && c <= 0xdfff))
		return fail(ps, "bad character reference");
	ps->p++;
	if (b != NULL && put_utf8(b, c) == -1)
		return fail(ps, "text too long");
	return 0;
}

static int
new_elem(struct parser *ps, const char *name, size_t n, int parent)
{
	struct xml	*x = ps->x;
	struct elem	*e;

	if (x->n >= XML_MAX_ELEMENTS)
		return fail(ps, "too many elements");
	x->e = xreallocarray(x->e, (size_t)x->n + 1, sizeof(*x->e));
	e = &x->e[x->n];
	e->name = xstrndup(name, n);
	buf_init(&e->text, 0);
	e->parent = parent;
	e->first_child = e->last_child = e->next = -1;
	if (parent >= 0) {
		if (x->e[parent].last_child >= 0)
			x->e[x->e[parent].last_child].next = x->n;
		else
			x->e[parent].first_child = x->n;
		x->e[parent].last_child = x->n;
	}
	return x->n++;
}

/*
 * A start tag at p ("<" already seen to be one): creates the element.
 * *empty says "<a/>". Returns the element, -1 on error.
 */
static int
start_tag(struct parser *ps, int parent, int *empty)
{
	const char	*name;
	size_t		 n;
	int		 el;
	char		 q;

	ps->p++;
	name = ps->p;
	if ((n = name_len(ps)) == 0)
		return fail(ps, "expected an element name after <");
	ps->p += n;
	if ((el = new_elem(ps, name, n, parent)) == -1)
		return -1;
	for (;;) {
		const char	*before = ps->p;

		skip_space(ps);
		if (at(ps, "/>")) {
			ps->p += 2;
			*empty = 1;
			return el;
		}
		if (at(ps, ">")) {
			ps->p++;
			*empty = 0;
			return el;
		}
		if (ps->p == before)
			return fail(ps, "expected a blank, > or /> in a tag");
		if ((n = name_len(ps)) == 0)
			return fail(ps, "expected an attribute name");
		ps->p += n;
		skip_space(ps);
		if (!at(ps, "="))
			return fail(ps, "expected = after an attribute name");
		ps->p++;
		skip_space(ps);
		if (ps->p >= ps->end || (*ps->p != '"' && *ps->p != '\''))
			return fail(ps, "expected a quoted attribute value");
		q = *ps->p++;
		while (ps->p < ps->end && *ps->p != q) {
			if (*ps->p == '<')
				return fail(ps, "< in an attribute value");
			if (*ps->p == '&') {
				if (entity(ps, NULL) == -1)
					return -1;
			} else
				ps->p++;
		}
		if (ps->p >= ps->end)
			return fail(ps, "unterminated attribute value");
		ps->p++;
	}
}

static int
end_tag(struct parser *ps, int el)
{
	const char	*name = ps->x->e[el].name;
	size_t		 n;

	ps->p += 2;
	n = name_len(ps);
	if (n != strlen(name) || memcmp(ps->p, name, n) != 0)
		return fail(ps, "end tag does not match the start tag");
	ps->p += n;
	skip_space(ps);
	if (!at(ps, ">"))
		return fail(ps, "expected > after the end tag's name");
	ps->p++;
	return 0;
}

/* The content of the open elements, until the root closes. */
static int
content(struct parser *ps, int root)
{
	int	stack[XML_MAX_DEPTH], depth = 0, el, empty;

	stack[depth++] = root;
	while (depth > 0) {
		struct buf	*text = &ps->x->e[stack[depth - 1]].text;

		if (ps->p >= ps->end)
			return fail(ps, "unexpected end: an element is not "
			    "closed");
		if (at(ps, "</")) {
			if (end_tag(ps, stack[depth - 1]) == -1)
				return -1;
			depth--;
		} else if (at(ps, "<!--")) {
			if (skip_past(ps, "-->", "unterminated comment") == -1)
				return -1;
		} else if (at(ps, "<![CDATA[")) {
			const char	*s = ps->p += 9;

			if (skip_past(ps, "]]>", "unterminated CDATA") == -1)
				return -1;
			if (buf_add(text, s, (size_t)(ps->p - 3 - s)) == -1)
				return fail(ps, "text too long");
		} else if (at(ps, "<?")) {
			if (skip_past(ps, "?>", "unterminated processing "
			    "instruction") == -1)
				return -1;
		} else if (at(ps, "<!")) {
			return fail(ps, "declaration inside an element");
		} else if (at(ps, "<")) {
			if (depth == XML_MAX_DEPTH)
				return fail(ps, "elements nested too deeply");
			if ((el = start_tag(ps, stack[depth - 1], &empty)) == -1)
				return -1;
			if (!empty)
				stack[depth++] = el;
		} else if (at(ps, "&")) {
			if (entity(ps, text) == -1)
				return -1;
		} else {
			const char	*s = ps->p;

			while (ps->p < ps->end && *ps->p != '<' && *ps->p != '&')
				ps->p++;
			if (buf_add(text, s, (size_t)(ps->p - s)) == -1)
				return fail(ps, "text too long");
		}
	}
	return 0;
}

void
xml_free(struct xml *x)
{
	int	i;

	if (x == NULL)
		return;
	for (i = 0; i < x->n; i++) {
		free(x->e[i].name);
		buf_free(&x->e[i].text);
	}
	free(x->e);
	free(x);
}

struct xml *
xml_parse(const char *text, size_t len, const char **why, int *line)
{
	struct parser	 ps;
	const char	*q;
	int		 root, empty, n = 1;

	memset(&ps, 0, sizeof(ps));
	ps.start = ps.p = text;
	ps.end = text + len;
	ps.x = xcalloc(1, sizeof(*ps.x));
	if (memchr(text, '\0', len) != NULL) {
		ps.p = memchr(text, '\0', len);
		fail(&ps, "NUL byte");
		goto bad;
	}
	if (at(&ps, "\xef\xbb\xbf"))
		ps.p += 3;
	if (misc(&ps) == -1)
		goto bad;
	if (!at(&ps, "<")) {
		fail(&ps, ps.p == ps.end ? "no root element" :
		    "text before the root element");
		goto bad;
	}
	if ((root = start_tag(&ps, -1, &empty)) == -1 ||
	    (!empty && content(&ps, root) == -1) || misc(&ps) == -1)
		goto bad;
	if (ps.p != ps.end) {
		fail(&ps, "text after the root element");
		goto bad;
	}
	return ps.x;
bad:
	for (q = text; q < ps.p && q < ps.end; q++)
		if (*q == '\n')
			n++;
	if (why != NULL)
		*why = ps.why;
	if (line != NULL)
		*line = n;
	xml_free(ps.x);
	return NULL;
}

/* Does the element's local name (after any prefix) equal s[0..n)? */
static int
named(const struct elem *e, const char *s, size_t n)
{
	const char	*local = strrchr(e->name, ':');

	local = local != NULL ? local + 1 : e->name;
	return strlen(local) == n && memcmp(local, s, n) == 0;
}

int
xml_find(const struct xml *x, int el, const char *path)
{
	const char	*seg = path, *slash;
	size_t		 n;
	int		 c;

	if (x == NULL || x->n == 0 || el >= x->n)
		return -1;
	for (;;) {
		slash = strchr(seg, '/');
		n = slash != NULL ? (size_t)(slash - seg) : strlen(seg);
		if (el < 0)
			c = named(&x->e[0], seg, n) ? 0 : -1;
		else
			for (c = x->e[el].first_child; c >= 0; c = x->e[c].next)
				if (named(&x->e[c], seg, n))
					break;
		if (c < 0)
			return -1;
		el = c;
		if (slash == NULL)
			return el;
		seg = slash + 1;
	}
}

int
xml_next(const struct xml *x, int el)
{
	const char	*name, *local;
	int		 c;

	if (x == NULL || el < 0 || el >= x->n)
		return -1;
	name = x->e[el].name;
	local = strrchr(name, ':');
	local = local != NULL ? local + 1 : name;
	for (c = x->e[el].next; c >= 0; c = x->e[c].next)
		if (named(&x->e[c], local, strlen(local)))
			return c;
	return -1;
}

const char *
xml_text(const struct xml *x, int el)
{
	if (x == NULL || el < 0 || el >= x->n)
		return NULL;
	return x->e[el].text.data;
}

const char *
xml_find_text(const struct xml *x, int el, const char *path)
{
	return xml_text(x, xml_find(x, el, path));
}

const char *
xml_get(const struct xml *x, const char *path)
{
	return xml_find_text(x, -1, path);
}
