/*
 * cfngen: publish a Deno custom runtime as an AWS Lambda layer.
 *
 * main parses the command line into struct options and wires the steps
 * together: options -> artifacts -> upload -> document -> text. The work
 * itself lives in the modules; only main maps failures to exit codes
 * (0 success, 1 failure, 2 usage error).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "artifacts.h"
#include "deno_source.h"
#include "log.h"
#include "options.h"
#include "outfile.h"
#include "output.h"
#include "publish.h"
#include "regions.h"
#include "xalloc.h"

#define OPT_HELP	0x100
#define OPT_VERSION	0x101

static const char	usage_text[] =
"usage: cfngen [build|template|fetch] [OPTIONS]\n"
"\n"
"Publish a Deno custom runtime as an AWS Lambda layer: build the layer zip,\n"
"upload it to S3 and print the CloudFormation template.\n"
"\n"
"Commands:\n"
"  (none)      build the artifacts, upload them, print the template\n"
"  build       build the artifacts only (never touches S3)\n"
"  template    print the template(s) without uploading\n"
"  fetch       download and verify a Deno release into the cache\n"
"\n"
"What to build:\n"
"  --arch ARCH            arm64 (default) or x86_64\n"
"  --deno VERSION         Deno release, vX.Y.Z or latest (default " DENO_DEFAULT_VERSION ")\n"
"  --runtime RUNTIME      provided.al2023 (default) or provided.al2\n"
"  --create-example       also build and deploy the example function\n"
"  --layer-arn ARN        the layer the example uses, instead of the stack's\n"
"  --layer-name NAME      layer name (default deno-runtime)\n"
"  -c, --context KEY=VAL  the original CDK app's context: architecture,\n"
"                         denoVersion, createExample, layerArn\n"
"\n"
"Where Deno comes from:\n"
"  --deno-zip FILE        a release zip (deno-<arch>-unknown-linux-gnu.zip)\n"
"  --deno-bin FILE        a Deno executable\n"
"  --deno-sha256 HEX      expected SHA-256 of the release zip\n"
"  --deno-base-url URL    release mirror (default: GitHub releases of denoland/deno)\n"
"  --cache-dir DIR        download cache (default ~/.cache/cfngen)\n"
"  --offline              never use the network\n"
"\n"
"Templates:\n"
"  --stack layer|example|all  which template to print (default layer;\n"
"                         all with --create-example)\n"
"  --format yaml|json     output format (default yaml)\n"
"  -o, --output FILE      write the template to FILE instead of stdout\n"
"  --out-dir DIR          write artifacts, manifest.json and templates to DIR\n"
"  --check FILE           exit 1 with a diff if FILE differs from the template\n"
"  --cdk-compat           keep the original CDK app's logical IDs\n"
"  --layer-stack-name N   layer stack the example refers to\n"
"                         (default DenoRuntimeLayerStack)\n"
"  --export-layer-arn     also export LayerArn (see cfngen(1) for the trap)\n"
"  --share WHO            let others use the layer: public, account IDs or\n"
"                         an organization (o-...), comma-separated\n"
"  --log-retention DAYS   example function's log retention (default 30)\n"
"  --url-auth NONE|AWS_IAM  example Function URL auth (default NONE)\n"
"\n"
"AWS:\n"
"  --bucket NAME          S3 bucket (default: the CDK bootstrap assets bucket)\n"
"  --bucket-pattern P     one bucket per region, e.g. NAME-{region}\n"
"                         ({account} too); the template names it with !Sub\n"
"  --regions R1,R2,...    upload to each region's bucket (one build)\n"
"  --max-parallel N       regions at a time (default 4)\n"
"  --prefix PREFIX        S3 key prefix\n"
"  --region REGION        AWS region\n"
"  --profile NAME         AWS profile\n"
"  --endpoint-url URL     S3 endpoint (for S3-compatible stores and tests)\n"
"\n"
"  -q, --quiet            errors and warnings only\n"
"  -v, --verbose          more detail (twice for debugging)\n"
"  --help                 show this help\n"
"  --version              show the version\n"
"\n"
"Exit status: 0 success, 1 failure, 2 usage error. See cfngen(1).\n";

static struct option *
long_options(char *shorts, size_t shorts_len)
{
	const struct option_desc	*d;
	struct option			*lo;
	size_t				 n, i, s = 0;

	for (n = 0; options_flag(n) != NULL; n++)
		;
	lo = xcalloc(n + 4, sizeof(*lo));
	for (i = 0; i < n; i++) {
		d = options_flag(i);
		lo[i].name = d->name;
		lo[i].has_arg = d->has_arg ? required_argument : no_argument;
		lo[i].val = d->short_name ? d->short_name : (int)(0x200 + i);
		if (d->short_name && s + 3 < shorts_len) {
			shorts[s++] = (char)d->short_name;
			if (d->has_arg)
				shorts[s++] = ':';
		}
	}
	lo[n].name = "context";
	lo[n].has_arg = required_argument;
	lo[n].val = 'c';
	lo[n + 1].name = "help";
	lo[n + 1].val = OPT_HELP;
	lo[n + 2].name = "version";
	lo[n + 2].val = OPT_VERSION;
	shorts[s++] = 'c';
	shorts[s++] = ':';
	shorts[s] = '\0';
	return lo;
}

/*
 * Fills o from argv. Returns 0 to go on, -1 on a usage error, 1 when
 * --help or --version has been answered.
 */
static int
parse_args(struct options *o, int argc, char *argv[])
{
	struct option	*lo;
	char		 shorts[64];
	const char	*command = NULL;
	int		 c, idx, rc = 0;
	size_t		 i;

	lo = long_options(shorts, sizeof(shorts));
	opterr = 0;
	/* "+" would stop at the command word; we let options follow it. */
	while (rc == 0 && (c = getopt_long(argc, argv, shorts, lo, &idx)) != -1) {
		switch (c) {
		case OPT_HELP:
			fputs(usage_text, stdout);
			rc = 1;
			break;
		case OPT_VERSION:
			printf("cfngen %s\n", PACKAGE_VERSION);
			rc = 1;
			break;
		case 'c':
			if (options_set_context(o, optarg) == -1)
				rc = -1;
			break;
		case '?':
			if (optopt != 0 && optopt < 0x100) {
				if (strchr(shorts, optopt) != NULL)
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
			if (lo[i].name == NULL ||
			    options_set(o, lo[i].name, optarg) == -1)
				rc = -1;
			break;
		}
	}
	for (; rc == 0 && optind < argc; optind++) {
		if (command != NULL) {
			log_usage("%s: unexpected argument (after %s)",
			    argv[optind], command);
			rc = -1;
		} else if (options_set_command(o, argv[optind]) == -1)
			rc = -1;
		else
			command = argv[optind];
	}
	free(lo);
	return rc;
}

static int
run(const struct options *o)
{
	struct build_result	 b;
	char			*bucket = NULL;
	int			 rc = -1;

	if (o->command == CMD_FETCH)
		return deno_source_fetch(o);
	memset(&b, 0, sizeof(b));
	/* template needs only the keys: a build record spares the zip */
	if ((o->command == CMD_TEMPLATE ? artifacts_identify(o, &b) :
	    artifacts_build(o, &b)) == -1)
		goto out;
	/* The upload reads the finished zips where they are staged. */
	if (o->command == CMD_PIPELINE && (o->nregions > 0 ?
	    regions_publish(o, &b) : publish_artifacts(o, &b, &bucket)) == -1)
		goto out;
	/* The out dir gets the artifacts and templates together, or nothing. */
	if (output_stage(o, &b, bucket) == -1 || artifacts_commit(&b) == -1)
		goto out;
	rc = output_templates(o, &b, bucket);
out:
	free(bucket);
	artifacts_free(&b);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct options	o;
	int		rc, status;

	cleanup_init();
	options_init(&o);
	rc = parse_args(&o, argc, argv);
	if (rc == 0) {
		log_set_level(o.verbosity);
		rc = options_finish(&o);
	}
	if (rc == 0) {
		rc = run(&o);
		status = rc == 0 ? 0 : rc == 1 ? 1 : log_exit_status();
	} else
		status = rc == 1 ? 0 : 2;
	options_free(&o);
	/* A failed write to stdout was reported where it happened. */
	if (fclose(stdout) != 0 && status == 0) {
		log_error("stdout: %s", strerror(errno));
		status = 1;
	}
	return status;
}
