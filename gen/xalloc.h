/*
 * Allocation that cannot fail: on exhaustion these print one line and exit
 * with status 1, so callers need no NULL checks. All returned memory is the
 * caller's, to release with free().
 */
#ifndef CFNGEN_XALLOC_H
#define CFNGEN_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char	*xvasprintf(const char *, va_list) __attribute__((format(printf, 1, 0)));

#endif
