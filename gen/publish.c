/*
 * The upload step of the pipeline: pick the bucket (--bucket, else the CDK
 * bootstrap assets bucket of the account and region) and put each
 * artifact under its content-addressed key, with the AWS configuration and
 * credentials main settled before any work.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "artifacts.h"
#include "aws_config.h"
#include "credentials.h"
#include "log.h"
#include "options.h"
#include "publish.h"
#include "regions.h"
#include "s3.h"
#include "sts.h"
#include "stacks.h"
#include "xalloc.h"

static int
upload(struct s3 *s3, const struct artifact *a, const char *bucket,
    int default_bucket, const char *owner)
{
	struct s3_object	obj;
	enum s3_put_result	res;

	memset(&obj, 0, sizeof(obj));
	obj.bucket = bucket;
	obj.key = a->key;
	obj.path = a->path;
	obj.size = a->size;
	obj.sha256_hex = a->sha256;
	obj.sha256_b64 = a->sha256_b64;
	obj.label = a->name;
	obj.default_bucket = default_bucket;
	obj.expected_owner = owner;
	return s3_put_file(s3, &obj, &res);
}

int
publish_artifacts(const struct aws_config *cfg,
    const struct aws_credentials *cr, struct http *h, const char *bucket,
    const char *owner, const char *pattern, const struct build_result *b,
    char **where)
{
	struct s3	*s3;
	char		*name = NULL, *account = NULL;
	int		 rc = -1;

	*where = NULL;
	s3 = s3_new(cfg, cr, h);
	if (bucket != NULL)
		name = xstrdup(bucket);
	else if (pattern != NULL) {
		/* the template names it with !Sub; here, this region's */
		if (regions_pattern_has_account(pattern) &&
		    (account = sts_account_id(cfg, cr, h)) == NULL)
			goto out;
		name = regions_pattern_expand(pattern, aws_config_region(cfg),
		    account);
		if (valid_bucket_name(name) == -1) {
			log_usage("--bucket-pattern %s: %s is not a valid S3 "
			    "bucket name", pattern, name);
			goto out;
		}
		log_info("bucket %s (--bucket-pattern %s)", name, pattern);
	} else {
		if ((account = sts_account_id(cfg, cr, h)) == NULL)
			goto out;
		name = xasprintf("cdk-" STACKS_CDK_QUALIFIER "-assets-%s-%s",
		    account, aws_config_region(cfg));
		log_info("bucket %s (the CDK bootstrap bucket of account %s; "
		    "--bucket chooses another)", name, account);
	}
	/* When the account is known, S3 must refuse anyone else's bucket. */
	if (owner == NULL)
		owner = account;
	if (upload(s3, &b->layer, name, bucket == NULL, owner) == -1 ||
	    (b->has_example &&
	    upload(s3, &b->example, name, bucket == NULL, owner) == -1))
		goto out;
	*where = name;
	name = NULL;
	rc = 0;
out:
	free(name);
	free(account);
	s3_free(s3);
	return rc;
}
