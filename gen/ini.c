/*
 * A strict reader for the AWS config and credentials files (see ini.h).
 * The rules follow Python's configparser as the AWS CLI configures it
 * (botocore.configloader): full-line comments, '=' or ':' between key and
 * value, lowercased keys, indented blocks under an empty value parsed as
 * sub-settings, and duplicates refused.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "ini.h"
#include "log.h"
#include "xalloc.h"

/* Config files are a few kB; this only stops /dev/zero and the like. */
#define INI_MAX		(4 * 1024 * 1024)

struct ini_entry {
	char		*key;
	char		*value;
	int		 line;
	int		 indent;	/* of the key line */
	struct ini_entry *subs;		/* the sub-section under an empty value */
	size_t		 nsubs;
};

struct ini_section {
	char		*name;
	int		 line;
	struct ini_entry *entries;
	size_t		 nentries;
};

struct ini {
	char		*name;
	struct ini_section *sections;
	size_t		 nsections;
};

static int
blank(int c)
{
	return c == ' ' || c == '\t';
}

/* Trims blanks at both ends of p[0..*n); returns the new start. */
static const char *
trim(const char *p, size_t *n)
{
	while (*n > 0 && blank((unsigned char)p[0])) {
		p++;
		(*n)--;
	}
	while (*n > 0 && (blank((unsigned char)p[*n - 1]) || p[*n - 1] == '\r'))
		(*n)--;
	return p;
}

static void
entry_free(struct ini_entry *e)
{
	size_t	i;

	for (i = 0; i < e->nsubs; i++)
		entry_free(&e->subs[i]);
	free(e->subs);
	free(e->key);
	free(e->value);
}

void
ini_free(struct ini *ini)
{
	size_t	i, j;

	if (ini == NULL)
		return;
	for (i = 0; i < ini->nsections; i++) {
		for (j = 0; j < ini->sections[i].nentries; j++)
			entry_free(&ini->sections[i].entries[j]);
		free(ini->sections[i].entries);
		free(ini->sections[i].name);
	}
	free(ini->sections);
	free(ini->name);
	free(ini);
}

static struct ini_entry *
find_entry(struct ini_entry *e, size_t n, const char *key)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(e[i].key, key) == 0)
			return &e[i];
	return NULL;
}

/* "[name]" with an optional comment after it. */
static int
parse_section(struct ini *ini, const char *p, size_t n, int line)
{
	const char	*close, *name, *rest;
	size_t		 nn, nrest, i;
	char		*s;

	/* The last ']' closes, as in configparser: "[a]b]" names "a]b". */
	for (close = NULL, i = n; i > 1; i--)
		if (p[i - 1] == ']') {
			close = p + i - 1;
			break;
		}
	if (close == NULL) {
		log_error("%s:%d: section header without a closing ]",
		    ini->name, line);
		return -1;
	}
	rest = close + 1;
	nrest = n - (size_t)(rest - p);
	rest = trim(rest, &nrest);
	if (nrest > 0 && rest[0] != '#' && rest[0] != ';') {
		log_error("%s:%d: text after the section header's ]",
		    ini->name, line);
		return -1;
	}
	nn = (size_t)(close - p - 1);
	name = trim(p + 1, &nn);
	if (nn == 0) {
		log_error("%s:%d: empty section name", ini->name, line);
		return -1;
	}
	s = xstrndup(name, nn);
	for (i = 0; i < ini->nsections; i++)
		if (strcmp(ini->sections[i].name, s) == 0) {
			log_error("%s:%d: section [%s] again (first at line %d)",
			    ini->name, line, s, ini->sections[i].line);
			free(s);
			return -1;
		}
	ini->sections = xreallocarray(ini->sections, ini->nsections + 1,
	    sizeof(*ini->sections));
	memset(&ini->sections[ini->nsections], 0, sizeof(*ini->sections));
	ini->sections[ini->nsections].name = s;
	ini->sections[ini->nsections].line = line;
	ini->nsections++;
	return 0;
}

/*
 * "key = value" into the list; delims says which separators count (the
 * CLI splits settings on '=' or ':', sub-settings on '=' only).
 */
static int
parse_setting(struct ini *ini, struct ini_entry **list, size_t *n,
    const char *p, size_t len, int line, int indent, const char *delims)
{
	const char	*sep = NULL, *k, *v;
	size_t		 kn, vn, i;
	struct ini_entry *e, *dup;
	char		*key;

	for (i = 0; i < len && sep == NULL; i++)
		if (strchr(delims, p[i]) != NULL)
			sep = p + i;
	if (sep == NULL) {
		log_error("%s:%d: expected \"key = value\"", ini->name, line);
		return -1;
	}
	kn = (size_t)(sep - p);
	k = trim(p, &kn);
	vn = len - (size_t)(sep + 1 - p);
	v = trim(sep + 1, &vn);
	if (kn == 0) {
		log_error("%s:%d: a setting without a name", ini->name, line);
		return -1;
	}
	key = xstrndup(k, kn);
	for (i = 0; i < kn; i++)
		if (key[i] >= 'A' && key[i] <= 'Z')
			key[i] += 'a' - 'A';
	if ((dup = find_entry(*list, *n, key)) != NULL) {
		log_error("%s:%d: %s set again (first at line %d)", ini->name,
		    line, key, dup->line);
		free(key);
		return -1;
	}
	*list = xreallocarray(*list, *n + 1, sizeof(**list));
	e = &(*list)[(*n)++];
	memset(e, 0, sizeof(*e));
	e->key = key;
	e->value = xstrndup(v, vn);
	e->line = line;
	e->indent = indent;
	return 0;
}

struct ini *
ini_parse(const char *text, size_t len, const char *name)
{
	struct ini		*ini;
	struct ini_section	*sec;
	struct ini_entry	*last = NULL;	/* the last key of the section */
	const char		*p = text, *end = text + len, *eol, *s;
	size_t			 n, sn;
	int			 line = 0, indent;

	ini = xcalloc(1, sizeof(*ini));
	ini->name = xstrdup(name);
	if (memchr(text, '\0', len) != NULL) {
		log_error("%s: not a text file (holds NUL bytes)", name);
		goto fail;
	}
	/* A byte order mark, as some editors write. */
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	for (; p < end; p = eol != NULL ? eol + 1 : end) {
		line++;
		eol = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((eol ? eol : end) - p);
		for (indent = 0; (size_t)indent < n && blank((unsigned char)p[indent]);
		    indent++)
			;
		sn = n;
		s = trim(p, &sn);
		if (sn == 0 || s[0] == '#' || s[0] == ';')
			continue;
		sec = ini->nsections > 0 ? &ini->sections[ini->nsections - 1] :
		    NULL;
		if (last != NULL && indent > last->indent) {
			/* Part of the last key: a sub-setting, or refused. */
			if (last->value[0] != '\0' && last->nsubs == 0) {
				log_error("%s:%d: indented line continues the "
				    "value of %s (line %d); a value must be on "
				    "one line", name, line, last->key,
				    last->line);
				goto fail;
			}
			if (parse_setting(ini, &last->subs, &last->nsubs, s, sn,
			    line, indent, "=") == -1)
				goto fail;
			continue;
		}
		if (s[0] == '[') {
			if (parse_section(ini, s, sn, line) == -1)
				goto fail;
			last = NULL;
			continue;
		}
		if (sec == NULL) {
			log_error("%s:%d: a setting before the first [section]",
			    name, line);
			goto fail;
		}
		if (parse_setting(ini, &sec->entries, &sec->nentries, s, sn,
		    line, indent, "=:") == -1)
			goto fail;
		last = &sec->entries[sec->nentries - 1];
	}
	return ini;
fail:
	ini_free(ini);
	return NULL;
}

struct ini *
ini_load(const char *path)
{
	struct ini	*ini = NULL;
	struct buf	 b;
	int		 fd;

	buf_init(&b, INI_MAX);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT) {
			ini = ini_parse("", 0, path);
			goto out;
		}
		log_error("%s: %s", path, strerror(errno));
		goto out;
	}
	if (buf_read_fd(&b, fd) == -1) {
		if (errno == EOVERFLOW)
			log_error("%s: larger than %d bytes; not a config file",
			    path, INI_MAX);
		else
			log_error("%s: %s", path, strerror(errno));
		goto out;
	}
	ini = ini_parse(b.data, b.len, path);
out:
	if (fd != -1)
		close(fd);
	buf_free(&b);
	return ini;
}

const char *
ini_name(const struct ini *ini)
{
	return ini->name;
}

size_t
ini_nsections(const struct ini *ini)
{
	return ini->nsections;
}

const char *
ini_section_name(const struct ini *ini, size_t i)
{
	return i < ini->nsections ? ini->sections[i].name : NULL;
}

static struct ini_entry *
entry(const struct ini *ini, size_t i, const char *key)
{
	if (i >= ini->nsections)
		return NULL;
	return find_entry(ini->sections[i].entries, ini->sections[i].nentries,
	    key);
}

const char *
ini_value(const struct ini *ini, size_t i, const char *key)
{
	struct ini_entry	*e = entry(ini, i, key);

	return e != NULL ? e->value : NULL;
}

const char *
ini_subvalue(const struct ini *ini, size_t i, const char *key,
    const char *sub)
{
	struct ini_entry	*e = entry(ini, i, key), *s;

	if (e == NULL || (s = find_entry(e->subs, e->nsubs, sub)) == NULL)
		return NULL;
	return s->value;
}

int
ini_line(const struct ini *ini, size_t i, const char *key)
{
	struct ini_entry	*e = entry(ini, i, key);

	return e != NULL ? e->line : 0;
}
