/*
 * The validated settings of one cfngen run, and every check of user input.
 *
 * Flags and CDK context keys (-c key=value) land here through the same
 * setter, so "--arch arm64" and "-c architecture=arm64" are one code path.
 * Setters report a usage error (one line naming the input) and return -1.
 * Strings in struct options are owned by it; options_free() releases them.
 */
#ifndef CFNGEN_OPTIONS_H
#define CFNGEN_OPTIONS_H

struct buf;

#include <stddef.h>

#include "target.h"

/* --tags KEY=VALUE (deploy). */
struct option_tag {
	char	*key;
	char	*value;
};

struct options {
	enum arch		 arch;
	char			*deno_version;	/* "v1.2.3" or "latest" */
	int			 deno_version_set; /* given explicitly */
	int			 create_example;
	char			*layer_arn;	/* validated ARN, or NULL */
	enum lambda_runtime	 runtime;
	int			 runtime_set;	/* given explicitly */
	enum stack_sel		 stack;
	enum format		 format;
	char			*output;	/* -o FILE; NULL or "-": stdout */
	char			*out_dir;
	char			*check;		/* --check FILE */
	char			*bucket;
	/* --expected-bucket-owner: the account (12 digits) or NULL */
	char			*expected_bucket_owner;
	char			*prefix;	/* S3 key prefix, "" by default */
	char			*region;
	char			*profile;
	char			*endpoint_url;
	char			*layer_name;	/* default "deno-runtime" */
	char			*layer_stack_name; /* default DenoRuntimeLayerStack */
	int			 export_layer_arn;
	int			 cdk_compat;
	int			 log_retention;	/* days; CloudWatch's values */
	enum url_auth		 url_auth;
	char			*deno_zip;
	char			*deno_bin;
	char			*deno_sha256;	/* 64 lowercase hex, or NULL */
	char			*deno_base_url;
	char			*cache_dir;	/* resolved by options_finish() */
	int			 offline;
	int			 verbosity;	/* LOG_QUIET .. LOG_DEBUG */
	/*
	 * --share: who may use the layer version, "public" or a comma list
	 * of 12-digit account IDs and organization IDs (o-...); validated.
	 */
	char			*share;
	/* --regions: validated, distinct, in the order given; or none */
	char			**regions;
	size_t			 nregions;
	char			*bucket_pattern; /* --bucket-pattern, validated */
	int			 max_parallel;	/* regions at a time, 1..32 */
	/* --stack-set: a CloudFormation StackSet over the regions */
	char			*stack_set;
	int			 service_managed; /* --permission-model */
	char			**targets;	/* --accounts or --org-units */
	size_t			 ntargets;
	int			 targets_are_ous;
	char			*max_concurrent;	/* "N" or "P%" */
	char			*failure_tolerance;	/* "N" or "P%" */
	char			*org_id;	/* --org-id, for the bucket policy */
	int			 grant_org_read;
	/* deploy, destroy, bootstrap */
	char			*template;	/* --template FILE, "-": stdin */
	char			*stack_name;	/* --stack-name */
	struct option_tag	*tags;		/* --tags, in order */
	size_t			 ntags;
	int			 no_execute;
	int			 no_wait;
	int			 yes;
	char			*outputs_file;
	char			*cfn_endpoint_url; /* --cloudformation-endpoint-url */
};

void		 options_init(struct options *);
void		 options_free(struct options *);

/*
 * Sets the option named by its long flag ("arch", "deno", "create-example"
 * ...); value is NULL for flags without one. -1 on a usage error.
 */
int		 options_set(struct options *, const char *name, const char *value);
/* -c KEY=VALUE with the CDK context keys. -1 on a usage error. */
int		 options_set_context(struct options *, const char *keyvalue);
/*
 * What the command a run does means for the options, so that
 * options_finish() can refuse the combinations that make no sense.
 */
#define OPTIONS_UPLOADS		0x01	/* needs the network: no --offline */
#define OPTIONS_NO_TEMPLATE	0x02	/* prints none: no --output, --check */
#define OPTIONS_DOWNLOADS	0x04	/* a release: no --deno-zip, --deno-bin */
#define OPTIONS_STACKS		0x08	/* CloudFormation: --stack-name, --yes */
#define OPTIONS_DEPLOYS		0x10	/* a deploy: --template, --tags ... */

/*
 * Checks combinations for command (its word, "build", or NULL for the
 * pipeline) and what it does (OPTIONS_*), and fills in defaults that depend
 * on the environment (cache directory). Call once, after the last setter.
 * -1 on a usage error.
 */
int		 options_finish(struct options *, const char *command,
		    unsigned int does);
/*
 * The cache directory the environment gives ($CFNGEN_CACHE_DIR, else
 * $XDG_CACHE_HOME/cfngen, else ~/.cache/cfngen), or NULL. Caller frees.
 */
char		*options_default_cache_dir(void);

struct deno_source_spec;
struct output_spec;
struct stacks_spec;
struct artifacts_spec;

/*
 * What a module needs of the options, in the module's own struct (its
 * header says what each field means): the one place that maps the options
 * onto them. The strings stay the options'; the structs are valid while o
 * is and unchanged.
 */
void		 options_artifacts_spec(const struct options *o,
		    struct artifacts_spec *);
void		 options_deno_source_spec(const struct options *o,
		    struct deno_source_spec *);
void		 options_output_spec(const struct options *o,
		    struct output_spec *);
void		 options_stacks_spec(const struct options *o,
		    struct stacks_spec *);

/*
 * Validators, exposed for the fuzzers and unit tests; 0 when valid. The
 * Deno version's is valid_deno_version() in target.h.
 */
int		 valid_layer_arn(const char *);
int		 valid_layer_name(const char *);
int		 valid_bucket_name(const char *);
int		 valid_log_retention(long);
/* --share: "public", or account IDs and o-ORGIDs, comma-separated. */
int		 valid_share(const char *, const char **why);
int		 valid_account_id(const char *, size_t len);
int		 valid_org_id(const char *, size_t len);
/* The one rule for AWS region names, wherever they come from. */
int		 valid_region(const char *);
/* The one rule for URLs (--endpoint-url, AWS_ENDPOINT_URL*, profiles). */
int		 valid_endpoint_url(const char *);
/* Why a URL fails valid_endpoint_url(), or NULL. A static string. */
const char	*endpoint_url_problem(const char *);
/* --regions: region names, comma-separated, each once. */
int		 valid_region_list(const char *, const char **why);

/* Where --help lists a flag. */
enum option_section {
	OPTSEC_BUILD,		/* What to build */
	OPTSEC_DENO,		/* Where Deno comes from */
	OPTSEC_TEMPLATE,	/* Templates */
	OPTSEC_AWS,		/* AWS */
	OPTSEC_DEPLOY,		/* Deploying */
	OPTSEC_GENERAL		/* -q, -v, --help, --version */
};

/*
 * The flags, for main's getopt table and --help: one source of truth for
 * names and what they do. "help" and "version" are answered by main.
 */
struct option_desc {
	const char		*name;		/* long name, without "--" */
	int			 has_arg;	/* 0 or 1 */
	int			 short_name;	/* 'o', or 0 */
	const char		*arg;		/* "FILE", or NULL */
	enum option_section	 section;
	const char		*help;		/* lines, '\n'-separated */
};

/* The i-th flag in name order, or NULL past the last. */
const struct option_desc	*options_flag(size_t i);
/* Appends the OPTIONS part of --help, by section, to out. */
void		 options_help(struct buf *out);

#endif
