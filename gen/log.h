/*
 * Diagnostics and progress, all on stderr (stdout carries only templates).
 *
 * Every message is one line, "cfngen: " then the subject, then what is
 * wrong. A failure is reported once, where it happens; the reporter says
 * whether it is a usage error (bad input from the user: exit status 2) or
 * a failure (exit status 1), and main asks log_exit_status() at the end.
 * Secrets must never be passed to these functions.
 */
#ifndef CFNGEN_LOG_H
#define CFNGEN_LOG_H

#include <stdint.h>

enum log_level {
	LOG_SILENT = -2,	/* nothing at all: fuzzers and unit tests */
	LOG_QUIET = -1,		/* -q: errors and warnings only */
	LOG_NORMAL = 0,		/* progress and results */
	LOG_VERBOSE = 1,	/* -v: each request, cache decision, check */
	LOG_DEBUG = 2		/* -vv */
};

void	log_set_level(int);
int	log_get_level(void);

/* A failure: exit status 1. */
void	log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Bad user input: exit status 2. */
void	log_usage(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_verbose(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));

/* 2 when a usage error was reported, else 1. */
int	log_exit_status(void);

/*
 * Progress of a long job. On a terminal a bar (bytes, percent, rate, ETA)
 * redrawn at most ten times a second; otherwise one summary line at the
 * end; nothing with -q. total 0 means unknown. Owned by the caller:
 * progress_end() frees it and accepts NULL.
 */
struct progress;

struct progress	*progress_start(const char *label, uint64_t total);
/*
 * 0: no bars even on a terminal, only the summary line (several transfers
 * at once would redraw each other's). Set it before starting threads.
 */
void		 log_progress_bars(int on);
void		 progress_update(struct progress *, uint64_t done);
void		 progress_end(struct progress *, int ok);

/* "41.6 MB", "812 kB", "17 B": SI units, as download tools print them. */
const char	*log_human_size(uint64_t, char out[16]);

#endif
