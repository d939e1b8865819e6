/*
 * Temporary files removed on a fatal signal (cleanup.h): a fixed table of
 * paths the handler can walk without allocating.
 */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "xalloc.h"

#define CLEANUP_SLOTS	32

static char *volatile	cleanup_paths[CLEANUP_SLOTS];

static void
cleanup_handler(int sig)
{
	int	i;

	for (i = 0; i < CLEANUP_SLOTS; i++)
		if (cleanup_paths[i] != NULL)
			unlink(cleanup_paths[i]);
	/* Then the private directories that held them. */
	for (i = 0; i < CLEANUP_SLOTS; i++)
		if (cleanup_paths[i] != NULL)
			rmdir(cleanup_paths[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

void
cleanup_init(void)
{
	struct sigaction	sa;
	static const int	sigs[] = { SIGINT, SIGTERM, SIGHUP };
	size_t			i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cleanup_handler;
	sigfillset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	/* A closed reader is reported as EPIPE by the write that meets it. */
	signal(SIGPIPE, SIG_IGN);
}

void
cleanup_block(sigset_t *old)
{
	sigset_t	all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, old);
}

int
cleanup_register(const char *path)
{
	sigset_t	old;
	int		i, slot = -1;

	cleanup_block(&old);
	for (i = 0; i < CLEANUP_SLOTS; i++)
		if (cleanup_paths[i] == NULL) {
			cleanup_paths[i] = xstrdup(path);
			slot = i;
			break;
		}
	cleanup_unblock(&old);
	return slot;
}

void
cleanup_unregister(int slot)
{
	sigset_t	 old;
	char		*p;

	if (slot < 0 || slot >= CLEANUP_SLOTS)
		return;
	cleanup_block(&old);
	p = cleanup_paths[slot];
	cleanup_paths[slot] = NULL;
	cleanup_unblock(&old);
	free(p);
}

void
cleanup_unblock(const sigset_t *old)
{
	pthread_sigmask(SIG_SETMASK, old, NULL);
}
