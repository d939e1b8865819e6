/*
 * Temporary files and private directories removed when a fatal signal
 * (SIGINT, SIGTERM, SIGHUP) ends the run, so that nothing half-written is
 * left behind; and SIGPIPE ignored (a closed reader is an EPIPE).
 */
#ifndef CFNGEN_CLEANUP_H
#define CFNGEN_CLEANUP_H

#include <signal.h>

/* Install the handlers that remove registered temporary files. */
void		 cleanup_init(void);
/*
 * Remember path (copied) for removal on a fatal signal; returns a slot or
 * -1. A directory (a private temporary one) is removed after the files,
 * when they have emptied it.
 */
int		 cleanup_register(const char *path);
void		 cleanup_unregister(int slot);
/* Holds the signals off (a set of renames lands whole), and back. */
void		 cleanup_block(sigset_t *old);
void		 cleanup_unblock(const sigset_t *old);

#endif
