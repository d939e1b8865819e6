#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "xalloc.h"

static int	level = LOG_NORMAL;
static int	usage_reported;
static int	bars = 1;	/* in-place progress bars on a terminal */

void
log_progress_bars(int on)
{
	bars = on;
}

void
log_set_level(int l)
{
	level = l;
}

int
log_get_level(void)
{
	return level;
}

static void __attribute__((format(printf, 2, 0)))
vlog(const char *prefix, const char *fmt, va_list ap)
{
	char	*msg;

	if (level == LOG_SILENT)
		return;
	msg = xvasprintf(fmt, ap);
	/* One write so concurrent output (threads, child processes) stays whole. */
	fprintf(stderr, "cfngen: %s%s\n", prefix, msg);
	free(msg);
}

void
log_error(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void
log_usage(const char *fmt, ...)
{
	va_list	ap;

	usage_reported = 1;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	if (level < LOG_NORMAL)
		return;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void
log_verbose(const char *fmt, ...)
{
	va_list	ap;

	if (level < LOG_VERBOSE)
		return;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (level < LOG_DEBUG)
		return;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

int
log_exit_status(void)
{
	return usage_reported ? 2 : 1;
}

const char *
log_human_size(uint64_t n, char out[16])
{
	if (n >= 1000000000)
		snprintf(out, 16, "%.1f GB", n / 1e9);
	else if (n >= 1000000)
		snprintf(out, 16, "%.1f MB", n / 1e6);
	else if (n >= 1000)
		snprintf(out, 16, "%.1f kB", n / 1e3);
	else
		snprintf(out, 16, "%u B", (unsigned)n);
	return out;
}

struct progress {
	char		*label;
	uint64_t	 total;
	uint64_t	 done;
	double		 start;
	double		 last_draw;
	int		 tty;
	int		 drawn;
};

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct progress *
progress_start(const char *label, uint64_t total)
{
	struct progress	*p;

	if (level < LOG_NORMAL)
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->label = xstrdup(label);
	p->total = total;
	p->start = p->last_draw = now();
	p->tty = bars && isatty(STDERR_FILENO);
	return p;
}

static void
draw(struct progress *p, double t)
{
	char	 done[16], rate[16];
	double	 el = t - p->start;
	double	 bps = el > 0 ? p->done / el : 0;

	log_human_size(p->done, done);
	log_human_size((uint64_t)bps, rate);
	if (p->total > 0) {
		int	 pct = (int)(p->done * 100 / p->total);
		int	 fill = pct / 5, i;
		char	 bar[21];
		double	 eta = bps > 0 ? (p->total - p->done) / bps : 0;

		for (i = 0; i < 20; i++)
			bar[i] = i < fill ? '#' : '-';
		bar[20] = '\0';
		fprintf(stderr, "\r%s [%s] %3d%% %s %s/s ETA %02d:%02d \033[K",
		    p->label, bar, pct, done, rate,
		    (int)eta / 60, (int)eta % 60);
	} else
		fprintf(stderr, "\r%s %s %s/s \033[K", p->label, done, rate);
	p->drawn = 1;
}

void
progress_update(struct progress *p, uint64_t done)
{
	double	t;

	if (p == NULL)
		return;
	p->done = done;
	if (!p->tty)
		return;
	t = now();
	if (t - p->last_draw < 0.1)
		return;
	p->last_draw = t;
	draw(p, t);
}

void
progress_end(struct progress *p, int ok)
{
	char	size[16], rate[16];
	double	el;

	if (p == NULL)
		return;
	el = now() - p->start;
	if (p->drawn)
		fputs("\r\033[K", stderr);
	if (ok)
		fprintf(stderr, "cfngen: %s: %s in %.2f s (%s/s)\n", p->label,
		    log_human_size(p->done, size), el,
		    log_human_size(el > 0 ? (uint64_t)(p->done / el) : p->done,
		    rate));
	free(p->label);
	free(p);
}
