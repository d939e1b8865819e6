/*
 * One build, many regions. A Lambda layer lives in one region and reads
 * its zip from a bucket in that region, so --regions uploads the same zip
 * to one bucket per region, and the one template names the bucket as a
 * !Sub of a pattern, which CloudFormation resolves in each region.
 *
 * Bucket patterns ("NAME-{region}", "{account}" allowed too) are checked
 * here and turned into bucket names (for the upload) or Fn::Sub strings
 * (for the template).
 */
#ifndef CFNGEN_REGIONS_H
#define CFNGEN_REGIONS_H

#include <stddef.h>

struct aws_config;
struct aws_credentials;
struct build_result;
struct http;
struct options;

/* The CDK bootstrap assets bucket of each account and region. */
#define REGIONS_CDK_PATTERN	"cdk-hnb659fds-assets-{account}-{region}"

/*
 * Why pattern is not a usable bucket pattern, or NULL when it is: it must
 * hold {region}, no other {...}, and give a valid bucket name for any
 * region and account. A static string.
 */
const char	*regions_pattern_problem(const char *pattern);
/*
 * The bucket name of pattern for region and account (account may be NULL
 * when the pattern has no {account}). Caller frees. NULL only if it would
 * not fit in memory, which cannot be for a pattern that
 * regions_pattern_problem() accepts and a valid region.
 */
char		*regions_pattern_expand(const char *pattern, const char *region,
		    const char *account);
/* The Fn::Sub string: ${AWS::Region}, ${AWS::AccountId}. Caller frees. */
char		*regions_pattern_sub(const char *pattern);
/* 1 when pattern holds {account}. */
int		 regions_pattern_has_account(const char *pattern);

/*
 * Uploads the layer (and example) zip to each region of o->regions, at
 * most o->max_parallel at a time: first every region's bucket is checked
 * (it exists, is in that region and belongs to the caller's account), then
 * the zips go to the buckets that passed. One line per region says how it
 * went. A region that fails does not stop the others; -1 when any failed
 * (reported). home (the first region's configuration), the credentials
 * and h (an http handle made before any thread) are the caller's; each
 * region gets its own configuration and handles.
 */
int		 regions_publish(const struct options *,
		    const struct build_result *, const struct aws_config *home,
		    const struct aws_credentials *, struct http *);

/*
 * cfngen deploy --regions: the uploads of regions_publish(), then the
 * stack (one template for every region) deployed in each region that has
 * the artifacts, at most o->max_parallel at a time (deploy.h); a closing
 * table (region, stack status, LayerArn) on stderr, layers.json (region ->
 * layer version ARN, architecture, Deno version) written atomically into
 * --out-dir or the current directory, and REGION=LayerArn lines on stdout
 * when every region succeeded. -1 when any region failed (reported).
 */
int		 regions_deploy(const struct options *,
		    const struct build_result *, const struct aws_config *home,
		    const struct aws_credentials *, struct http *);

/*
 * cfngen --stack-set and cfngen deploy --stack-set: the uploads of regions_publish() (into the
 * caller's buckets), the bucket policy that lets the target accounts read
 * them (printed; merged into each bucket's policy with --grant-org-read),
 * then the StackSet (stackset.h) with the template, whose bucket names the
 * caller's account literally. -1 on failure (reported).
 */
int		 regions_stackset(const struct options *,
		    const struct build_result *, const struct aws_config *home,
		    const struct aws_credentials *, struct http *);

#endif
