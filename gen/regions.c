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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "artifacts.h"
#include "aws_config.h"
#include "credentials.h"
#include "buf.h"
#include "cloudformation.h"
#include "deploy.h"
#include "doc.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "options.h"
#include "outfile.h"
#include "publish.h"
#include "regions.h"
#include "s3.h"
#include "stacks.h"
#include "stackset.h"
#include "sts.h"
#include "xalloc.h"
#include "yamlio.h"

#define PH_REGION	"{region}"
#define PH_ACCOUNT	"{account}"
/* The statement cfngen owns in a bucket policy, replaced on each grant. */
#define REGIONS_POLICY_SID	"CfngenStackSetRead"

/*
 * Replaces each placeholder; the values may be NULL (left as written).
 * NULL only if the result would not fit in memory.
 */
static char *
pattern_fill(const char *pattern, const char *region, const char *account)
{
	struct buf	 b;
	const char	*p = pattern;
	int		 rc;

	buf_init(&b, 0);	/* no cap: these adds cannot fail */
	while (*p != '\0') {
		if (region != NULL && strncmp(p, PH_REGION,
		    strlen(PH_REGION)) == 0) {
			rc = buf_adds(&b, region);
			p += strlen(PH_REGION);
		} else if (account != NULL && strncmp(p, PH_ACCOUNT,
		    strlen(PH_ACCOUNT)) == 0) {
			rc = buf_adds(&b, account);
			p += strlen(PH_ACCOUNT);
		} else
			rc = buf_addc(&b, *p++);
		if (rc == -1) {
			buf_free(&b);
			return NULL;
		}
	}
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
	bad = name == NULL || valid_bucket_name(name) == -1;
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
	int				 deployed;
	char				*status;	/* the stack's, at the end */
	char				*arn;		/* its layer version */
};

enum phase {
	PHASE_CHECK,		/* the buckets */
	PHASE_UPLOAD,
	PHASE_DEPLOY		/* the regions holding the artifacts */
};

struct pool {
	pthread_mutex_t			 mu;	/* guards next */
	size_t				 next;
	struct job			*jobs;
	size_t				 njobs;
	enum phase			 phase;
	const struct deploy_spec	*spec;		/* PHASE_DEPLOY */
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
	publish_object(&obj, a, j->bucket, key, p->default_bucket,
	    p->account);
	obj.label = label;
	obj.quiet = 1;
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
	if (p->phase == PHASE_CHECK)
		j->bucket_ok = s3_check_bucket(s3, j->bucket, p->account,
		    p->default_bucket) == 0;
	else if (put(s3, p, j, &p->b->layer) == 0 && (!p->b->has_example ||
	    put(s3, p, j, &p->b->example) == 0))
		j->uploaded = 1;
	s3_free(s3);
	http_free(h);
}

static void	deploy_job(const struct pool *, struct job *);

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
		if ((p->phase == PHASE_UPLOAD && !p->jobs[i].bucket_ok) ||
		    (p->phase == PHASE_DEPLOY && !p->jobs[i].uploaded))
			continue;
		if (p->phase == PHASE_DEPLOY)
			deploy_job(p, &p->jobs[i]);
		else
			run_job(p, &p->jobs[i]);
	}
	return NULL;
}

/* Runs one phase over every job, at most o->max_parallel at a time. */
static void
run_phase(struct pool *p, enum phase phase)
{
	pthread_t	*t;
	size_t		 n, i, started = 0;

	p->phase = phase;
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

/*
 * Who signs, and the account: what every regional step shares. The
 * configuration, credentials and first http handle are the caller's
 * (main's, settled before any work); only the account is found here.
 */
struct session {
	const struct aws_config		*home;
	const struct aws_credentials	*cr;
	struct http			*h;
	char				*account;
};

static int
session_open(const struct aws_config *home, const struct aws_credentials *cr,
    struct http *h, struct session *ss)
{
	ss->home = home;
	ss->cr = cr;
	ss->h = h;
	/* Also for the owner check when the pattern does not need it. */
	ss->account = sts_account_id(home, cr, h);
	return ss->account != NULL ? 0 : -1;
}

static void
session_close(struct session *ss)
{
	free(ss->account);
	ss->account = NULL;
}

static const char *
bucket_pattern(const struct options *o)
{
	return o->bucket_pattern != NULL ? o->bucket_pattern :
	    REGIONS_CDK_PATTERN;
}

static void
pool_free(struct pool *p)
{
	size_t	i;

	for (i = 0; i < p->njobs; i++) {
		free(p->jobs[i].bucket);
		free(p->jobs[i].status);
		free(p->jobs[i].arn);
		aws_config_free(p->jobs[i].cfg);
	}
	free(p->jobs);
	if (p->o != NULL)
		pthread_mutex_destroy(&p->mu);
	memset(p, 0, sizeof(*p));
}

/* One job per region, each with its own configuration. */
static int
pool_init(struct pool *p, const struct options *o,
    const struct build_result *b, const struct session *ss)
{
	size_t	i;

	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->mu, NULL);
	p->o = o;
	p->b = b;
	p->cr = ss->cr;
	p->account = ss->account;
	p->default_bucket = o->bucket_pattern == NULL;
	p->jobs = xcalloc(o->nregions, sizeof(*p->jobs));
	p->njobs = o->nregions;
	for (i = 0; i < o->nregions; i++) {
		p->jobs[i].region = o->regions[i];
		p->jobs[i].bucket = regions_pattern_expand(bucket_pattern(o),
		    o->regions[i], ss->account);
		if ((p->jobs[i].cfg = aws_config_new(o->profile, o->regions[i],
		    o->endpoint_url)) == NULL)
			return -1;
	}
	return 0;
}

/* The regions where step did not happen, "eu-west-1, ap-south-1". */
static char *
failed_regions(const struct pool *p, size_t *n, enum phase step)
{
	struct buf	 b;
	size_t		 i;
	int		 done, listed = 1;

	buf_init(&b, 0);	/* no cap: these adds cannot fail */
	*n = 0;
	for (i = 0; i < p->njobs; i++) {
		done = step == PHASE_DEPLOY ? p->jobs[i].deployed :
		    p->jobs[i].uploaded;
		if (done)
			continue;
		if (buf_addf(&b, "%s%s", *n > 0 ? ", " : "",
		    p->jobs[i].region) == -1)
			listed = 0;
		(*n)++;
	}
	if (!listed) {
		buf_free(&b);
		return xstrdup("too many to list");
	}
	return buf_steal(&b);
}

/* The bucket checks and uploads of every region; -1 if any failed. */
static int
publish(struct pool *p)
{
	char	*failed;
	size_t	 nfailed;
	int	 rc = 0;

	log_info("%zu regions, at most %d at a time; buckets %s (account %s)",
	    p->njobs, p->o->max_parallel, bucket_pattern(p->o), p->account);
	/* Parallel transfers would redraw each other's bars: lines only. */
	log_progress_bars(0);
	/* Every bucket is checked before anything is uploaded. */
	run_phase(p, PHASE_CHECK);
	run_phase(p, PHASE_UPLOAD);
	log_progress_bars(1);
	failed = failed_regions(p, &nfailed, PHASE_UPLOAD);
	if (nfailed > 0) {
		log_error("regions: %zu of %zu failed (%s); the others hold "
		    "the artifacts", nfailed, p->njobs, failed);
		rc = -1;
	} else
		log_info("regions: the artifacts are in all %zu regions",
		    p->njobs);
	free(failed);
	return rc;
}

int
regions_publish(const struct options *o, const struct build_result *b,
    const struct aws_config *home, const struct aws_credentials *cr,
    struct http *h)
{
	struct session	ss;
	struct pool	p;
	int		rc = -1;

	memset(&p, 0, sizeof(p));
	if (session_open(home, cr, h, &ss) == -1)
		return -1;
	if (pool_init(&p, o, b, &ss) == 0)
		rc = publish(&p);
	pool_free(&p);
	session_close(&ss);
	return rc;
}

/* The partition of a region, for ARNs. */
static const char *
partition(const char *region)
{
	if (strncmp(region, "cn-", 3) == 0)
		return "aws-cn";
	if (strncmp(region, "us-gov-", 7) == 0)
		return "aws-us-gov";
	return "aws";
}

/*
 * The bucket policy that lets the target accounts read the artifacts: to
 * the organization (aws:PrincipalOrgID) when it is known, else to each
 * target account. A new document (caller frees).
 */
static struct doc *
read_policy(const struct options *o, const char *bucket, const char *region)
{
	struct doc	*pol = doc_map(), *st = doc_map(), *sts = doc_seq();
	struct doc	*cond, *eq, *aws;
	char		*res;
	size_t		 i;

	res = xasprintf("arn:%s:s3:::%s/%s*", partition(region), bucket,
	    o->prefix);
	doc_map_set(pol, "Version", doc_str("2012-10-17"));
	doc_map_set(st, "Sid", doc_str(REGIONS_POLICY_SID));
	doc_map_set(st, "Effect", doc_str("Allow"));
	if (o->org_id != NULL) {
		doc_map_set(st, "Principal", doc_str("*"));
	} else {
		aws = doc_seq();
		for (i = 0; i < o->ntargets; i++) {
			char	*arn = xasprintf("arn:%s:iam::%s:root",
			    partition(region), o->targets[i]);

			doc_seq_add(aws, doc_str(arn));
			free(arn);
		}
		cond = doc_map();
		doc_map_set(cond, "AWS", aws);
		doc_map_set(st, "Principal", cond);
	}
	doc_map_set(st, "Action", doc_str("s3:GetObject"));
	doc_map_set(st, "Resource", doc_str(res));
	if (o->org_id != NULL) {
		eq = doc_map();
		doc_map_set(eq, "aws:PrincipalOrgID", doc_str(o->org_id));
		cond = doc_map();
		doc_map_set(cond, "StringEquals", eq);
		doc_map_set(st, "Condition", cond);
	}
	doc_seq_add(sts, st);
	doc_map_set(pol, "Statement", sts);
	free(res);
	return pol;
}

/* Whether a target is another account than the caller's. */
static int
cross_account(const struct options *o, const char *account)
{
	size_t	i;

	if (o->targets_are_ous)
		return 1;
	for (i = 0; i < o->ntargets; i++)
		if (strcmp(o->targets[i], account) != 0)
			return 1;
	return 0;
}

/*
 * Merges our statement into the bucket's policy: statements of others are
 * kept, an earlier one of ours (same Sid) is replaced.
 */
static int
grant_apply(const struct options *o, const struct session *ss,
    const char *region, const char *bucket, const struct doc *ours)
{
	struct aws_config	*cfg;
	struct s3		*s3 = NULL;
	struct doc		*pol = NULL, *sts, *merged;
	struct buf		 text;
	char			*old = NULL, *what;
	size_t			 i, kept = 0;
	int			 rc = -1;

	buf_init(&text, 0);
	what = xasprintf("s3://%s: bucket policy", bucket);
	if ((cfg = aws_config_new(o->profile, region, o->endpoint_url)) == NULL)
		goto out;
	s3 = s3_new(cfg, ss->cr, ss->h);
	if (s3_get_bucket_policy(s3, bucket, ss->account, &old) == -1)
		goto out;
	if (old != NULL && (pol = json_parse(old, strlen(old), what)) == NULL)
		goto out;
	if (pol == NULL || doc_type(pol) != DOC_MAP) {
		doc_free(pol);
		pol = doc_map();
		doc_map_set(pol, "Version", doc_str("2012-10-17"));
	}
	merged = doc_seq();
	sts = doc_map_get(pol, "Statement");
	/* One statement may stand alone, not in a list. */
	if (sts != NULL && doc_type(sts) == DOC_MAP)
		doc_seq_add(merged, doc_copy(sts));
	else
		for (i = 0; sts != NULL && i < doc_len(sts); i++)
			doc_seq_add(merged, doc_copy(doc_seq_at(sts, i)));
	sts = merged;
	merged = doc_seq();
	for (i = 0; i < doc_len(sts); i++) {
		const struct doc	*st = doc_seq_at(sts, i), *sid;

		sid = doc_map_get(st, "Sid");
		if (sid != NULL && doc_type(sid) == DOC_STR &&
		    strcmp(doc_str_val(sid), REGIONS_POLICY_SID) == 0)
			continue;
		doc_seq_add(merged, doc_copy(st));
		kept++;
	}
	doc_free(sts);
	doc_seq_add(merged, doc_copy(doc_seq_at(doc_map_get(ours,
	    "Statement"), 0)));
	doc_map_set(pol, "Statement", merged);
	if (json_emit(pol, &text) == -1)
		goto out;
	if (s3_put_bucket_policy(s3, bucket, ss->account, text.data) == -1)
		goto out;
	log_info("%s: s3://%s: the bucket policy lets the stack instances "
	    "read the artifacts (statement %s; %zu other statement%s kept)",
	    region, bucket, REGIONS_POLICY_SID, kept, kept == 1 ? "" : "s");
	rc = 0;
out:
	buf_free(&text);
	doc_free(pol);
	free(old);
	free(what);
	s3_free(s3);
	aws_config_free(cfg);
	return rc;
}

/* Prints (and with --grant-org-read applies) each bucket's read policy. */
static int
grant_read(const struct options *o, const struct session *ss)
{
	struct doc	*pol;
	struct buf	 text;
	char		*bucket;
	size_t		 i;
	int		 rc = 0;

	for (i = 0; i < o->nregions && rc == 0; i++) {
		bucket = regions_pattern_expand(bucket_pattern(o),
		    o->regions[i], ss->account);
		pol = read_policy(o, bucket, o->regions[i]);
		buf_init(&text, 0);
		if (json_emit(pol, &text) == -1)
			rc = -1;
		else if (o->grant_org_read)
			rc = grant_apply(o, ss, o->regions[i], bucket, pol);
		else {
			log_info("%s: the stack instances in other accounts read "
			    "the artifacts from s3://%s; this bucket policy "
			    "statement lets them (--grant-org-read merges it "
			    "into the bucket's policy):\n%s", o->regions[i],
			    bucket, text.data);
		}
		buf_free(&text);
		doc_free(pol);
		free(bucket);
	}
	return rc;
}

/* CloudFormation's endpoint: --cloudformation-endpoint-url first. */
static const char *
cfn_endpoint_of(const struct options *o, const struct aws_config *cfg)
{
	return o->cfn_endpoint_url != NULL ? o->cfn_endpoint_url :
	    aws_config_endpoint(cfg, "cloudformation");
}

int
regions_stackset(const struct options *o, const struct build_result *b,
    const struct aws_config *home, const struct aws_credentials *cr,
    struct http *h)
{
	struct session		 ss;
	struct pool		 p;
	struct stackset_spec	 spec;
	struct stacks_spec	 stk;
	struct cfn		*cfn = NULL;
	struct doc		*d = NULL;
	struct buf		 text;
	char			*bucket = NULL;
	int			 rc = -1;

	buf_init(&text, 0);
	memset(&p, 0, sizeof(p));
	if (session_open(home, cr, h, &ss) == -1)
		return -1;
	if (pool_init(&p, o, b, &ss) == -1 || publish(&p) == -1)
		goto out;
	/*
	 * In a target account ${AWS::AccountId} is that account, but the
	 * buckets are the caller's: name its account literally.
	 */
	bucket = pattern_fill(bucket_pattern(o), "${AWS::Region}", ss.account);
	options_stacks_spec(o, &stk);
	if ((d = stacks_build(&stk, b, stacks_selected(&stk), bucket)) ==
	    NULL || yamlio_emit(d, NULL, &text) == -1)
		goto out;
	if (cross_account(o, ss.account) && grant_read(o, &ss) == -1)
		goto out;
	memset(&spec, 0, sizeof(spec));
	spec.name = o->stack_set;
	spec.template_body = text.data;
	spec.template_len = text.len;
	spec.service_managed = o->service_managed;
	spec.targets = o->targets;
	spec.ntargets = o->ntargets;
	spec.regions = o->regions;
	spec.nregions = o->nregions;
	spec.max_concurrent = o->max_concurrent;
	spec.failure_tolerance = o->failure_tolerance;
	cfn = cfn_new(aws_config_region(ss.home), cfn_endpoint_of(o, ss.home),
	    ss.cr, ss.h);
	log_info("StackSet %s: administered from %s", o->stack_set,
	    aws_config_region(ss.home));
	rc = stackset_deploy(cfn, &spec);
out:
	cfn_free(cfn);
	doc_free(d);
	buf_free(&text);
	free(bucket);
	pool_free(&p);
	session_close(&ss);
	return rc;
}

/* --- cfngen deploy --regions ------------------------------------------- */

/* The layer version of a deployed stack: its LayerArn output (caller
 * frees), or NULL when it has none. */
static char *
layer_arn(const struct deploy_result *res)
{
	size_t	i;

	for (i = 0; i < res->stack.noutputs; i++)
		if (strcmp(res->stack.outputs[i].key, "LayerArn") == 0)
			return xstrdup(res->stack.outputs[i].value);
	return NULL;
}

/* One region's stack, through its own client; the outcome in j. */
static void
deploy_job(const struct pool *p, struct job *j)
{
	struct deploy_spec	 spec = *p->spec;
	struct deploy_result	 res;
	struct cfn_stack	 st;
	struct http		*h;
	struct cfn		*c;
	int			 r;

	if ((h = http_new()) == NULL)
		return;
	c = cfn_new(j->region, cfn_endpoint_of(p->o, j->cfg), p->cr, h);
	spec.label = j->region;
	memset(&res, 0, sizeof(res));
	if (deploy_stack(c, &spec, &res) == 0) {
		j->deployed = 1;
		j->status = xstrdup(res.outcome == DEPLOY_REVIEW ?
		    "REVIEW_IN_PROGRESS" : res.stack.status != NULL ?
		    res.stack.status : "?");
		if (res.outcome != DEPLOY_REVIEW)
			j->arn = layer_arn(&res);
	} else {
		/* what the stack was left as, for the table */
		memset(&st, 0, sizeof(st));
		r = cfn_describe_stack(c, spec.stack_name, &st);
		j->status = r == 0 && st.status != NULL ?
		    xasprintf("FAILED (%s)", st.status) : xstrdup(r == 1 ?
		    "FAILED (no stack)" : "FAILED");
		cfn_stack_free(&st);
	}
	deploy_result_free(&res);
	cfn_free(c);
	http_free(h);
}

/*
 * layers.json: for each region deployed, its layer version ARN, the
 * architecture and the Deno version (and which stack, in what status).
 */
static int
write_layers_json(const struct options *o, const struct build_result *b,
    const struct pool *p, const char *stack)
{
	struct doc	*d = doc_map(), *e;
	struct buf	 text;
	char		*path;
	size_t		 i;
	int		 rc;

	for (i = 0; i < p->njobs; i++) {
		const struct job	*j = &p->jobs[i];

		if (!j->deployed || j->arn == NULL)
			continue;
		e = doc_map();
		doc_map_set(e, "layerVersionArn", doc_str(j->arn));
		doc_map_set(e, "architecture",
		    doc_str(arch_lambda_name(b->arch)));
		doc_map_set(e, "denoVersion", doc_str(b->deno_version));
		doc_map_set(e, "stack", doc_str(stack));
		doc_map_set(e, "stackStatus", doc_str(j->status));
		doc_map_set(d, j->region, e);
	}
	buf_init(&text, 0);
	path = o->out_dir != NULL ? xasprintf("%s/layers.json", o->out_dir) :
	    xstrdup("layers.json");
	rc = json_emit(d, &text);
	if (rc == 0)
		rc = outfile_put(path, text.data, text.len, 0644);
	if (rc == 0)
		log_info("%s: the layer version of each region deployed", path);
	free(path);
	buf_free(&text);
	doc_free(d);
	return rc;
}

static const char *
job_status(const struct job *j)
{
	if (j->status != NULL)
		return j->status;
	if (!j->bucket_ok)
		return "NOT DEPLOYED (bucket check failed)";
	return j->uploaded ? "FAILED" : "NOT DEPLOYED (upload failed)";
}

int
regions_deploy(const struct options *o, const struct build_result *b,
    const struct aws_config *home, const struct aws_credentials *cr,
    struct http *h)
{
	struct session		 ss;
	struct pool		 p;
	struct deploy_spec	 spec;
	struct deploy_tag	*tags = NULL;
	struct doc		*d = NULL;
	struct buf		 text;
	struct stacks_spec	 stk;
	enum stack_sel		 which;
	const char		*stack;
	char			*failed = NULL;
	size_t			 i, nfailed, w = 6, ws = 6;
	int			 rc = -1;

	options_stacks_spec(o, &stk);
	which = stacks_selected(&stk);
	stack = o->stack_name != NULL ? o->stack_name :
	    which == STACK_EXAMPLE ? STACKS_EXAMPLE_STACK : o->layer_stack_name;
	buf_init(&text, 0);
	memset(&p, 0, sizeof(p));
	if (session_open(home, cr, h, &ss) == -1)
		return -1;
	/* One text for every region: the bucket is a !Sub. */
	if ((d = stacks_build(&stk, b, which, NULL)) == NULL ||
	    yamlio_emit(d, NULL, &text) == -1)
		goto out;
	/* A region whose upload failed is not deployed; the others are. */
	if (pool_init(&p, o, b, &ss) == -1)
		goto out;
	(void)publish(&p);
	memset(&spec, 0, sizeof(spec));
	spec.stack_name = stack;
	spec.template_body = text.data;
	spec.template_len = text.len;
	tags = xcalloc(o->ntags + 1, sizeof(*tags));
	for (i = 0; i < o->ntags; i++) {
		tags[i].key = o->tags[i].key;
		tags[i].value = o->tags[i].value;
	}
	spec.tags = tags;
	spec.ntags = o->ntags;
	spec.no_execute = o->no_execute;
	spec.no_wait = o->no_wait;
	p.spec = &spec;
	log_info("deploying %s in %zu regions, at most %d at a time", stack,
	    p.njobs, o->max_parallel);
	run_phase(&p, PHASE_DEPLOY);
	/* The closing table: region, stack status, LayerArn. */
	for (i = 0; i < p.njobs; i++) {
		const char	*st = job_status(&p.jobs[i]);

		w = strlen(p.jobs[i].region) > w ? strlen(p.jobs[i].region) : w;
		ws = strlen(st) > ws ? strlen(st) : ws;
	}
	log_info("%s in %zu regions:", stack, p.njobs);
	log_info("  %-*s  %-*s  %s", (int)w, "REGION", (int)ws, "STATUS",
	    "LAYER ARN");
	for (i = 0; i < p.njobs; i++)
		log_info("  %-*s  %-*s  %s", (int)w, p.jobs[i].region, (int)ws,
		    job_status(&p.jobs[i]), p.jobs[i].arn != NULL ?
		    p.jobs[i].arn : "-");
	failed = failed_regions(&p, &nfailed, PHASE_DEPLOY);
	if (!o->no_execute && write_layers_json(o, b, &p, stack) == -1)
		goto out;
	if (nfailed > 0) {
		log_error("deploy: %zu of %zu regions failed (%s)", nfailed,
		    p.njobs, failed);
		goto out;
	}
	/* stdout: REGION=LayerArn, as deploy prints Key=Value */
	for (i = 0; i < p.njobs; i++)
		if (p.jobs[i].arn != NULL)
			printf("%s=%s\n", p.jobs[i].region, p.jobs[i].arn);
	rc = 0;
out:
	free(failed);
	free(tags);
	doc_free(d);
	buf_free(&text);
	pool_free(&p);
	session_close(&ss);
	return rc;
}
