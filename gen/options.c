#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "artifacts.h"
#include "buf.h"
#include "deno_source.h"
#include "digest.h"
#include "doc.h"
#include "log.h"
#include "options.h"
#include "outfile.h"
#include "output.h"
#include "regions.h"
#include "stackset.h"
#include "xalloc.h"

#define DEFAULT_LAYER_NAME	"deno-runtime"
#define DEFAULT_LAYER_STACK	"DenoRuntimeLayerStack"
#define DEFAULT_DENO_BASE_URL	"https://github.com/denoland/deno/releases/download"
#define DEFAULT_LOG_RETENTION	30
#define DEFAULT_MAX_PARALLEL	4
#define MAX_PARALLEL		32
#define MAX_REGIONS		64

void
options_init(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->arch = ARCH_ARM64;
	o->deno_version = xstrdup(DENO_DEFAULT_VERSION);
	o->runtime = RUNTIME_AL2023;
	o->stack = STACK_UNSET;
	o->format = FORMAT_YAML;
	o->prefix = xstrdup("");
	o->layer_name = xstrdup(DEFAULT_LAYER_NAME);
	o->layer_stack_name = xstrdup(DEFAULT_LAYER_STACK);
	o->log_retention = DEFAULT_LOG_RETENTION;
	o->url_auth = URL_AUTH_NONE;
	o->verbosity = LOG_NORMAL;
	o->max_parallel = DEFAULT_MAX_PARALLEL;
}

static void
free_list(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
free_regions(struct options *o)
{
	size_t	i;

	for (i = 0; i < o->nregions; i++)
		free(o->regions[i]);
	free(o->regions);
	o->regions = NULL;
	o->nregions = 0;
}

static void	options_free_deploy(struct options *);

void
options_free(struct options *o)
{
	if (o == NULL)
		return;
	free(o->deno_version);
	free(o->layer_arn);
	free(o->output);
	free(o->out_dir);
	free(o->check);
	free(o->bucket);
	free(o->expected_bucket_owner);
	free(o->prefix);
	free(o->region);
	free(o->profile);
	free(o->endpoint_url);
	free(o->layer_name);
	free(o->layer_stack_name);
	free(o->deno_zip);
	free(o->deno_bin);
	free(o->deno_sha256);
	free(o->deno_base_url);
	free(o->cache_dir);
	free(o->share);
	free_regions(o);
	free(o->bucket_pattern);
	free(o->stack_set);
	free_list(o->targets, o->ntargets);
	free(o->max_concurrent);
	free(o->failure_tolerance);
	free(o->org_id);
	options_free_deploy(o);
	memset(o, 0, sizeof(*o));
}

/* Validators. Each returns 0 when the string is acceptable. */

static int
all_digits(const char *s, size_t n)
{
	size_t	i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int
name_chars(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return 0;
	return 1;
}

int
valid_layer_name(const char *s)
{
	size_t	n = strlen(s);

	/* Lambda's LayerName: [a-zA-Z0-9-_]+, 1 to 140 characters. */
	return n >= 1 && n <= 140 && name_chars(s, n) ? 0 : -1;
}

static int
valid_partition(const char *s, size_t n)
{
	static const char *const	parts[] = { "aws", "aws-cn",
	    "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f",
	    "aws-eusc" };
	size_t				i;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (strlen(parts[i]) == n && memcmp(parts[i], s, n) == 0)
			return 1;
	return 0;
}

/* us-east-1, us-gov-west-1, cn-north-1, eu-isoe-west-1 */
static int
valid_region_n(const char *s, size_t n)
{
	size_t	i = 0, parts = 0;

	if (n < 4 || n > 32)
		return 0;
	while (i < n) {
		size_t	start = i;

		while (i < n && s[i] != '-')
			i++;
		if (i == start)
			return 0;
		if (parts == 0 && (i - start != 2 ||
		    !islower((unsigned char)s[0]) || !islower((unsigned char)s[1])))
			return 0;
		if (i == n) {
			/* the last part is the number */
			if (parts < 2 || !all_digits(s + start, i - start))
				return 0;
		} else {
			size_t	j;

			for (j = start; j < i; j++)
				if (!islower((unsigned char)s[j]))
					return 0;
			i++;
		}
		parts++;
	}
	return s[n - 1] != '-';
}

int
valid_region(const char *s)
{
	return valid_region_n(s, strlen(s)) ? 0 : -1;
}

int
valid_layer_arn(const char *arn)
{
	/* arn:<partition>:lambda:<region>:<account>:layer:<name>:<version> */
	const char	*f[8];
	size_t		 len[8];
	const char	*p = arn, *colon;
	int		 i;

	for (i = 0; i < 8; i++) {
		colon = strchr(p, ':');
		if ((colon == NULL) != (i == 7))
			return -1;
		f[i] = p;
		len[i] = colon ? (size_t)(colon - p) : strlen(p);
		p = colon ? colon + 1 : p + len[i];
	}
	if (len[0] != 3 || memcmp(f[0], "arn", 3) != 0)
		return -1;
	if (!valid_partition(f[1], len[1]))
		return -1;
	if (len[2] != 6 || memcmp(f[2], "lambda", 6) != 0)
		return -1;
	if (!valid_region_n(f[3], len[3]))
		return -1;
	if (len[4] != 12 || !all_digits(f[4], 12))
		return -1;
	if (len[5] != 5 || memcmp(f[5], "layer", 5) != 0)
		return -1;
	if (len[6] < 1 || len[6] > 140 || !name_chars(f[6], len[6]))
		return -1;
	if (!all_digits(f[7], len[7]) || len[7] > 9 || f[7][0] == '0')
		return -1;
	return 0;
}

int
valid_bucket_name(const char *s)
{
	size_t		 n = strlen(s), i;
	int		 dots = 0, digits_only = 1;
	static const char *const	bad_prefix[] = { "xn--", "sthree-",
	    "amzn-s3-demo-" };
	static const char *const	bad_suffix[] = { "-s3alias", "--ol-s3",
	    ".mrap", "--x-s3", "--table-s3" };

	/* S3's general purpose bucket naming rules. */
	if (n < 3 || n > 63)
		return -1;
	if (!islower((unsigned char)s[0]) && !isdigit((unsigned char)s[0]))
		return -1;
	if (!islower((unsigned char)s[n - 1]) && !isdigit((unsigned char)s[n - 1]))
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char	c = (unsigned char)s[i];

		if (c == '.') {
			if (s[i + 1] == '.' || (i > 0 && s[i - 1] == '-') ||
			    s[i + 1] == '-')
				return -1;
			dots++;
		} else if (isdigit(c))
			;
		else if (islower(c) || c == '-')
			digits_only = 0;
		else
			return -1;
	}
	if (dots == 3 && digits_only)
		return -1;	/* formatted as an IP address */
	for (i = 0; i < sizeof(bad_prefix) / sizeof(bad_prefix[0]); i++)
		if (strncmp(s, bad_prefix[i], strlen(bad_prefix[i])) == 0)
			return -1;
	for (i = 0; i < sizeof(bad_suffix) / sizeof(bad_suffix[0]); i++) {
		size_t	m = strlen(bad_suffix[i]);

		if (n >= m && strcmp(s + n - m, bad_suffix[i]) == 0)
			return -1;
	}
	return 0;
}

static const long	retention_days[] = { 1, 3, 5, 7, 14, 30, 60, 90, 120,
	150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
	3653 };

int
valid_log_retention(long days)
{
	size_t	i;

	for (i = 0; i < sizeof(retention_days) / sizeof(retention_days[0]); i++)
		if (retention_days[i] == days)
			return 0;
	return -1;
}

int
valid_account_id(const char *s, size_t n)
{
	return n == 12 && all_digits(s, n) ? 0 : -1;
}

int
valid_org_id(const char *s, size_t n)
{
	size_t	i;

	/* AWS Organizations: o-[a-z0-9]{10,32} */
	if (n < 12 || n > 34 || strncmp(s, "o-", 2) != 0)
		return -1;
	for (i = 2; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]))
			return -1;
	return 0;
}

int
valid_share(const char *v, const char **why)
{
	const char	*p = v, *q, *e;
	size_t		 n, m, count = 0;

	*why = NULL;
	if (strcmp(v, "public") == 0)
		return 0;
	for (;;) {
		n = strcspn(p, ",");
		if (n == 6 && strncmp(p, "public", 6) == 0) {
			*why = "public already grants every account; give it "
			    "alone";
			return -1;
		}
		if (valid_account_id(p, n) == -1 && valid_org_id(p, n) == -1) {
			*why = n == 0 ? "an empty entry" : "expected public, "
			    "12-digit account IDs or organization IDs "
			    "(o-...), comma-separated";
			return -1;
		}
		/* A principal twice would be two resources of one name. */
		for (q = v; q < p; q = e + 1) {
			e = q + strcspn(q, ",");
			m = (size_t)(e - q);
			if (m == n && strncmp(q, p, n) == 0) {
				*why = "an entry is given twice";
				return -1;
			}
		}
		if (++count > 50) {
			*why = "more than 50 entries (a layer version's policy "
			    "is at most 20 kB); share with an organization";
			return -1;
		}
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	return 0;
}

int
valid_region_list(const char *v, const char **why)
{
	const char	*p = v, *q;
	size_t		 n, count = 0;

	*why = NULL;
	for (;;) {
		n = strcspn(p, ",");
		if (n == 0) {
			*why = "an empty entry";
			return -1;
		}
		if (!valid_region_n(p, n)) {
			*why = "not a list of AWS region names (e.g. "
			    "us-east-1,eu-west-1)";
			return -1;
		}
		for (q = v; q < p; q += strcspn(q, ",") + 1)
			if (strcspn(q, ",") == n && strncmp(q, p, n) == 0) {
				*why = "a region is given twice";
				return -1;
			}
		if (++count > MAX_REGIONS) {
			*why = "more regions than AWS has";
			return -1;
		}
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	return 0;
}

/* Setters: one per flag, kept in the order of options_table. */

static void
replace(char **dst, const char *value)
{
	free(*dst);
	*dst = value ? xstrdup(value) : NULL;
}

static int
set_arch(struct options *o, const char *flag, const char *v)
{
	if (strcmp(v, "arm64") == 0)
		o->arch = ARCH_ARM64;
	else if (strcmp(v, "x86_64") == 0)
		o->arch = ARCH_X86_64;
	else if (strcmp(v, "aarch64") == 0 || strcmp(v, "arm") == 0) {
		log_usage("%s %s: unknown architecture; did you mean arm64?",
		    flag, v);
		return -1;
	} else if (strcmp(v, "amd64") == 0 || strcmp(v, "x64") == 0 ||
	    strcmp(v, "x86-64") == 0) {
		log_usage("%s %s: unknown architecture; did you mean x86_64?",
		    flag, v);
		return -1;
	} else {
		log_usage("%s %s: unknown architecture (arm64 or x86_64)",
		    flag, v);
		return -1;
	}
	return 0;
}

static int
set_deno(struct options *o, const char *flag, const char *v)
{
	char	*norm;

	if (valid_deno_version(v, &norm) == -1) {
		const char	*p = v + (*v == 'v');
		int		 dots = 0;

		for (; *p; p++)
			dots += *p == '.';
		if (dots == 1 && strspn(v + (*v == 'v'), "0123456789.") ==
		    strlen(v + (*v == 'v')))
			log_usage("%s %s: needs a full version vX.Y.Z "
			    "(e.g. %s.0)", flag, v, v);
		else
			log_usage("%s %s: not a Deno version; expected vX.Y.Z "
			    "(e.g. %s) or latest", flag, v, DENO_DEFAULT_VERSION);
		return -1;
	}
	free(o->deno_version);
	o->deno_version = norm;
	o->deno_version_set = 1;
	return 0;
}

static int
parse_bool(const char *flag, const char *v, int *out)
{
	if (v == NULL || strcmp(v, "true") == 0 || strcmp(v, "1") == 0 ||
	    strcmp(v, "yes") == 0) {
		*out = 1;
		return 0;
	}
	if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0 ||
	    strcmp(v, "no") == 0) {
		*out = 0;
		return 0;
	}
	log_usage("%s %s: expected true or false", flag, v);
	return -1;
}

static int
set_create_example(struct options *o, const char *flag, const char *v)
{
	return parse_bool(flag, v, &o->create_example);
}

static int
set_layer_arn(struct options *o, const char *flag, const char *v)
{
	if (valid_layer_arn(v) == -1) {
		log_usage("%s %s: not a layer version ARN "
		    "(arn:PARTITION:lambda:REGION:ACCOUNT:layer:NAME:VERSION)",
		    flag, v);
		return -1;
	}
	replace(&o->layer_arn, v);
	return 0;
}

static int
set_runtime(struct options *o, const char *flag, const char *v)
{
	if (strcmp(v, "provided.al2023") == 0)
		o->runtime = RUNTIME_AL2023;
	else if (strcmp(v, "provided.al2") == 0)
		o->runtime = RUNTIME_AL2;
	else {
		log_usage("%s %s: unsupported runtime "
		    "(provided.al2023 or provided.al2)", flag, v);
		return -1;
	}
	o->runtime_set = 1;
	return 0;
}

static int
set_share(struct options *o, const char *flag, const char *v)
{
	const char	*why;

	if (valid_share(v, &why) == -1) {
		log_usage("%s %s: %s", flag, v, why);
		return -1;
	}
	replace(&o->share, v);
	return 0;
}

static int
set_regions(struct options *o, const char *flag, const char *v)
{
	const char	*why, *p = v;
	size_t		 n;

	if (valid_region_list(v, &why) == -1) {
		log_usage("%s %s: %s", flag, v, why);
		return -1;
	}
	free_regions(o);
	o->regions = xcalloc(MAX_REGIONS, sizeof(*o->regions));
	for (;;) {
		n = strcspn(p, ",");
		o->regions[o->nregions++] = xstrndup(p, n);
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	return 0;
}

static int
set_bucket_pattern(struct options *o, const char *flag, const char *v)
{
	const char	*why;

	if ((why = regions_pattern_problem(v)) != NULL) {
		log_usage("%s %s: %s", flag, v, why);
		return -1;
	}
	replace(&o->bucket_pattern, v);
	return 0;
}

static int
set_max_parallel(struct options *o, const char *flag, const char *v)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || n < 1 ||
	    n > MAX_PARALLEL) {
		log_usage("%s %s: expected a number from 1 to %d", flag, v,
		    MAX_PARALLEL);
		return -1;
	}
	o->max_parallel = (int)n;
	return 0;
}

static int
set_stack_set(struct options *o, const char *flag, const char *v)
{
	size_t	n = strlen(v);

	/* StackSet names: [a-zA-Z][-a-zA-Z0-9]*, at most 128. */
	if (n == 0 || n > 128 || !isalpha((unsigned char)v[0]) ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-") != n) {
		log_usage("%s %s: not a StackSet name (a letter, then letters, "
		    "digits and hyphens; at most 128)", flag, v);
		return -1;
	}
	replace(&o->stack_set, v);
	return 0;
}

static int
set_permission_model(struct options *o, const char *flag, const char *v)
{
	if (strcmp(v, "SERVICE_MANAGED") == 0)
		o->service_managed = 1;
	else if (strcmp(v, "SELF_MANAGED") == 0)
		o->service_managed = 0;
	else {
		log_usage("%s %s: SERVICE_MANAGED or SELF_MANAGED", flag, v);
		return -1;
	}
	return 0;
}

/* An OU ID (ou-xxxx-xxxxxxxx) or the root (r-xxxx), as Organizations has them. */
static int
valid_ou(const char *s, size_t n)
{
	size_t	a, b;

	if (n > 2 && strncmp(s, "r-", 2) == 0) {
		a = strspn(s + 2, "abcdefghijklmnopqrstuvwxyz0123456789");
		return a == n - 2 && a >= 4 && a <= 32;
	}
	if (n < 3 || strncmp(s, "ou-", 3) != 0)
		return 0;
	a = strspn(s + 3, "abcdefghijklmnopqrstuvwxyz0123456789");
	if (a < 4 || a > 32 || 3 + a >= n || s[3 + a] != '-')
		return 0;
	b = strspn(s + 4 + a, "abcdefghijklmnopqrstuvwxyz0123456789");
	return 4 + a + b == n && b >= 8 && b <= 32;
}

/* A comma list of distinct IDs that ok() accepts. */
static int
set_targets(struct options *o, const char *flag, const char *v, int ous,
    int (*ok)(const char *, size_t), const char *what)
{
	const char	*p = v, *q;
	size_t		 n;

	if (o->ntargets > 0 && o->targets_are_ous != ous) {
		log_usage("%s: --accounts and --org-units: give one (the "
		    "permission model decides)", flag);
		return -1;
	}
	for (;;) {
		n = strcspn(p, ",");
		if (!ok(p, n)) {
			log_usage("%s %s: expected %s, comma-separated", flag, v,
			    what);
			return -1;
		}
		for (q = v; q < p; q += strcspn(q, ",") + 1)
			if (strcspn(q, ",") == n && strncmp(q, p, n) == 0) {
				log_usage("%s %s: an entry is given twice",
				    flag, v);
				return -1;
			}
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	free_list(o->targets, o->ntargets);
	o->targets = NULL;
	o->ntargets = 0;
	o->targets_are_ous = ous;
	for (p = v;; p += n + 1) {
		n = strcspn(p, ",");
		o->targets = xreallocarray(o->targets, o->ntargets + 1,
		    sizeof(*o->targets));
		o->targets[o->ntargets++] = xstrndup(p, n);
		if (p[n] == '\0')
			break;
	}
	return 0;
}

static int
account_ok(const char *s, size_t n)
{
	return valid_account_id(s, n) == 0;
}

static int
set_accounts(struct options *o, const char *flag, const char *v)
{
	return set_targets(o, flag, v, 0, account_ok, "12-digit account IDs");
}

static int
set_org_units(struct options *o, const char *flag, const char *v)
{
	return set_targets(o, flag, v, 1, valid_ou,
	    "organizational unit IDs (ou-xxxx-xxxxxxxx, or the root r-xxxx)");
}

static int
set_max_concurrent(struct options *o, const char *flag, const char *v)
{
	if (stackset_valid_preference(v, 1) == -1) {
		log_usage("%s %s: a number of accounts (at least 1) or a "
		    "percentage (1%% to 100%%)", flag, v);
		return -1;
	}
	replace(&o->max_concurrent, v);
	return 0;
}

static int
set_failure_tolerance(struct options *o, const char *flag, const char *v)
{
	if (stackset_valid_preference(v, 0) == -1) {
		log_usage("%s %s: a number of accounts or a percentage "
		    "(0%% to 100%%)", flag, v);
		return -1;
	}
	replace(&o->failure_tolerance, v);
	return 0;
}

static int
set_org_id(struct options *o, const char *flag, const char *v)
{
	if (valid_org_id(v, strlen(v)) == -1) {
		log_usage("%s %s: not an organization ID (o-, then 10 to 32 "
		    "lowercase letters or digits)", flag, v);
		return -1;
	}
	replace(&o->org_id, v);
	return 0;
}

static int
set_grant_org_read(struct options *o, const char *flag UNUSED,
    const char *v UNUSED)
{
	o->grant_org_read = 1;
	return 0;
}

static int
set_stack(struct options *o, const char *flag, const char *v)
{
	if (strcmp(v, "layer") == 0)
		o->stack = STACK_LAYER;
	else if (strcmp(v, "example") == 0)
		o->stack = STACK_EXAMPLE;
	else if (strcmp(v, "all") == 0)
		o->stack = STACK_ALL;
	else {
		log_usage("%s %s: unknown stack (layer, example or all)",
		    flag, v);
		return -1;
	}
	return 0;
}

static int
set_format(struct options *o, const char *flag, const char *v)
{
	if (strcmp(v, "yaml") == 0)
		o->format = FORMAT_YAML;
	else if (strcmp(v, "json") == 0)
		o->format = FORMAT_JSON;
	else {
		log_usage("%s %s: unknown format (yaml or json)", flag, v);
		return -1;
	}
	return 0;
}

static int
set_path(char **dst, const char *flag, const char *v)
{
	if (*v == '\0') {
		log_usage("%s: empty path", flag);
		return -1;
	}
	replace(dst, v);
	return 0;
}

static int
set_output(struct options *o, const char *flag, const char *v)
{
	return set_path(&o->output, flag, v);
}

static int
set_out_dir(struct options *o, const char *flag, const char *v)
{
	return set_path(&o->out_dir, flag, v);
}

static int
set_check(struct options *o, const char *flag, const char *v)
{
	return set_path(&o->check, flag, v);
}

static int
set_bucket(struct options *o, const char *flag, const char *v)
{
	if (valid_bucket_name(v) == -1) {
		log_usage("%s %s: not a valid S3 bucket name (3-63 characters: "
		    "lowercase letters, digits, dots and hyphens, starting and "
		    "ending with a letter or digit)", flag, v);
		return -1;
	}
	replace(&o->bucket, v);
	return 0;
}

/*
 * The key goes on the wire as signed (no client may normalise it), and
 * the template must name the key that was uploaded: no segment that a URL
 * normaliser would remove or merge. The last, unfinished segment is
 * joined to the digest, so only segments ending in '/' count.
 */
static const char *
prefix_segments_problem(const char *v)
{
	const char	*p, *slash;
	size_t		 n;

	for (p = v; (slash = strchr(p, '/')) != NULL; p = slash + 1) {
		n = (size_t)(slash - p);
		if (n == 0)
			return "an empty segment (//) in the key prefix";
		if ((n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return "a . or .. segment in the key prefix";
	}
	return NULL;
}

static int
set_expected_bucket_owner(struct options *o, const char *flag, const char *v)
{
	if (valid_account_id(v, strlen(v)) == -1) {
		log_usage("%s %s: expected a 12-digit AWS account ID", flag, v);
		return -1;
	}
	replace(&o->expected_bucket_owner, v);
	return 0;
}

static int
set_prefix(struct options *o, const char *flag, const char *v)
{
	const char	*why;
	size_t		 i, n = strlen(v);

	/* The key is prefix + 64 hex + ".zip"; S3 keys are at most 1024 bytes. */
	if (n > 1024 - 68) {
		log_usage("%s: longer than %d bytes", flag, 1024 - 68);
		return -1;
	}
	if (v[0] == '/') {
		log_usage("%s %s: an S3 key prefix does not start with /",
		    flag, v);
		return -1;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f) {
			log_usage("%s: control character in key prefix", flag);
			return -1;
		}
	if ((why = prefix_segments_problem(v)) != NULL) {
		log_usage("%s %s: %s", flag, v, why);
		return -1;
	}
	/* S3 keys are UTF-8, and so are the templates that name them. */
	if (!doc_utf8_valid(v, n)) {
		log_usage("%s: key prefix is not valid UTF-8", flag);
		return -1;
	}
	replace(&o->prefix, v);
	return 0;
}

static int
set_region(struct options *o, const char *flag, const char *v)
{
	if (valid_region(v) == -1) {
		log_usage("%s %s: not an AWS region name (e.g. us-east-1)",
		    flag, v);
		return -1;
	}
	replace(&o->region, v);
	return 0;
}

static int
set_profile(struct options *o, const char *flag, const char *v)
{
	if (*v == '\0' || strpbrk(v, "[]\n\r") != NULL) {
		log_usage("%s %s: not a profile name", flag, v);
		return -1;
	}
	replace(&o->profile, v);
	return 0;
}

/*
 * The one rule for every URL cfngen is given (flags, environment,
 * profiles): http or https, a host, no blanks or control characters, and
 * nothing a path could not be appended to (user, query, fragment).
 */
const char *
endpoint_url_problem(const char *v)
{
	const char	*host, *p;

	if (strncmp(v, "https://", 8) == 0)
		host = v + 8;
	else if (strncmp(v, "http://", 7) == 0)
		host = v + 7;
	else
		return "expected an http:// or https:// URL";
	if (*host == '\0' || *host == '/')
		return "no host in the URL";
	for (p = v; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return "blank or control character in the URL";
	/* Requests are built by appending a path: nothing may follow it. */
	if (strpbrk(v, "?#@") != NULL)
		return "a URL here has no user, query or fragment";
	return NULL;
}

int
valid_endpoint_url(const char *v)
{
	return endpoint_url_problem(v) == NULL ? 0 : -1;
}

static int
set_endpoint_url(struct options *o, const char *flag, const char *v)
{
	const char	*why;

	if ((why = endpoint_url_problem(v)) != NULL) {
		log_usage("%s %s: %s", flag, v, why);
		return -1;
	}
	replace(&o->endpoint_url, v);
	return 0;
}

static int
set_layer_name(struct options *o, const char *flag, const char *v)
{
	if (valid_layer_name(v) == -1) {
		log_usage("%s %s: a layer name is 1 to 140 letters, digits, "
		    "hyphens and underscores", flag, v);
		return -1;
	}
	replace(&o->layer_name, v);
	return 0;
}

static int
set_layer_stack_name(struct options *o, const char *flag, const char *v)
{
	size_t	n = strlen(v);

	/* CloudFormation stack names: [A-Za-z][A-Za-z0-9-]*, at most 128. */
	if (n == 0 || n > 128 || !isalpha((unsigned char)v[0]) ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-") != n) {
		log_usage("%s %s: not a CloudFormation stack name", flag, v);
		return -1;
	}
	replace(&o->layer_stack_name, v);
	return 0;
}

static int
set_export_layer_arn(struct options *o, const char *flag UNUSED,
    const char *v UNUSED)
{
	o->export_layer_arn = 1;
	return 0;
}

static int
set_cdk_compat(struct options *o, const char *flag UNUSED,
    const char *v UNUSED)
{
	o->cdk_compat = 1;
	return 0;
}

static int
set_log_retention(struct options *o, const char *flag, const char *v)
{
	char	*end;
	long	 days;

	errno = 0;
	days = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 ||
	    valid_log_retention(days) == -1) {
		log_usage("%s %s: CloudWatch Logs retention must be one of 1, 3, "
		    "5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, "
		    "1096, 1827, 2192, 2557, 2922, 3288, 3653 days", flag, v);
		return -1;
	}
	o->log_retention = (int)days;
	return 0;
}

static int
set_url_auth(struct options *o, const char *flag, const char *v)
{
	if (strcmp(v, "NONE") == 0)
		o->url_auth = URL_AUTH_NONE;
	else if (strcmp(v, "AWS_IAM") == 0)
		o->url_auth = URL_AUTH_AWS_IAM;
	else {
		log_usage("%s %s: Function URL auth type is NONE or AWS_IAM",
		    flag, v);
		return -1;
	}
	return 0;
}

static int
set_input_file(char **dst, const char *flag, const char *v)
{
	struct stat	st;

	if (stat(v, &st) == -1) {
		log_usage("%s %s: %s", flag, v, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		log_usage("%s %s: not a regular file", flag, v);
		return -1;
	}
	replace(dst, v);
	return 0;
}

static int
set_deno_zip(struct options *o, const char *flag, const char *v)
{
	return set_input_file(&o->deno_zip, flag, v);
}

static int
set_deno_bin(struct options *o, const char *flag, const char *v)
{
	return set_input_file(&o->deno_bin, flag, v);
}

static int
set_deno_sha256(struct options *o, const char *flag, const char *v)
{
	char	*p;

	if (valid_sha256_hex(v) == -1) {
		log_usage("%s %s: expected 64 hexadecimal digits", flag, v);
		return -1;
	}
	replace(&o->deno_sha256, v);
	for (p = o->deno_sha256; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
}

static int
set_deno_base_url(struct options *o, const char *flag, const char *v)
{
	const char	*why;
	size_t		 n;

	if ((why = endpoint_url_problem(v)) != NULL) {
		log_usage("%s %s: %s", flag, v, why);
		return -1;
	}
	replace(&o->deno_base_url, v);
	/* <base>/<version>/<asset>: keep one slash between the parts. */
	n = strlen(o->deno_base_url);
	while (n > 0 && o->deno_base_url[n - 1] == '/')
		o->deno_base_url[--n] = '\0';
	return 0;
}

static int
set_cache_dir(struct options *o, const char *flag, const char *v)
{
	return set_path(&o->cache_dir, flag, v);
}

static int
set_offline(struct options *o, const char *flag UNUSED,
    const char *v UNUSED)
{
	o->offline = 1;
	return 0;
}

static int
set_quiet(struct options *o, const char *flag UNUSED,
    const char *v UNUSED)
{
	o->verbosity = LOG_QUIET;
	return 0;
}

static int
set_verbose(struct options *o, const char *flag UNUSED,
    const char *v UNUSED)
{
	if (o->verbosity < LOG_DEBUG)
		o->verbosity = o->verbosity < LOG_NORMAL ? LOG_VERBOSE :
		    o->verbosity + 1;
	return 0;
}

/* --- deploy, destroy, bootstrap --- */

static void
options_free_deploy(struct options *o)
{
	size_t	i;

	free(o->template);
	free(o->stack_name);
	for (i = 0; i < o->ntags; i++) {
		free(o->tags[i].key);
		free(o->tags[i].value);
	}
	free(o->tags);
	free(o->outputs_file);
	free(o->cfn_endpoint_url);
}

static int
set_template(struct options *o, const char *flag, const char *v)
{
	struct stat	st;

	if (strcmp(v, "-") != 0 && stat(v, &st) == -1) {
		log_usage("%s %s: %s", flag, v, strerror(errno));
		return -1;
	}
	if (strcmp(v, "-") != 0 && S_ISDIR(st.st_mode)) {
		log_usage("%s %s: is a directory", flag, v);
		return -1;
	}
	replace(&o->template, v);
	return 0;
}

static int
set_stack_name(struct options *o, const char *flag, const char *v)
{
	size_t	n = strlen(v);

	if (n == 0 || n > 128 || !isalpha((unsigned char)v[0]) ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-") != n) {
		log_usage("%s %s: not a CloudFormation stack name (a letter, "
		    "then letters, digits and hyphens, at most 128)", flag, v);
		return -1;
	}
	replace(&o->stack_name, v);
	return 0;
}

static int
set_tags(struct options *o, const char *flag, const char *v)
{
	const char	*eq = strchr(v, '=');
	size_t		 kn = eq != NULL ? (size_t)(eq - v) : 0;

	/* CloudFormation: a key of 1-128 characters, not aws:; a value of 0-256 */
	if (eq == NULL || kn == 0 || kn > 128 || strlen(eq + 1) > 256 ||
	    strncmp(v, "aws:", 4) == 0) {
		log_usage("%s %s: expected KEY=VALUE (a key of 1 to 128 "
		    "characters, not starting with aws:, a value of at most "
		    "256)", flag, v);
		return -1;
	}
	o->tags = xreallocarray(o->tags, o->ntags + 1, sizeof(*o->tags));
	o->tags[o->ntags].key = xstrndup(v, kn);
	o->tags[o->ntags++].value = xstrdup(eq + 1);
	return 0;
}

static int
set_no_execute(struct options *o, const char *flag UNUSED,
    const char *v UNUSED)
{
	o->no_execute = 1;
	return 0;
}

static int
set_no_wait(struct options *o, const char *flag UNUSED,
    const char *v UNUSED)
{
	o->no_wait = 1;
	return 0;
}

static int
set_yes(struct options *o, const char *flag UNUSED, const char *v UNUSED)
{
	o->yes = 1;
	return 0;
}

static int
set_outputs_file(struct options *o, const char *flag, const char *v)
{
	return set_path(&o->outputs_file, flag, v);
}

static int
set_cfn_endpoint_url(struct options *o, const char *flag, const char *v)
{
	const char	*why;

	if ((why = endpoint_url_problem(v)) != NULL) {
		log_usage("%s %s: %s", flag, v, why);
		return -1;
	}
	replace(&o->cfn_endpoint_url, v);
	return 0;
}

/* The deploy flags belong to the commands that talk to CloudFormation. */
static int
check_deploy(const struct options *o, const char *command,
    unsigned int does)
{
	const char	*flag = o->template ? "--template" : o->ntags ?
			    "--tags" : o->no_execute ? "--no-execute" :
			    o->no_wait ? "--no-wait" : o->outputs_file ?
			    "--outputs-file" : NULL;
	const char	*stackflag = o->stack_name ? "--stack-name" : o->yes ?
			    "--yes" : o->cfn_endpoint_url ?
			    "--cloudformation-endpoint-url" : NULL;
	int		 deploying = command != NULL &&
			    strcmp(command, "deploy") == 0;

	if (!(does & OPTIONS_STACKS) && (flag != NULL || stackflag != NULL)) {
		log_usage("%s: only for cfngen deploy, destroy and bootstrap",
		    flag != NULL ? flag : stackflag);
		return -1;
	}
	if (!(does & OPTIONS_DEPLOYS) && flag != NULL) {
		log_usage("%s: only for cfngen deploy%s", flag,
		    o->template ? "" : " and bootstrap");
		return -1;
	}
	if (o->template != NULL && (o->create_example ||
	    o->stack == STACK_EXAMPLE || o->stack == STACK_ALL ||
	    o->nregions > 0)) {
		log_usage("--template: deploys the given template as one "
		    "stack; --stack example/all, --create-example and "
		    "--regions do not apply");
		return -1;
	}
	/* deploy works in several regions (regions.h); the others in one */
	if ((does & OPTIONS_STACKS) && o->nregions > 0 && !deploying) {
		log_usage("--regions: cfngen %s works in one region (--region)",
		    command);
		return -1;
	}
	if (deploying && o->nregions > 0 && o->stack_set == NULL &&
	    o->stack == STACK_UNSET && o->create_example) {
		log_usage("--regions: deploys one stack in each region, and "
		    "--create-example means two; add --stack all (one "
		    "template), layer or example");
		return -1;
	}
	if (deploying && o->nregions > 0 && o->stack_set == NULL &&
	    o->outputs_file != NULL) {
		log_usage("--outputs-file: with --regions, the layer of each "
		    "region goes to layers.json (in --out-dir or here)");
		return -1;
	}
	if (o->stack_set != NULL && (o->no_execute || o->ntags > 0 ||
	    o->stack_name != NULL || o->outputs_file != NULL)) {
		log_usage("--stack-set: %s does not apply to a StackSet",
		    o->no_execute ? "--no-execute" : o->ntags > 0 ? "--tags" :
		    o->stack_name != NULL ? "--stack-name" : "--outputs-file");
		return -1;
	}
	if (o->stack_name != NULL && o->template == NULL &&
	    o->stack == STACK_UNSET && o->create_example) {
		log_usage("--stack-name: names one stack, and --create-example "
		    "means two; add --stack layer, example or all");
		return -1;
	}
	if (o->no_execute && o->template == NULL &&
	    o->stack == STACK_UNSET && o->create_example) {
		log_usage("--no-execute: the example stack reads the layer "
		    "stack's output, which needs the layer deployed; add "
		    "--stack layer, example or all");
		return -1;
	}
	return 0;
}

struct setter {
	struct option_desc	 d;
	int			(*set)(struct options *, const char *,
				    const char *);
};

static int	set_context(struct options *, const char *, const char *);

/*
 * Every flag, sorted by name, with what --help says of it: the argument's
 * name, the section it is listed under, and one or more lines of help.
 * help and version have no setter: main answers them.
 */
#define FLAG(nm, sc, ar, tx, fn) \
	{ { .name = (nm), .has_arg = (ar) != NULL, .arg = (ar), \
	    .section = (sc), .help = (tx) }, (fn) }
#define SHORT(nm, ch, sc, ar, tx, fn) \
	{ { .name = (nm), .has_arg = (ar) != NULL, .short_name = (ch), \
	    .arg = (ar), .section = (sc), .help = (tx) }, (fn) }

static const struct setter	setters[] = {
	FLAG("accounts", OPTSEC_AWS, "ID,...",
	    "--stack-set: self-managed target accounts",
	    set_accounts),
	FLAG("arch", OPTSEC_BUILD, "ARCH",
	    "arm64 (default) or x86_64", set_arch),
	FLAG("bucket", OPTSEC_AWS, "NAME",
	    "S3 bucket (default: the CDK bootstrap assets bucket)",
	    set_bucket),
	FLAG("bucket-owner", OPTSEC_AWS, "ACCOUNT",
	    "the same as --expected-bucket-owner",
	    set_expected_bucket_owner),
	FLAG("bucket-pattern", OPTSEC_AWS, "P",
	    "one bucket per region, e.g. NAME-{region}\n"
	    "({account} too); the template names it with !Sub",
	    set_bucket_pattern),
	FLAG("cache-dir", OPTSEC_DENO, "DIR",
	    "download cache (default ~/.cache/cfngen)", set_cache_dir),
	FLAG("cdk-compat", OPTSEC_TEMPLATE, NULL,
	    "keep the original CDK app's logical IDs", set_cdk_compat),
	FLAG("check", OPTSEC_TEMPLATE, "FILE",
	    "exit 1 with a diff if FILE differs from the template",
	    set_check),
	FLAG("cloudformation-endpoint-url", OPTSEC_AWS, "URL",
	    "CloudFormation endpoint", set_cfn_endpoint_url),
	SHORT("context", 'c', OPTSEC_BUILD, "KEY=VAL",
	    "the original CDK app's context: architecture,\n"
	    "denoVersion, createExample, layerArn, regions", set_context),
	FLAG("create-example", OPTSEC_BUILD, NULL,
	    "also build and deploy the example function",
	    set_create_example),
	FLAG("deno", OPTSEC_BUILD, "VERSION",
	    "Deno release, vX.Y.Z or latest (default "
	    DENO_DEFAULT_VERSION ")", set_deno),
	FLAG("deno-base-url", OPTSEC_DENO, "URL",
	    "release mirror (default: GitHub releases of\n"
	    "denoland/deno)", set_deno_base_url),
	FLAG("deno-bin", OPTSEC_DENO, "FILE", "a Deno executable",
	    set_deno_bin),
	FLAG("deno-sha256", OPTSEC_DENO, "HEX",
	    "expected SHA-256 of the release zip", set_deno_sha256),
	FLAG("deno-zip", OPTSEC_DENO, "FILE",
	    "a release zip (deno-<arch>-unknown-linux-gnu.zip)",
	    set_deno_zip),
	FLAG("endpoint-url", OPTSEC_AWS, "URL",
	    "S3 endpoint (for S3-compatible stores and tests)",
	    set_endpoint_url),
	FLAG("expected-bucket-owner", OPTSEC_AWS, "ACCOUNT",
	    "the account that must own the bucket\n"
	    "(default: the credentials' account for the default\n"
	    "bucket)", set_expected_bucket_owner),
	FLAG("export-layer-arn", OPTSEC_TEMPLATE, NULL,
	    "also export LayerArn (see cfngen(1) for the trap)",
	    set_export_layer_arn),
	FLAG("failure-tolerance", OPTSEC_AWS, "N|P%",
	    "--stack-set: failed accounts per region\n"
	    "before CloudFormation stops", set_failure_tolerance),
	FLAG("format", OPTSEC_TEMPLATE, "yaml|json",
	    "output format (default yaml)", set_format),
	FLAG("grant-org-read", OPTSEC_AWS, NULL,
	    "--stack-set: merge the bucket policy that\n"
	    "lets the organization read the artifacts",
	    set_grant_org_read),
	SHORT("help", 'h', OPTSEC_GENERAL, NULL, "show this help", NULL),
	FLAG("layer-arn", OPTSEC_BUILD, "ARN",
	    "the layer the example uses, instead of the stack's",
	    set_layer_arn),
	FLAG("layer-name", OPTSEC_BUILD, "NAME",
	    "layer name (default deno-runtime)", set_layer_name),
	FLAG("layer-stack-name", OPTSEC_TEMPLATE, "NAME",
	    "layer stack the example refers to\n"
	    "(default DenoRuntimeLayerStack)", set_layer_stack_name),
	FLAG("log-retention", OPTSEC_TEMPLATE, "DAYS",
	    "example function's log retention (default 30)",
	    set_log_retention),
	FLAG("max-concurrent", OPTSEC_AWS, "N|P%",
	    "--stack-set: accounts at a time per region",
	    set_max_concurrent),
	FLAG("max-parallel", OPTSEC_AWS, "N",
	    "regions at a time (default 4)", set_max_parallel),
	FLAG("no-execute", OPTSEC_DEPLOY, NULL,
	    "create and show the change set only; print its\nname",
	    set_no_execute),
	FLAG("no-wait", OPTSEC_DEPLOY, NULL,
	    "refuse a stack with an operation in progress", set_no_wait),
	FLAG("offline", OPTSEC_DENO, NULL, "never use the network",
	    set_offline),
	FLAG("org-id", OPTSEC_AWS, "o-ID",
	    "--stack-set: the organization, for the\n"
	    "artifacts' bucket policy", set_org_id),
	FLAG("org-units", OPTSEC_AWS, "ou-ID,...",
	    "--stack-set: service-managed target OUs",
	    set_org_units),
	FLAG("out-dir", OPTSEC_TEMPLATE, "DIR",
	    "write artifacts, manifest.json and templates to DIR",
	    set_out_dir),
	SHORT("output", 'o', OPTSEC_TEMPLATE, "FILE",
	    "write the template to FILE instead of stdout", set_output),
	FLAG("outputs-file", OPTSEC_DEPLOY, "FILE",
	    "also write the stack outputs to FILE", set_outputs_file),
	FLAG("permission-model", OPTSEC_AWS, "MODEL",
	    "--stack-set: SELF_MANAGED (default) or\n"
	    "SERVICE_MANAGED", set_permission_model),
	FLAG("prefix", OPTSEC_AWS, "PREFIX", "S3 key prefix", set_prefix),
	FLAG("profile", OPTSEC_AWS, "NAME", "AWS profile", set_profile),
	SHORT("quiet", 'q', OPTSEC_GENERAL, NULL,
	    "errors and warnings only", set_quiet),
	FLAG("region", OPTSEC_AWS, "REGION", "AWS region", set_region),
	FLAG("regions", OPTSEC_AWS, "R1,R2,...",
	    "upload to each region's bucket (one build)", set_regions),
	FLAG("runtime", OPTSEC_BUILD, "RUNTIME",
	    "provided.al2023 (default) or provided.al2", set_runtime),
	FLAG("share", OPTSEC_TEMPLATE, "WHO",
	    "let others use the layer: public, account IDs or\n"
	    "an organization (o-...), comma-separated", set_share),
	FLAG("stack", OPTSEC_TEMPLATE, "layer|example|all",
	    "which template to print (default layer;\n"
	    "all with --create-example)", set_stack),
	FLAG("stack-name", OPTSEC_DEPLOY, "NAME",
	    "the stack deploy, destroy or bootstrap works on", set_stack_name),
	FLAG("stack-set", OPTSEC_AWS, "NAME",
	    "build, upload and deploy as a CloudFormation\n"
	    "StackSet over --regions",
	    set_stack_set),
	FLAG("tags", OPTSEC_DEPLOY, "KEY=VALUE",
	    "a stack tag (repeatable)", set_tags),
	FLAG("template", OPTSEC_DEPLOY, "FILE|-",
	    "deploy this template (- is stdin), build nothing",
	    set_template),
	FLAG("url-auth", OPTSEC_TEMPLATE, "NONE|AWS_IAM",
	    "example Function URL auth (default NONE)", set_url_auth),
	SHORT("verbose", 'v', OPTSEC_GENERAL, NULL,
	    "more detail (twice for debugging)", set_verbose),
	FLAG("version", OPTSEC_GENERAL, NULL, "show the version", NULL),
	SHORT("yes", 'y', OPTSEC_DEPLOY, NULL,
	    "destroy without asking", set_yes),
};

#undef FLAG
#undef SHORT

#define NSETTERS	(sizeof(setters) / sizeof(setters[0]))

const struct option_desc *
options_flag(size_t i)
{
	return i < NSETTERS ? &setters[i].d : NULL;
}

#define HELP_COLUMN	25	/* where the help text of a flag starts */

void
options_help(struct buf *out)
{
	static const char *const	titles[] = { "What to build",
	    "Where Deno comes from", "Templates", "AWS", "Deploying", NULL };
	const struct option_desc	*d;
	const char			*line, *nl;
	size_t				 sec, i, start;
	int				 rc = 0;

	for (sec = OPTSEC_BUILD; sec <= OPTSEC_GENERAL; sec++) {
		rc |= titles[sec] != NULL ? buf_addf(out, "\n%s:\n",
		    titles[sec]) : buf_addc(out, '\n');
		for (i = 0; i < NSETTERS; i++) {
			d = &setters[i].d;
			if (d->section != sec)
				continue;
			start = out->len;
			rc |= buf_adds(out, "  ");
			if (d->short_name != 0)
				rc |= buf_addf(out, "-%c, ", d->short_name);
			rc |= buf_addf(out, "--%s", d->name);
			if (d->arg != NULL)
				rc |= buf_addf(out, " %s", d->arg);
			if (out->len - start + 2 > HELP_COLUMN)
				rc |= buf_adds(out, "  ");
			else
				rc |= buf_addf(out, "%*s", (int)(HELP_COLUMN -
				    (out->len - start)), "");
			for (line = d->help; ; line = nl + 1) {
				nl = strchr(line, '\n');
				if (line != d->help)
					rc |= buf_addf(out, "%*s", HELP_COLUMN,
					    "");
				rc |= buf_add(out, line, nl != NULL ?
				    (size_t)(nl - line) : strlen(line));
				rc |= buf_addc(out, '\n');
				if (nl == NULL)
					break;
			}
		}
	}
	(void)rc;	/* an uncapped buf cannot refuse */
}

static int
setter_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct setter *)elem)->d.name);
}

int
options_set(struct options *o, const char *name, const char *value)
{
	const struct setter	*s;
	char			*flag;
	int			 rc;

	s = bsearch(name, setters, NSETTERS, sizeof(setters[0]), setter_cmp);
	if (s == NULL || s->set == NULL) {
		log_usage("--%s: unknown option", name);
		return -1;
	}
	if (s->d.has_arg && value == NULL) {
		log_usage("--%s: needs a value", name);
		return -1;
	}
	flag = xasprintf("--%s", name);
	rc = s->set(o, flag, value);
	free(flag);
	return rc;
}

/* The original app's CDK context keys, and the flag each one stands for. */
static const struct {
	const char	*key;
	const char	*flag;
} context_keys[] = {
	{ "architecture",	"arch" },
	{ "createExample",	"create-example" },
	{ "denoVersion",	"deno" },
	{ "layerArn",		"layer-arn" },
	{ "regions",		"regions" },
};

int
options_set_context(struct options *o, const char *kv)
{
	const char	*eq = strchr(kv, '=');
	char		*key, *flag;
	size_t		 i;
	int		 rc = -1;

	if (eq == NULL) {
		log_usage("-c %s: expected KEY=VALUE", kv);
		return -1;
	}
	key = xstrndup(kv, (size_t)(eq - kv));
	for (i = 0; i < sizeof(context_keys) / sizeof(context_keys[0]); i++)
		if (strcmp(key, context_keys[i].key) == 0)
			break;
	if (i == sizeof(context_keys) / sizeof(context_keys[0])) {
		log_usage("-c %s: unknown context key %s (architecture, "
		    "denoVersion, createExample, layerArn, regions)", kv, key);
		free(key);
		return -1;
	}
	flag = xasprintf("-c %s", key);
	if (strcmp(context_keys[i].flag, "create-example") == 0)
		rc = parse_bool(flag, eq + 1, &o->create_example);
	else {
		const struct setter	*s;

		s = bsearch(context_keys[i].flag, setters, NSETTERS,
		    sizeof(setters[0]), setter_cmp);
		rc = s->set(o, flag, eq + 1);
	}
	free(flag);
	free(key);
	return rc;
}

static int
set_context(struct options *o, const char *flag UNUSED, const char *v)
{
	return options_set_context(o, v);
}

char *
options_default_cache_dir(void)
{
	const char	*v;

	if ((v = getenv("CFNGEN_CACHE_DIR")) != NULL && *v != '\0')
		return xstrdup(v);
	if ((v = getenv("XDG_CACHE_HOME")) != NULL && *v == '/')
		return xasprintf("%s/cfngen", v);
	if ((v = getenv("HOME")) != NULL && *v != '\0')
		return xasprintf("%s/.cache/cfngen", v);
	return NULL;
}

void
options_artifacts_spec(const struct options *o, struct artifacts_spec *s)
{
	memset(s, 0, sizeof(*s));
	options_deno_source_spec(o, &s->deno);
	s->deno_version_set = o->deno_version_set;
	s->runtime = o->runtime;
	s->prefix = o->prefix;
	s->create_example = o->create_example;
	s->keep = o->out_dir != NULL;
}

void
options_deno_source_spec(const struct options *o, struct deno_source_spec *s)
{
	char	*dflt = options_default_cache_dir();

	memset(s, 0, sizeof(*s));
	s->arch = o->arch;
	s->version = o->deno_version;
	s->bin = o->deno_bin;
	s->zip = o->deno_zip;
	s->sha256 = o->deno_sha256;
	s->base_url = o->deno_base_url;
	s->cache_dir = o->cache_dir;
	s->cache_dir_default = dflt != NULL && o->cache_dir != NULL &&
	    strcmp(dflt, o->cache_dir) == 0;
	s->offline = o->offline;
	free(dflt);
}

void
options_stacks_spec(const struct options *o, struct stacks_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->stack = o->stack;
	s->create_example = o->create_example;
	s->runtime = o->runtime;
	s->layer_name = o->layer_name;
	s->layer_stack_name = o->layer_stack_name;
	s->layer_arn = o->layer_arn;
	s->share = o->share;
	s->bucket_pattern = o->bucket_pattern;
	s->multi_region = o->nregions > 0;
	s->export_layer_arn = o->export_layer_arn;
	s->cdk_compat = o->cdk_compat;
	s->log_retention = o->log_retention;
	s->url_auth = o->url_auth;
}

void
options_output_spec(const struct options *o, struct output_spec *s)
{
	memset(s, 0, sizeof(*s));
	options_stacks_spec(o, &s->stacks);
	s->format = o->format;
	s->out_dir = o->out_dir;
	s->bucket = o->bucket;
	s->check = o->check;
	s->output = o->output;
}

/* The organization of --share, when it names exactly one. */
static char *
share_org(const char *share)
{
	const char	*p, *found = NULL;
	size_t		 n;

	for (p = share; p != NULL && *p != '\0'; p += n + (p[n] == ',')) {
		n = strcspn(p, ",");
		if (strncmp(p, "o-", 2) == 0) {
			if (found != NULL)
				return NULL;
			found = p;
		}
	}
	return found ? xstrndup(found, strcspn(found, ",")) : NULL;
}

static int
check_stack_set(struct options *o, const char *command)
{
	const char	*flag = NULL;

	/*
	 * The pipeline (no command word) and cfngen deploy build, upload
	 * and deploy it, the same way.
	 */
	if (o->stack_set != NULL && command != NULL &&
	    strcmp(command, "deploy") != 0) {
		log_usage("--stack-set: cfngen %s does not deploy a StackSet; "
		    "run cfngen deploy --stack-set NAME ...", command);
		return -1;
	}

	if (o->stack_set == NULL) {
		if (o->ntargets > 0)
			flag = o->targets_are_ous ? "--org-units" : "--accounts";
		else if (o->service_managed)
			flag = "--permission-model";
		else if (o->max_concurrent != NULL)
			flag = "--max-concurrent";
		else if (o->failure_tolerance != NULL)
			flag = "--failure-tolerance";
		else if (o->grant_org_read)
			flag = "--grant-org-read";
		else if (o->org_id != NULL)
			flag = "--org-id";
		if (flag != NULL) {
			log_usage("%s: applies to a StackSet (cfngen "
			    "--stack-set NAME)", flag);
			return -1;
		}
		return 0;
	}
	if (o->nregions == 0) {
		log_usage("--stack-set %s: name the regions of its stack "
		    "instances with --regions R1,R2,...", o->stack_set);
		return -1;
	}
	if (o->service_managed && (o->ntargets == 0 || !o->targets_are_ous)) {
		log_usage("--permission-model SERVICE_MANAGED: the targets are "
		    "organizational units: --org-units ou-...");
		return -1;
	}
	if (!o->service_managed && (o->ntargets == 0 || o->targets_are_ous)) {
		log_usage("--stack-set %s: a self-managed StackSet targets "
		    "accounts (--accounts 111122223333,...); for organizational "
		    "units, --permission-model SERVICE_MANAGED", o->stack_set);
		return -1;
	}
	if (o->org_id == NULL && o->share != NULL)
		o->org_id = share_org(o->share);
	if (o->grant_org_read && o->org_id == NULL) {
		log_usage("--grant-org-read: name the organization with "
		    "--org-id o-... (or --share o-...)");
		return -1;
	}
	return 0;
}

/* The pattern gives a valid bucket name in each region named. */
static int
check_pattern_regions(const struct options *o)
{
	const char	*one = o->region;
	char		*name;
	size_t		 i, n = o->nregions ? o->nregions : one != NULL;
	int		 rc = 0;

	for (i = 0; rc == 0 && i < n; i++) {
		name = regions_pattern_expand(o->bucket_pattern,
		    o->nregions ? o->regions[i] : one, "123456789012");
		if (valid_bucket_name(name) == -1) {
			log_usage("--bucket-pattern %s: %s is not a valid S3 "
			    "bucket name", o->bucket_pattern, name);
			rc = -1;
		}
		free(name);
	}
	return rc;
}

static int
check_combinations(struct options *o, const char *command, unsigned int does)
{
	struct stat	st;

	if (o->deno_zip && o->deno_bin) {
		log_usage("--deno-zip and --deno-bin: give one Deno source, "
		    "not both");
		return -1;
	}
	if (o->offline && strcmp(o->deno_version, "latest") == 0 &&
	    !o->deno_zip && !o->deno_bin) {
		log_usage("--deno latest: finding the newest release needs the "
		    "network; name a version (e.g. --deno %s) with --offline",
		    DENO_DEFAULT_VERSION);
		return -1;
	}
	if (check_deploy(o, command, does) == -1)
		return -1;
	if (o->offline && (does & OPTIONS_STACKS)) {
		log_usage("--offline: cfngen %s talks to CloudFormation, which "
		    "needs the network", command);
		return -1;
	}
	if (o->offline && (does & OPTIONS_UPLOADS)) {
		log_usage("--offline: the pipeline uploads to S3, which needs "
		    "the network; cfngen build and cfngen template work "
		    "offline");
		return -1;
	}
	if ((does & OPTIONS_DOWNLOADS) && (o->deno_zip || o->deno_bin)) {
		log_usage("%s: --deno-zip and --deno-bin do not apply; "
		    "%s downloads a release", command, command);
		return -1;
	}
	if ((does & OPTIONS_NO_TEMPLATE) && (o->output || o->check)) {
		log_usage("%s: %s does not apply; %s writes artifacts "
		    "(use --out-dir)", command, o->output ? "--output" :
		    "--check", command);
		return -1;
	}
	if (o->check && o->output) {
		log_usage("--check and --output: --check compares, it does not "
		    "write; give one");
		return -1;
	}
	if (o->bucket != NULL && o->bucket_pattern != NULL) {
		log_usage("--bucket and --bucket-pattern: give one");
		return -1;
	}
	if (o->bucket != NULL && o->nregions > 0) {
		log_usage("--bucket with --regions: a bucket is in one region, "
		    "and a layer reads its zip from its own region; name one "
		    "bucket per region with --bucket-pattern NAME-{region}");
		return -1;
	}
	/* With a StackSet, --region is where it is administered. */
	if (o->region != NULL && o->nregions > 0 && o->stack_set == NULL) {
		log_usage("--region and --regions: give one (--region is the "
		    "administration region of a --stack-set)");
		return -1;
	}
	if (check_stack_set(o, command) == -1)
		return -1;
	if (o->bucket_pattern != NULL && check_pattern_regions(o) == -1)
		return -1;
	if (o->share != NULL && o->stack == STACK_EXAMPLE) {
		log_usage("--share: shares the layer version; --stack example "
		    "has no layer (use --stack layer or all)");
		return -1;
	}
	if (o->stack == STACK_EXAMPLE || o->stack == STACK_ALL)
		o->create_example = 1;
	/* A template that cannot deploy is worse than an error now. */
	if (o->runtime == RUNTIME_AL2 && o->create_example) {
		log_usage("--runtime provided.al2: Lambda no longer creates or "
		    "updates functions on provided.al2; the example function "
		    "needs provided.al2023 (the layer alone may target "
		    "provided.al2)");
		return -1;
	}
	if (o->check != NULL && stat(o->check, &st) == -1) {
		log_usage("--check %s: %s", o->check, strerror(errno));
		return -1;
	}
	if (o->check != NULL && S_ISDIR(st.st_mode)) {
		log_usage("--check %s: is a directory", o->check);
		return -1;
	}
	if (o->output != NULL && strcmp(o->output, "-") != 0 &&
	    (stat(o->output, &st) == -1 || S_ISREG(st.st_mode)) &&
	    outfile_check_dir(o->output) == -1)
		return -1;
	return 0;
}

int
options_finish(struct options *o, const char *command, unsigned int does)
{
	const char	*v;

	if (check_combinations(o, command, does) == -1)
		return -1;
	if (o->cache_dir == NULL &&
	    (o->cache_dir = options_default_cache_dir()) == NULL) {
		log_usage("no cache directory: set HOME, XDG_CACHE_HOME or "
		    "CFNGEN_CACHE_DIR, or pass --cache-dir");
		return -1;
	}
	if (o->deno_base_url == NULL) {
		v = getenv("CFNGEN_DENO_BASE_URL");
		if (set_deno_base_url(o, "CFNGEN_DENO_BASE_URL",
		    v && *v ? v : DEFAULT_DENO_BASE_URL) == -1)
			return -1;
	}
	return 0;
}
