/*
 * Running other programs (credential_process): finding the program,
 * splitting its command line, capturing what it prints.
 */
#ifndef CFNGEN_PROC_H
#define CFNGEN_PROC_H

#include <stddef.h>

#include "buf.h"

/*
 * Splits a command line the way a POSIX shell would split words (and as
 * Python's shlex.split does for the AWS CLI): blanks separate, '...' is
 * literal, "..." keeps \" and \\ escapes, a backslash outside quotes
 * escapes any character. No variables, globs or other expansion. Returns
 * a NULL-terminated vector (free with proc_free_argv()) or NULL with *why
 * set to a static reason.
 */
char	**proc_split_command(const char *, const char **why);
/* Accepts NULL. */
void	  proc_free_argv(char **);

/*
 * The program a command runs: argv0 itself when it holds a slash, else the
 * first executable of that name on PATH (as execvp looks). Caller frees;
 * NULL with errno set when there is none.
 */
char	 *proc_find_program(const char *argv0);

/*
 * Runs argv with stdout and stderr captured into out and err (at most
 * out_max and err_max bytes; more on stdout is an error, more on stderr is
 * dropped), stdin inherited, as the AWS CLI does. -1 (reported, naming
 * what) if it cannot be run; else 0 with *status from waitpid.
 */
int	  proc_run_captured(char **argv, const char *what, struct buf *out,
	    size_t out_max, struct buf *err, size_t err_max, int *status);

#endif
