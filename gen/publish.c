/*
 * The upload step of the pipeline: pick the bucket (--bucket, else the CDK
 * bootstrap assets bucket of the account and region if it exists, else
 * cfngen's own bootstrap bucket if it exists) and put each
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

void
publish_object(struct s3_object *obj, const struct artifact *a,
    const char *bucket, const char *key, int default_bucket,
    const char *owner)
{
	memset(obj, 0, sizeof(*obj));
	obj->bucket = bucket;
	obj->key = key;
	obj->path = a->path;
	obj->size = a->size;
	obj->sha256_hex = a->sha256;
	obj->sha256_b64 = a->sha256_b64;
	obj->label = a->name;
	obj->default_bucket = default_bucket;
	obj->expected_owner = owner;
}

static int
upload(struct s3 *s3, const struct artifact *a, const char *bucket,
    int default_bucket, const char *owner)
{
	struct s3_object	obj;
	enum s3_put_result	res;

	publish_object(&obj, a, bucket, a->key, default_bucket, owner);
	return s3_put_file(s3, &obj, &res);
}

char *
publish_default_bucket(struct s3 *s3, const struct aws_config *cfg,
    const struct aws_credentials *cr, struct http *h, char **account_out)
{
	const char	*region = aws_config_region(cfg);
	char		*account, *cdk = NULL, *own = NULL, *r = NULL;
	int		 e;

	if ((account = sts_account_id(cfg, cr, h)) == NULL)
		return NULL;
	cdk = xasprintf("cdk-" STACKS_CDK_QUALIFIER "-assets-%s-%s", account,
	    region);
	own = xasprintf(PUBLISH_OWN_BUCKET, account, region);
	if ((e = s3_bucket_exists(s3, cdk, account)) == 1) {
		log_info("bucket %s (the CDK bootstrap bucket of account %s; "
		    "--bucket chooses another)", cdk, account);
		r = cdk;
		cdk = NULL;
	} else if (e == 0 && (e = s3_bucket_exists(s3, own, account)) == 1) {
		log_info("bucket %s (cfngen's bootstrap bucket of account %s; "
		    "--bucket chooses another)", own, account);
		r = own;
		own = NULL;
	} else if (e == 0)
		log_error("no bucket for the artifacts in account %s, region "
		    "%s: neither the CDK bootstrap bucket %s nor cfngen's %s "
		    "exists; run `cfngen bootstrap` to create cfngen's, or pass "
		    "--bucket NAME", account, region, cdk, own);
	if (account_out != NULL && r != NULL)
		*account_out = account;
	else
		free(account);
	free(cdk);
	free(own);
	return r;
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
	} else if ((name = publish_default_bucket(s3, cfg, cr, h,
	    &account)) == NULL)
		goto out;
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
