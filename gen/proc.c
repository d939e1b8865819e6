/*
 * Running other programs: finding them on PATH, splitting a command line
 * into words, and running one with its output captured. Used by the
 * credential_process provider (credentials.c).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "proc.h"
#include "xalloc.h"

extern char	**environ;

void
proc_free_argv(char **argv)
{
	size_t	i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

char **
proc_split_command(const char *s, const char **why)
{
	char		**argv = NULL;
	size_t		  argc = 0, cap = 0;
	struct buf	  w;
	int		  in_word = 0;
	char		  q = 0;

	buf_init(&w, 0);	/* no cap: these adds cannot fail */
	for (;; s++) {
		int	c = -1;		/* the byte the word gets, if any */

		if (q == '\'') {
			if (*s == '\0')
				goto unterminated;
			if (*s == '\'')
				q = 0;
			else
				c = (unsigned char)*s;
		} else if (q == '"') {
			if (*s == '\0')
				goto unterminated;
			if (*s == '"')
				q = 0;
			else if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
				c = (unsigned char)*++s;
			else
				c = (unsigned char)*s;
		} else if (*s == '\0' || *s == ' ' || *s == '\t' ||
		    *s == '\n' || *s == '\r') {
			if (in_word) {
				if (argc + 2 > cap) {
					cap = cap ? cap * 2 : 8;
					argv = xreallocarray(argv, cap,
					    sizeof(*argv));
				}
				argv[argc++] = buf_steal(&w);
				argv[argc] = NULL;
				in_word = 0;
			}
			if (*s == '\0')
				break;
		} else {
			in_word = 1;
			if (*s == '\'' || *s == '"')
				q = *s;
			else if (*s == '\\') {
				if (s[1] == '\0') {
					*why = "a backslash at the end";
					goto fail;
				}
				c = (unsigned char)*++s;
			} else
				c = (unsigned char)*s;
		}
		if (c != -1 && buf_addc(&w, c) == -1) {
			*why = "a word longer than memory allows";
			goto fail;
		}
	}
	buf_free(&w);
	if (argc == 0) {
		*why = "no command";
		return NULL;
	}
	return argv;
unterminated:
	*why = q == '\'' ? "a ' quote is not closed" : "a \" quote is not closed";
fail:
	buf_free(&w);
	proc_free_argv(argv);
	return NULL;
}

/*
 * Reads what is ready on fd into b (up to max; past it *over is set and
 * the chunk dropped); 0 at end of file.
 */
static ssize_t
drain(int fd, struct buf *b, size_t max, int *over)
{
	char	chunk[4096];
	ssize_t	r;

	r = read(fd, chunk, sizeof(chunk));
	if (r > 0 && (b->len + (size_t)r > max ||
	    buf_add(b, chunk, (size_t)r) == -1))
		*over = 1;
	return r;
}

/*
 * Looked up before spawning so that a missing program is named as such on
 * every platform, rather than through the child's exit status.
 */
char *
proc_find_program(const char *argv0)
{
	const char	*path, *p, *end;
	char		*cand;
	int		 saved = ENOENT;

	if (strchr(argv0, '/') != NULL)
		return access(argv0, X_OK) == 0 ? xstrdup(argv0) : NULL;
	if ((path = getenv("PATH")) == NULL || *path == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = end + 1) {
		if ((end = strchr(p, ':')) == NULL)
			end = p + strlen(p);
		/* An empty element is the current directory. */
		cand = end == p ? xasprintf("./%s", argv0) :
		    xasprintf("%.*s/%s", (int)(end - p), p, argv0);
		if (access(cand, X_OK) == 0)
			return cand;
		if (errno != ENOENT && errno != ENOTDIR)
			saved = errno;
		free(cand);
		if (*end == '\0')
			break;
	}
	errno = saved;
	return NULL;
}

int
proc_run_captured(char **argv, const char *what, struct buf *out,
    size_t out_max, struct buf *err, size_t err_max,
    int *status)
{
	posix_spawn_file_actions_t	fa;
	struct pollfd			pfd[2];
	int				po[2] = { -1, -1 }, pe[2] = { -1, -1 };
	int				over = 0, open_fds, rc = -1, e;
	pid_t				pid;
	ssize_t				r;
	char				*prog;

	if ((prog = proc_find_program(argv[0])) == NULL) {
		log_error("%s: %s: %s", what, argv[0], strerror(errno));
		return -1;
	}
	if (pipe2(po, O_CLOEXEC) == -1 || pipe2(pe, O_CLOEXEC) == -1) {
		log_error("%s: %s", what, strerror(errno));
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, po[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, pe[1], STDERR_FILENO);
	e = posix_spawn(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(po[1]);
	close(pe[1]);
	po[1] = pe[1] = -1;
	if (e != 0) {
		log_error("%s: %s: %s", what, argv[0], strerror(e));
		goto out;
	}
	pfd[0].fd = po[0];
	pfd[1].fd = pe[0];
	pfd[0].events = pfd[1].events = POLLIN;
	for (open_fds = 2; open_fds > 0;) {
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			log_error("%s: %s", what, strerror(errno));
			break;
		}
		if (pfd[0].revents != 0) {
			r = drain(po[0], out, out_max, &over);
			if (r == 0 || (r == -1 && errno != EINTR)) {
				pfd[0].fd = -1;
				open_fds--;
			}
		}
		if (pfd[1].revents != 0) {
			int	ignore = 0;

			r = drain(pe[0], err, err_max, &ignore);
			if (r == 0 || (r == -1 && errno != EINTR)) {
				pfd[1].fd = -1;
				open_fds--;
			}
		}
	}
	while (waitpid(pid, status, 0) == -1)
		if (errno != EINTR) {
			log_error("%s: waitpid: %s", what, strerror(errno));
			goto out;
		}
	if (open_fds > 0)
		goto out;
	if (over) {
		log_error("%s: printed more than %zu bytes", what, out_max);
		goto out;
	}
	rc = 0;
out:
	free(prog);
	if (po[0] != -1)
		close(po[0]);
	if (pe[0] != -1)
		close(pe[0]);
	if (po[1] != -1)
		close(po[1]);
	if (pe[1] != -1)
		close(pe[1]);
	return rc;
}

/* The first line of what the process said on stderr, for a message. */
