/*
 * Uploads the artifacts to S3 (idempotent: HEAD first, PUT with checksums
 * only when absent) and says which bucket now holds them.
 */
#ifndef CFNGEN_PUBLISH_H
#define CFNGEN_PUBLISH_H

#include "artifacts.h"

struct aws_config;
struct aws_credentials;
struct http;

/*
 * Uploads the layer and, when built, the example zip, each under its key,
 * with the configuration and credentials the caller settled before any
 * work, and x-amz-expected-bucket-owner set to owner, else to the account
 * when it is known (the default bucket, a pattern with {account}): to bucket, else the bucket pattern's bucket for the region
 * (regions.h), else the CDK bootstrap assets bucket of the account and
 * region. On success *where is the bucket that holds them (caller frees).
 * -1 on error (reported).
 */
int	publish_artifacts(const struct aws_config *,
	    const struct aws_credentials *, struct http *, const char *bucket,
	    const char *owner, const char *pattern, const struct build_result *,
	    char **where);

struct s3;

/*
 * cfngen's bootstrap bucket (cfngen bootstrap), by account and region: a
 * name CDK never uses (CDK's start with "cdk-").
 */
#define PUBLISH_OWN_BUCKET	"cfngen-assets-%s-%s"

/*
 * The bucket when --bucket is not given: the CDK bootstrap bucket of the
 * account (STS) and region if it exists, else cfngen's bootstrap bucket if
 * it exists; else NULL after an error naming both ways out. Caller frees;
 * *account, when not NULL, gets the account (caller frees).
 */
char	*publish_default_bucket(struct s3 *, const struct aws_config *,
	    const struct aws_credentials *, struct http *, char **account);

struct s3_object;

/*
 * Fills *obj for uploading artifact a to bucket/key (labelled with its
 * name); the pointers are a's and the caller's.
 */
void	 publish_object(struct s3_object *obj, const struct artifact *a,
	    const char *bucket, const char *key, int default_bucket,
	    const char *owner);

#endif
