/*
 * One build, many regions (regions.h). The fan-out runs on a small pool
 * of threads: each job (one region) has its own AWS configuration, http
 * handle and S3 client, so the threads share nothing mutable but the job
 * counter, which a mutex guards; the credentials and options are only
 * read. log.c writes each line with one stdio call, which locks stderr, so
 * lines from several threads never interleave; the in-place progress bars
 * are turned off while several transfers run at once.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "artifacts.h"
#include "aws_config.h"
#include "credentials.h"
#include "buf.h"
#include "http.h"
#include "log.h"
#include "options.h"
#include "regions.h"
#include "s3.h"
#include "sts.h"
#include "xalloc.h"

#define PH_REGION	"{region}"
#define PH_ACCOUNT	"{account}"

/* Replaces each placeholder; the values may be NULL (left as written). */
static char *
pattern_fill(const char *pattern, const char *region, const char *account)
{
	struct buf	 b;
	const char	*p = pattern;

	buf_init(&b, 0);
	while (*p != '\0') {
		if (region != NULL && strncmp(p, PH_REGION,
		    strlen(PH_REGION)) == 0) {
			buf_adds(&b, region);
			p += strlen(PH_REGION);
		} else if (account != NULL && strncmp(p, PH_ACCOUNT,
		    strlen(PH_ACCOUNT)) == 0) {
			buf_adds(&b, account);
			p += strlen(PH_ACCOUNT);
		} else
			buf_addc(&b, *p++);
	}
	buf_addc(&b, '\0');
	return buf_steal(&b);
}

const char *
regions_pattern_problem(const char *pattern)
{
	const char	*p;
	char		*name;
	int		 bad;

	for (p = pattern; *p != '\0'; p++) {
		if (*p == '{' && strncmp(p, PH_REGION, strlen(PH_REGION)) == 0)
			p += strlen(PH_REGION) - 1;
		else if (*p == '{' && strncmp(p, PH_ACCOUNT,
		    strlen(PH_ACCOUNT)) == 0)
			p += strlen(PH_ACCOUNT) - 1;
		else if (*p == '{' || *p == '}')
			return "the placeholders are {region} and {account}";
	}
	if (strstr(pattern, PH_REGION) == NULL)
		return "has no {region}; a bucket is in one region, so each "
		    "region needs its own (use --bucket for a single one)";
	/* One of the longest region names, and an account. */
	name = pattern_fill(pattern, "ap-southeast-2", "123456789012");
	bad = valid_bucket_name(name) == -1;
	free(name);
	if (bad)
		return "does not give a valid S3 bucket name (3-63 lowercase "
		    "letters, digits, dots and hyphens, starting and ending "
		    "with a letter or digit, once {region} and {account} are "
		    "filled in)";
	return NULL;
}

char *
regions_pattern_expand(const char *pattern, const char *region,
    const char *account)
{
	return pattern_fill(pattern, region, account);
}

char *
regions_pattern_sub(const char *pattern)
{
	return pattern_fill(pattern, "${AWS::Region}", "${AWS::AccountId}");
}

int
regions_pattern_has_account(const char *pattern)
{
	return strstr(pattern, PH_ACCOUNT) != NULL;
}

/* One region's share of the work. */
struct job {
	const char			*region;
	struct aws_config		*cfg;
	char				*bucket;
	int				 bucket_ok;
	int				 uploaded;	/* all artifacts are there */
};

struct pool {
	pthread_mutex_t			 mu;	/* guards next */
	size_t				 next;
	struct job			*jobs;
	size_t				 njobs;
	int				 upload;	/* 0: check buckets */
	const struct options		*o;
	const struct build_result	*b;
	const struct aws_credentials	*cr;
	const char			*account;
	int				 default_bucket;
};

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
put(struct s3 *s3, const struct pool *p, const struct job *j,
    const struct artifact *a)
{
	struct s3_object	 obj;
	enum s3_put_result	 res;
	char			*key, *label, size[16], rate[16];
	double			 t0 = now(), el;
	int			 rc;

	key = a->key != NULL ? xstrdup(a->key) :
	    xasprintf("%s%s.zip", p->o->prefix, a->sha256);
	label = xasprintf("%s (%s)", a->name, j->region);
	memset(&obj, 0, sizeof(obj));
	obj.bucket = j->bucket;
	obj.key = key;
	obj.path = a->path;
	obj.size = a->size;
	obj.sha256_hex = a->sha256;
	obj.sha256_b64 = a->sha256_b64;
	obj.label = label;
	obj.default_bucket = p->default_bucket;
	obj.quiet = 1;
	obj.expected_owner = p->account;
	rc = s3_put_file(s3, &obj, &res);
	el = now() - t0;
	/* The one line of this region's upload. */
	if (rc == 0 && res == S3_PUT_PRESENT)
		log_info("%s: %s already in s3://%s/%s (%s)", j->region,
		    a->name, j->bucket, key, log_human_size(a->size, size));
	else if (rc == 0)
		log_info("%s: %s uploaded to s3://%s/%s (%s in %.2f s, %s/s)",
		    j->region, a->name, j->bucket, key,
		    log_human_size(a->size, size), el, log_human_size(el > 0 ?
		    (uint64_t)(a->size / el) : a->size, rate));
	free(label);
	free(key);
	return rc;
}

static void
run_job(const struct pool *p, struct job *j)
{
	struct http	*h;
	struct s3	*s3;

	if ((h = http_new()) == NULL)
		return;
	s3 = s3_new(j->cfg, p->cr, h);
	if (!p->upload)
		j->bucket_ok = s3_check_bucket(s3, j->bucket, p->account,
		    p->default_bucket) == 0;
	else if (put(s3, p, j, &p->b->layer) == 0 && (!p->b->has_example ||
	    put(s3, p, j, &p->b->example) == 0))
		j->uploaded = 1;
	s3_free(s3);
	http_free(h);
}

static void *
worker(void *arg)
{
	struct pool	*p = arg;
	size_t		 i;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->njobs)
			break;
		if (p->upload && !p->jobs[i].bucket_ok)
			continue;
		run_job(p, &p->jobs[i]);
	}
	return NULL;
}

/* Runs one phase over every job, at most o->max_parallel at a time. */
static void
run_phase(struct pool *p, int upload)
{
	pthread_t	*t;
	size_t		 n, i, started = 0;

	p->upload = upload;
	p->next = 0;
	n = (size_t)p->o->max_parallel < p->njobs ?
	    (size_t)p->o->max_parallel : p->njobs;
	t = xcalloc(n, sizeof(*t));
	for (i = 0; i < n; i++) {
		if (pthread_create(&t[i], NULL, worker, p) != 0)
			break;
		started++;
	}
	/* Without a thread (resource limits), this one does the work. */
	if (started == 0)
		worker(p);
	for (i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	free(t);
}

int
regions_publish(const struct options *o, const struct build_result *b)
{
	struct pool		 p;
	struct aws_config	*home;
	struct aws_credentials	 cr;
	struct http		*h = NULL;
	struct s3		*s3 = NULL;
	struct buf		 failed;
	const char		*pattern;
	char			*account = NULL;
	size_t			 i, nfailed = 0;
	int			 rc = -1;

	memset(&p, 0, sizeof(p));
	memset(&cr, 0, sizeof(cr));
	buf_init(&failed, 0);
	/* The first region signs in and asks STS for the account. */
	if ((home = aws_config_new(o->profile, o->regions[0],
	    o->endpoint_url)) == NULL)
		return -1;
	if ((h = http_new()) == NULL)
		goto out;
	if (aws_credentials_load(home, h, &cr) == -1)
		goto out;
	s3 = s3_new(home, &cr, h);
	/* Also for the owner check when the pattern does not need it. */
	if ((account = sts_account_id(home, &cr, h)) == NULL)
		goto out;
	pattern = o->bucket_pattern != NULL ? o->bucket_pattern :
	    REGIONS_CDK_PATTERN;
	p.jobs = xcalloc(o->nregions, sizeof(*p.jobs));
	p.njobs = o->nregions;
	for (i = 0; i < o->nregions; i++) {
		p.jobs[i].region = o->regions[i];
		p.jobs[i].bucket = regions_pattern_expand(pattern,
		    o->regions[i], account);
		if ((p.jobs[i].cfg = aws_config_new(o->profile, o->regions[i],
		    o->endpoint_url)) == NULL)
			goto out;
	}
	log_info("%zu regions, at most %d at a time; buckets %s (account %s)",
	    o->nregions, o->max_parallel, pattern, account);
	pthread_mutex_init(&p.mu, NULL);
	p.o = o;
	p.b = b;
	p.cr = &cr;
	p.account = account;
	p.default_bucket = o->bucket_pattern == NULL;
	/* Parallel transfers would redraw each other's bars: lines only. */
	log_progress_bars(0);
	/* Every bucket is checked before anything is uploaded. */
	run_phase(&p, 0);
	run_phase(&p, 1);
	log_progress_bars(1);
	pthread_mutex_destroy(&p.mu);
	for (i = 0; i < p.njobs; i++)
		if (!p.jobs[i].uploaded) {
			buf_addf(&failed, "%s%s", nfailed ? ", " : "",
			    p.jobs[i].region);
			nfailed++;
		}
	if (nfailed > 0) {
		buf_addc(&failed, '\0');
		log_error("regions: %zu of %zu failed (%s); the others hold "
		    "the artifacts", nfailed, p.njobs, failed.data);
	} else {
		log_info("regions: the artifacts are in all %zu regions",
		    p.njobs);
		rc = 0;
	}
out:
	for (i = 0; i < p.njobs; i++) {
		free(p.jobs[i].bucket);
		aws_config_free(p.jobs[i].cfg);
	}
	free(p.jobs);
	free(account);
	buf_free(&failed);
	s3_free(s3);
	http_free(h);
	aws_credentials_free(&cr);
	aws_config_free(home);
	return rc;
}
