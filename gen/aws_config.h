/*
 * Where AWS requests go: the profile, the region and the endpoint of each
 * service, read from the environment and the two shared files the way the
 * AWS CLI reads them. The credential providers (credentials.h) read the
 * profiles through the lookups below.
 *
 * Profile: --profile, else AWS_PROFILE, else "default".
 * Region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region.
 * Files: AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials, sections
 *   named as the profile) and AWS_CONFIG_FILE (default ~/.aws/config,
 *   sections "[profile NAME]", "[default]", "[sso-session NAME]",
 *   "[services NAME]"). A missing file is an empty one.
 * Endpoint of a service, first match wins: --endpoint-url (S3 only);
 *   AWS_ENDPOINT_URL_<ID> (ID: the service's name upper-cased, '-' as '_':
 *   S3, STS, SSO, SSO_OIDC, CLOUDFORMATION, LAMBDA); the endpoint_url of
 *   the service in the profile's services section; AWS_ENDPOINT_URL; the
 *   profile's endpoint_url. All but the flag are ignored when
 *   AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true.
 */
#ifndef CFNGEN_AWS_CONFIG_H
#define CFNGEN_AWS_CONFIG_H

struct aws_config;

/*
 * Reads the environment and the two files and settles the profile,
 * region and endpoints. The arguments are the command line's --profile,
 * --region and --endpoint-url, or NULL. NULL on error (reported): a file
 * that cannot be read, a named profile found in neither file, no region,
 * a malformed region or endpoint.
 */
struct aws_config	*aws_config_new(const char *profile, const char *region,
			    const char *endpoint_url);
void			 aws_config_free(struct aws_config *);

/* An environment variable, NULL when unset or empty. */
const char	*aws_env(const char *name);
/* The variable is set to "true", in any case. */
int		 aws_env_true(const char *name);

const char	*aws_config_profile(const struct aws_config *);
/* Was the profile named by --profile (the environment's keys then lose)? */
int		 aws_config_profile_flag(const struct aws_config *);
const char	*aws_config_region(const struct aws_config *);
/*
 * The configured endpoint URL of a service ("s3", "sts", "sso",
 * "sso-oidc", "cloudformation", "lambda"), without a trailing slash, or
 * NULL for AWS's own (and for a service not in that list).
 */
const char	*aws_config_endpoint(const struct aws_config *,
		    const char *service);

enum aws_file {
	AWS_FILE_CREDENTIALS,
	AWS_FILE_CONFIG
};

/* The file's path, for messages. */
const char	*aws_config_file_name(const struct aws_config *, enum aws_file);
/* Is there a section for the profile in either file? */
int		 aws_config_has_profile(const struct aws_config *,
		    const char *profile);
/* key in the profile's section of one file, or NULL. */
const char	*aws_config_file_value(const struct aws_config *, enum aws_file,
		    const char *profile, const char *key);
/*
 * key of the profile with both files merged as the AWS CLI merges them
 * (the credentials file wins), or NULL. Empty values count as set.
 */
const char	*aws_config_value(const struct aws_config *,
		    const char *profile, const char *key);
/* "file:line" where aws_config_value() found key (caller frees), or NULL. */
char		*aws_config_where(const struct aws_config *,
		    const char *profile, const char *key);
/* Is there an [sso-session NAME] section? */
int		 aws_config_has_sso_session(const struct aws_config *,
		    const char *name);
/* key of [sso-session NAME], or NULL. */
const char	*aws_config_sso_session(const struct aws_config *,
		    const char *name, const char *key);

#endif
