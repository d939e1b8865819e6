/*
 * Amazon S3 over http.h,
 * every request signed with sigv4.h (and signed again for each retry).
 *
 * Addressing: a custom endpoint (aws_config_endpoint) or a bucket name
 * with dots uses path style (<endpoint>/<bucket>/<key>); otherwise
 * virtual-hosted style on <bucket>.s3.<region>.amazonaws.com.
 *
 * Errors are reported once with what S3 said: its Code, Message and
 * request id, and what to do about the common ones.
 */
#ifndef CFNGEN_S3_H
#define CFNGEN_S3_H

#include <stdint.h>

struct aws_config;
struct aws_credentials;
struct http;
struct s3;

/*
 * A client; it keeps pointers to its arguments, which must outlive it.
 * s3_free() accepts NULL.
 */
struct s3	*s3_new(const struct aws_config *,
		    const struct aws_credentials *, struct http *);
void		 s3_free(struct s3 *);

struct s3_object {
	const char	*bucket;
	const char	*key;		/* unencoded */
	const char	*path;		/* the file to upload */
	uint64_t	 size;
	const char	*sha256_hex;	/* of the file, 64 lowercase hex */
	const char	*sha256_b64;	/* the same digest, base64 */
	const char	*label;		/* for progress: "layer" */
	/* The bucket was not named by the user (the CDK bootstrap bucket). */
	int		 default_bucket;
	/*
	 * No progress and no result line: the caller says how it went
	 * (several uploads at once, one line each). Errors are still reported.
	 */
	int		 quiet;
	/*
	 * The account that must own the bucket (12 digits), sent as
	 * x-amz-expected-bucket-owner on every request; NULL: not known.
	 */
	const char	*expected_owner;
};

enum s3_put_result {
	S3_PUT_UPLOADED,	/* this run uploaded it */
	S3_PUT_PRESENT,		/* HEAD proved the same SHA-256 */
	S3_PUT_RACED		/* PUT said 412, HEAD proved the same SHA-256 */
};

/*
 * Makes the object hold the file's bytes, proven by SHA-256:
 *  - HEAD with x-amz-checksum-mode: ENABLED; the upload is skipped only
 *    when the object's x-amz-checksum-sha256 is the file's;
 *  - an object under the key with no SHA-256 checksum or another one is
 *    replaced by a plain PUT, with a warning naming it;
 *  - otherwise one PUT with Content-Length, x-amz-content-sha256 (hex),
 *    x-amz-checksum-sha256 (base64; S3 checks the bytes) and
 *    If-None-Match: *; a 412 (another writer was first) is accepted only
 *    when a second HEAD proves the same checksum.
 * A region redirect from AWS is followed once, re-signed for the named
 * region on the endpoint built here; no other redirect is followed.
 * -1 on error (reported).
 */
int		 s3_put_file(struct s3 *, const struct s3_object *,
		    enum s3_put_result *);

/*
 * HeadBucket, for a bucket that must be in the configured region and, when
 * owner is not NULL, belong to that account (x-amz-expected-bucket-owner):
 * 0 when it is so; -1 (reported: missing, in another region, not the
 * owner's or not readable) otherwise. default_bucket as in s3_object.
 */
int		 s3_check_bucket(struct s3 *, const char *bucket,
		    const char *owner, int default_bucket);

/*
 * The region named by a redirect's Location ("https://HOST/...") or S3's
 * <Endpoint> ("HOST") when HOST is one of S3's own endpoints for bucket,
 * "BUCKET.s3.REGION.DOMAIN" or "s3.REGION.DOMAIN", with the DOMAIN of
 * `region` (amazonaws.com, amazonaws.com.cn); NULL for anything else.
 * Only the region is ever used, never the host. Caller frees.
 */
char		*s3_redirect_region(const char *where, const char *bucket,
		    const char *region);

/*
 * GetBucketPolicy: 0 with *policy the JSON text (caller frees), or NULL
 * when the bucket has none (NoSuchBucketPolicy); -1 on error (reported).
 */
int		 s3_get_bucket_policy(struct s3 *, const char *bucket,
		    const char *owner, char **policy);
/* PutBucketPolicy with the JSON text policy. -1 on error (reported). */
int		 s3_put_bucket_policy(struct s3 *, const char *bucket,
		    const char *owner, const char *policy);

/*
 * Whether bucket exists, from HeadBucket (with x-amz-expected-bucket-owner
 * when owner is not NULL): 1 (200, or 403/301: it is there, maybe not
 * owner's or not in this region), 0 (404), -1 on error (reported).
 */
int		 s3_bucket_exists(struct s3 *, const char *bucket,
		    const char *owner);

#endif
