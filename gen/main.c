/*
 * cfngen: publish a Deno custom runtime as an AWS Lambda layer.
 *
 * main parses the command line into struct options, dispatches the command
 * from a table, and wires the steps together: options -> checks ->
 * artifacts -> upload -> document -> text. It owns the run's output set
 * and is the only place that maps failures to exit codes (0 success,
 * 1 failure, 2 usage error). The work itself lives in the modules.
 *
 * A command is one entry of commands[] and one function: the entry says
 * what the command does (so that options_finish() refuses what does not
 * apply) and whether it talks to AWS (then the AWS configuration and the
 * credentials are settled before any work).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "artifacts.h"
#include "aws_config.h"
#include "buf.h"
#include "cache.h"
#include "cleanup.h"
#include "credentials.h"
#include "deno_source.h"
#include "deploy.h"
#include "http.h"
#include "log.h"
#include "options.h"
#include "outfile.h"
#include "output.h"
#include "outset.h"
#include "publish.h"
#include "regions.h"
#include "xalloc.h"

/* What a command that talks to AWS has settled before any work. */
struct aws {
	struct aws_config	*cfg;
	struct aws_credentials	 cr;
	struct http		*http;
};

struct command {
	const char	*name;		/* the word; NULL: the pipeline */
	const char	*summary;	/* one line for --help */
	int		(*run)(const struct options *, struct aws *);
	unsigned int	 does;		/* OPTIONS_*, for options_finish() */
	int		 aws;		/* settle AWS config and credentials */
	const char	*out_dir;	/* --out-dir unless given, or NULL */
	int		 no_options;	/* answers without checking options */
};

static int	cmd_pipeline(const struct options *, struct aws *);
static int	cmd_build(const struct options *, struct aws *);
static int	cmd_template(const struct options *, struct aws *);
static int	cmd_fetch(const struct options *, struct aws *);
static int	cmd_help(const struct options *, struct aws *);
static int	cmd_deploy(const struct options *, struct aws *);
static int	cmd_destroy(const struct options *, struct aws *);
static int	cmd_bootstrap(const struct options *, struct aws *);

static const struct command	commands[] = {
	{
		.name = NULL,
		.summary = "build the artifacts, upload them, print the "
		    "template",
		.run = cmd_pipeline,
		.does = OPTIONS_UPLOADS,
		.aws = 1,
	},
	{
		.name = "build",
		.summary = "build the artifacts only (never touches S3)",
		.run = cmd_build,
		.does = OPTIONS_NO_TEMPLATE,
		.out_dir = "cfngen.out",
	},
	{
		.name = "template",
		.summary = "print the template(s) without uploading",
		.run = cmd_template,
	},
	{
		.name = "fetch",
		.summary = "download and verify a Deno release into the cache",
		.run = cmd_fetch,
		.does = OPTIONS_DOWNLOADS,
	},
	{
		.name = "deploy",
		.summary = "build, upload, deploy with CloudFormation",
		.run = cmd_deploy,
		.does = OPTIONS_UPLOADS | OPTIONS_NO_TEMPLATE |
		    OPTIONS_STACKS | OPTIONS_DEPLOYS,
		.aws = 1,
	},
	{
		.name = "destroy",
		.summary = "delete the stacks (the example first)",
		.run = cmd_destroy,
		.does = OPTIONS_NO_TEMPLATE | OPTIONS_STACKS,
		.aws = 1,
	},
	{
		.name = "bootstrap",
		.summary = "create cfngen's artifact bucket (stack "
		    "CfngenBootstrap)",
		.run = cmd_bootstrap,
		.does = OPTIONS_NO_TEMPLATE | OPTIONS_STACKS | OPTIONS_DEPLOYS,
		.aws = 1,
	},
	{
		.name = "help",
		.summary = "show this help (as --help and -h)",
		.run = cmd_help,
		.no_options = 1,
	},
};

#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *f)
{
	struct buf	 b;
	const char	*sep = "";
	size_t		 i;
	int		 rc = 0;

	buf_init(&b, 0);
	rc |= buf_adds(&b, "usage: cfngen [");
	for (i = 0; i < NCOMMANDS; i++)
		if (commands[i].name != NULL) {
			rc |= buf_addf(&b, "%s%s", sep, commands[i].name);
			sep = "|";
		}
	rc |= buf_adds(&b, "] [OPTIONS]\n\n"
	    "Publish a Deno custom runtime as an AWS Lambda layer: build the "
	    "layer zip,\nupload it to S3 and print the CloudFormation "
	    "template.\n\nCommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		rc |= buf_addf(&b, "  %-10s  %s\n", commands[i].name != NULL ?
		    commands[i].name : "(none)", commands[i].summary);
	options_help(&b);
	rc |= buf_adds(&b, "\nExit status: 0 success, 1 failure, 2 usage "
	    "error. See cfngen(1).\n");
	(void)rc;	/* an uncapped buf cannot refuse */
	fputs(b.data, f);
	buf_free(&b);
}

static const struct command *
find_command(const char *word)
{
	size_t	i;

	for (i = 0; i < NCOMMANDS; i++)
		if (commands[i].name != NULL &&
		    strcmp(commands[i].name, word) == 0)
			return &commands[i];
	return NULL;
}

/*
 * getopt_long's table from the option table; shorts gets the short
 * options ("o:qv..."). Flags without a short name get 0x200 + index.
 */
static struct option *
long_options(struct buf *shorts)
{
	const struct option_desc	*d;
	struct option			*lo;
	size_t				 n, i;
	int				 rc = 0;

	for (n = 0; options_flag(n) != NULL; n++)
		;
	lo = xcalloc(n + 1, sizeof(*lo));
	for (i = 0; i < n; i++) {
		d = options_flag(i);
		lo[i].name = d->name;
		lo[i].has_arg = d->has_arg ? required_argument : no_argument;
		lo[i].val = d->short_name ? d->short_name : (int)(0x200 + i);
		if (d->short_name) {
			rc |= buf_addc(shorts, d->short_name);
			if (d->has_arg)
				rc |= buf_addc(shorts, ':');
		}
	}
	(void)rc;	/* an uncapped buf cannot refuse */
	return lo;
}

/*
 * Fills o and *cmd from argv. Returns 0 to go on, -1 on a usage error,
 * 1 when --help or --version has been answered.
 */
static int
parse_args(struct options *o, const struct command **cmd, int argc,
    char *argv[])
{
	struct option	*lo;
	struct buf	 shorts;
	const char	*word = NULL;
	int		 c, idx, rc = 0;
	size_t		 i;

	buf_init(&shorts, 0);
	lo = long_options(&shorts);
	*cmd = &commands[0];
	opterr = 0;
	/* "+" would stop at the command word; we let options follow it. */
	while (rc == 0 &&
	    (c = getopt_long(argc, argv, shorts.data, lo, &idx)) != -1) {
		switch (c) {
		case '?':
			if (optopt != 0 && optopt < 0x100) {
				if (strchr(shorts.data, optopt) != NULL)
					log_usage("-%c: needs a value", optopt);
				else
					log_usage("-%c: unknown option", optopt);
			} else if (optopt >= 0x200) {
				log_usage("--%s: needs a value",
				    lo[optopt - 0x200].name);
			} else
				log_usage("%s: unknown option",
				    argv[optind - 1]);
			rc = -1;
			break;
		case ':':
			log_usage("%s: needs a value", argv[optind - 1]);
			rc = -1;
			break;
		default:
			for (i = 0; lo[i].name != NULL; i++)
				if (lo[i].val == c)
					break;
			if (lo[i].name == NULL)
				rc = -1;
			else if (strcmp(lo[i].name, "help") == 0) {
				usage(stdout);
				rc = 1;
			} else if (strcmp(lo[i].name, "version") == 0) {
				printf("cfngen %s\n", PACKAGE_VERSION);
				rc = 1;
			} else if (options_set(o, lo[i].name, optarg) == -1)
				rc = -1;
			break;
		}
	}
	for (; rc == 0 && optind < argc; optind++) {
		if (word != NULL) {
			log_usage("%s: unexpected argument (after %s)",
			    argv[optind], word);
			rc = -1;
		} else if ((*cmd = find_command(argv[optind])) == NULL) {
			log_usage("%s: unknown command (build, template, "
			    "fetch, deploy, destroy, bootstrap or help)",
			    argv[optind]);
			rc = -1;
		} else
			word = argv[optind];
	}
	free(lo);
	buf_free(&shorts);
	return rc;
}

/*
 * Before any work: the AWS configuration (a bad region, endpoint or
 * profile is a usage error) and the credentials (none, or a provider that
 * fails, is a failure). The upload gets what was settled here.
 */
static int
aws_open(const struct options *o, struct aws *a)
{
	memset(a, 0, sizeof(*a));
	/*
	 * With --regions, the first one's (each is settled again for itself),
	 * or --region's, where a --stack-set is administered.
	 */
	if ((a->cfg = aws_config_new(o->profile, o->nregions > 0 &&
	    o->region == NULL ? o->regions[0] : o->region,
	    o->endpoint_url)) == NULL)
		return -1;
	if ((a->http = http_new()) == NULL)
		return -1;
	return aws_credentials_load(a->cfg, a->http, &a->cr);
}

static void
aws_close(struct aws *a)
{
	aws_credentials_free(&a->cr);
	http_free(a->http);
	aws_config_free(a->cfg);
	memset(a, 0, sizeof(*a));
}

/*
 * The artifacts, uploaded when aws is set, with the templates beside them
 * in the output directory, and the selected template printed when print.
 * identify: a template needs only the keys (a build record spares the zip).
 * The output set is the run's: the artifacts and templates land in the
 * output directory together, or nothing does.
 */
static int
produce(const struct options *o, struct aws *aws, int identify, int print,
    int deploy)
{
	struct build_result	 b;
	struct artifacts_spec	 as;
	struct output_spec	 os;
	struct cache		*cache;
	struct outset		*out;
	char			*bucket = NULL;
	int			 rc = -1;

	memset(&b, 0, sizeof(b));
	options_artifacts_spec(o, &as);
	options_output_spec(o, &os);
	if ((out = outset_open(o->out_dir)) == NULL)
		return -1;
	cache = cache_open(o->cache_dir);
	if ((identify ? artifacts_identify(&as, cache, out, &b) :
	    artifacts_build(&as, cache, out, &b)) == -1)
		goto out;
	/*
	 * A StackSet: the uploads, the bucket policy and the StackSet
	 * (regions.h); the output directory gets the artifacts and templates.
	 */
	if (aws != NULL && o->stack_set != NULL) {
		if (output_stage(&os, &b, out, NULL) == -1 ||
		    (o->out_dir != NULL && outset_commit(out) == -1))
			goto out;
		/* the uploads read the zips where they landed */
		if (o->out_dir != NULL)
			artifacts_landed(&b, o->out_dir);
		rc = regions_stackset(o, &b, aws->cfg, &aws->cr, aws->http);
		goto out;
	}
	/*
	 * Several regions, deployed: the uploads, then the stack in each
	 * region (regions.h); the output directory gets the artifacts, the
	 * templates and layers.json.
	 */
	if (deploy && o->nregions > 0) {
		if (output_stage(&os, &b, out, NULL) == -1 ||
		    (o->out_dir != NULL && outset_commit(out) == -1))
			goto out;
		if (o->out_dir != NULL)
			artifacts_landed(&b, o->out_dir);
		rc = regions_deploy(o, &b, aws->cfg, &aws->cr, aws->http);
		goto out;
	}
	/* The upload reads the finished zips where they are staged. */
	if (aws != NULL && (o->nregions > 0 ? regions_publish(o, &b, aws->cfg,
	    &aws->cr, aws->http) :
	    publish_artifacts(aws->cfg, &aws->cr, aws->http, o->bucket,
	    o->expected_bucket_owner, o->bucket_pattern, &b, &bucket)) == -1)
		goto out;
	if (output_stage(&os, &b, out, bucket) == -1)
		goto out;
	if (o->out_dir != NULL) {
		if (outset_commit(out) == -1)
			goto out;
		artifacts_landed(&b, o->out_dir);
	}
	if (deploy)
		rc = deploy_command(o, aws->cfg, &aws->cr, aws->http, &b,
		    bucket);
	else
		rc = print ? output_templates(&os, &b, bucket != NULL ? bucket :
		    o->bucket) : 0;
out:
	free(bucket);
	artifacts_free(&b);
	cache_free(cache);
	outset_free(out);
	return rc;
}

static int
cmd_pipeline(const struct options *o, struct aws *aws)
{
	return produce(o, aws, 0, 1, 0);
}

static int
cmd_build(const struct options *o, struct aws *aws UNUSED)
{
	return produce(o, NULL, 0, 0, 0);
}

static int
cmd_template(const struct options *o, struct aws *aws UNUSED)
{
	return produce(o, NULL, 1, 1, 0);
}

static int
cmd_fetch(const struct options *o, struct aws *aws UNUSED)
{
	struct deno_source_spec	 ds;
	struct cache		*cache;
	int			 rc;

	options_deno_source_spec(o, &ds);
	cache = cache_open(o->cache_dir);
	rc = deno_source_fetch(&ds, cache);
	cache_free(cache);
	return rc;
}

static int
cmd_deploy(const struct options *o, struct aws *aws)
{
	if (o->template != NULL)
		return deploy_command(o, aws->cfg, &aws->cr, aws->http, NULL,
		    NULL);
	return produce(o, aws, 0, 0, 1);
}

static int
cmd_destroy(const struct options *o, struct aws *aws)
{
	return destroy_command(o, aws->cfg, &aws->cr, aws->http);
}

static int
cmd_bootstrap(const struct options *o, struct aws *aws)
{
	return bootstrap_command(o, aws->cfg, &aws->cr, aws->http);
}

static int
cmd_help(const struct options *o UNUSED, struct aws *aws UNUSED)
{
	usage(stdout);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct options		 o;
	struct aws		 aws;
	const struct command	*cmd;
	int			 rc, status;

	cleanup_init();
	options_init(&o);
	memset(&aws, 0, sizeof(aws));
	rc = parse_args(&o, &cmd, argc, argv);
	if (rc == 0 && !cmd->no_options) {
		log_set_level(o.verbosity);
		if (cmd->out_dir != NULL && o.out_dir == NULL)
			rc = options_set(&o, "out-dir", cmd->out_dir);
		if (rc == 0)
			rc = options_finish(&o, cmd->name, cmd->does);
		if (rc == 0 && cmd->aws && aws_open(&o, &aws) == -1)
			rc = -2;
	}
	if (rc == 0) {
		rc = cmd->run(&o, &aws);
		status = rc == 0 ? 0 : rc == 1 ? 1 : log_exit_status();
	} else
		status = rc == 1 ? 0 : rc == -2 ? log_exit_status() : 2;
	aws_close(&aws);
	options_free(&o);
	/* A failed write to stdout was reported where it happened. */
	if (fclose(stdout) != 0 && status == 0) {
		log_error("stdout: %s", strerror(errno));
		status = 1;
	}
	return status;
}
