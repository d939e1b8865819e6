/*
 * The upload step of the pipeline: settle the AWS configuration and
 * credentials, pick the bucket (--bucket, else the CDK bootstrap assets
 * bucket of the account and region), and put each artifact under its
 * content-addressed key.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "artifacts.h"
#include "aws_config.h"
#include "http.h"
#include "log.h"
#include "options.h"
#include "publish.h"
#include "regions.h"
#include "s3.h"
#include "xalloc.h"

/* The qualifier every CDK bootstrap stack uses unless told otherwise. */
#define CDK_QUALIFIER	"hnb659fds"

static int
upload(struct s3 *s3, const struct options *o, const struct artifact *a,
    const char *bucket, int default_bucket)
{
	struct s3_object	obj;
	enum s3_put_result	res;
	char			*key;
	int			 rc;

	key = a->key != NULL ? xstrdup(a->key) :
	    xasprintf("%s%s.zip", o->prefix, a->sha256);
	memset(&obj, 0, sizeof(obj));
	obj.bucket = bucket;
	obj.key = key;
	obj.path = a->path;
	obj.size = a->size;
	obj.sha256_hex = a->sha256;
	obj.sha256_b64 = a->sha256_b64;
	obj.label = a->name;
	obj.default_bucket = default_bucket;
	rc = s3_put_file(s3, &obj, &res);
	free(key);
	return rc;
}

int
publish_artifacts(const struct options *o, const struct build_result *b,
    char **bucket)
{
	struct aws_config	*cfg;
	struct aws_credentials	 cr;
	struct http		*h = NULL;
	struct s3		*s3 = NULL;
	char			*name = NULL, *account = NULL;
	int			 rc = -1;

	*bucket = NULL;
	memset(&cr, 0, sizeof(cr));
	if ((cfg = aws_config_new(o->profile, o->region,
	    o->endpoint_url)) == NULL)
		return -1;
	h = http_new();
	if (aws_credentials_load(cfg, h, &cr) == -1)
		goto out;
	s3 = s3_new(cfg, &cr, h);
	if (o->bucket != NULL)
		name = xstrdup(o->bucket);
	else if (o->bucket_pattern != NULL) {
		/* the template names it with !Sub; here, this region's */
		if (regions_pattern_has_account(o->bucket_pattern) &&
		    (account = s3_account_id(s3)) == NULL)
			goto out;
		name = regions_pattern_expand(o->bucket_pattern,
		    aws_config_region(cfg), account);
		if (valid_bucket_name(name) == -1) {
			log_usage("--bucket-pattern %s: %s is not a valid S3 "
			    "bucket name", o->bucket_pattern, name);
			goto out;
		}
		log_info("bucket %s (--bucket-pattern %s)", name,
		    o->bucket_pattern);
	} else {
		if ((account = s3_account_id(s3)) == NULL)
			goto out;
		name = xasprintf("cdk-" CDK_QUALIFIER "-assets-%s-%s", account,
		    aws_config_region(cfg));
		log_info("bucket %s (the CDK bootstrap bucket of account %s; "
		    "--bucket chooses another)", name, account);
	}
	if (upload(s3, o, &b->layer, name, o->bucket == NULL) == -1 ||
	    (b->has_example &&
	    upload(s3, o, &b->example, name, o->bucket == NULL) == -1))
		goto out;
	*bucket = name;
	name = NULL;
	rc = 0;
out:
	free(name);
	free(account);
	s3_free(s3);
	http_free(h);
	aws_credentials_free(&cr);
	aws_config_free(cfg);
	return rc;
}
