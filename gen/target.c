/* What a run makes (target.h): names, and the Deno version's syntax. */
#include "config.h"

#include <string.h>

#include "target.h"
#include "xalloc.h"

const char *
arch_lambda_name(enum arch a)
{
	return a == ARCH_X86_64 ? "x86_64" : "arm64";
}

const char *
arch_deno_name(enum arch a)
{
	return a == ARCH_X86_64 ? "x86_64" : "aarch64";
}

const char *
runtime_name(enum lambda_runtime r)
{
	return r == RUNTIME_AL2 ? "provided.al2" : "provided.al2023";
}

/* One numeric version component: digits, no leading zero, at most 6. */
static const char *
version_number(const char *s)
{
	size_t	n = strspn(s, "0123456789");

	if (n == 0 || n > 6 || (n > 1 && s[0] == '0'))
		return NULL;
	return s + n;
}

int
valid_deno_version(const char *v, char **normalised)
{
	const char	*p = v;
	int		 i;

	if (normalised != NULL)
		*normalised = NULL;
	if (strcmp(v, "latest") == 0) {
		if (normalised != NULL)
			*normalised = xstrdup(v);
		return 0;
	}
	if (*p == 'v')
		p++;
	for (i = 0; i < 3; i++) {
		if ((p = version_number(p)) == NULL)
			return -1;
		if (i < 2 && *p++ != '.')
			return -1;
	}
	/* A pre-release suffix as Deno names them: -rc.1, -alpha.2 */
	if (*p == '-') {
		p++;
		if (*p == '\0' || strspn(p, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.") != strlen(p) ||
		    strlen(p) > 32)
			return -1;
		p += strlen(p);
	}
	if (*p != '\0')
		return -1;
	if (normalised != NULL)
		*normalised = *v == 'v' ? xstrdup(v) : xasprintf("v%s", v);
	return 0;
}
