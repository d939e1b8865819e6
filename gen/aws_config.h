/*
 * Where AWS requests go and who signs them: the profile, the region, the
 * endpoints and the credentials, found in the order the AWS CLI uses.
 *
 * Profile: --profile, else AWS_PROFILE, else "default".
 * Region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region.
 * Endpoint of a service: --endpoint-url (S3 only), AWS_ENDPOINT_URL_<ID>
 *   (S3, STS), AWS_ENDPOINT_URL, the profile's endpoint_url; none of the
 *   last three when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true.
 * Credentials, first match wins:
 *   1. AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
 *      (skipped when --profile is given);
 *   2. the profile in the credentials file (AWS_SHARED_CREDENTIALS_FILE,
 *      default ~/.aws/credentials, sections named as the profile), then in
 *      the config file (AWS_CONFIG_FILE, default ~/.aws/config, sections
 *      "[profile NAME]" and "[default]"): aws_access_key_id,
 *      aws_secret_access_key, aws_session_token;
 *   3. the profile's credential_process: the command line split as a POSIX
 *      shell would split it (quotes, backslashes; no expansion, no shell),
 *      run, and its standard output read as JSON: Version 1, AccessKeyId,
 *      SecretAccessKey, SessionToken, Expiration;
 *   4. container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI on
 *      http://169.254.170.2, or AWS_CONTAINER_CREDENTIALS_FULL_URI (https,
 *      or http to a loopback or link-local address), with the
 *      Authorization header from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or
 *      AWS_CONTAINER_AUTHORIZATION_TOKEN;
 *   5. EC2 instance metadata, IMDSv2 (a session token, then the role's
 *      credentials), with one-second timeouts; not when
 *      AWS_EC2_METADATA_DISABLED is true. AWS_EC2_METADATA_SERVICE_ENDPOINT
 *      overrides http://169.254.169.254.
 *
 * Secrets stay in struct aws_credentials; nothing here logs them.
 */
#ifndef CFNGEN_AWS_CONFIG_H
#define CFNGEN_AWS_CONFIG_H

#include <stddef.h>

struct http;
struct aws_config;

struct aws_credentials {
	char	*access_key_id;
	char	*secret_access_key;
	char	*session_token;		/* NULL without one */
	char	*source;		/* for messages: "the environment" ... */
};

/*
 * Reads the environment and the two files (a missing file is an empty
 * one) and settles the profile, region and endpoints. The arguments are
 * the command line's --profile, --region and --endpoint-url, or NULL.
 * NULL on error (reported): a file that cannot be read, a named profile
 * found in neither file, no region, a malformed region or endpoint.
 */
struct aws_config	*aws_config_new(const char *profile, const char *region,
			    const char *endpoint_url);
void			 aws_config_free(struct aws_config *);

const char	*aws_config_profile(const struct aws_config *);
const char	*aws_config_region(const struct aws_config *);
/*
 * The configured endpoint URL of a service ("s3", "sts"), without a
 * trailing slash, or NULL for AWS's own.
 */
const char	*aws_config_endpoint(const struct aws_config *,
		    const char *service);

/*
 * Finds credentials (see above); http serves the container and instance
 * metadata providers. -1 (reported) when there are none or a provider
 * that applies fails. aws_credentials_free() wipes and frees them.
 */
int	aws_credentials_load(const struct aws_config *, struct http *,
	    struct aws_credentials *);
void	aws_credentials_free(struct aws_credentials *);

/*
 * Credentials in a JSON reply (credential_process when process is set,
 * container, instance metadata); token_key names the session token's field
 * ("SessionToken", "Token"). what names the source in messages; no value
 * is ever printed. -1 (reported) when the reply is not usable. Exposed for
 * the fuzzer.
 */
int	aws_credentials_from_json(const char *text, size_t len,
	    const char *what, const char *token_key, int process,
	    struct aws_credentials *);

/*
 * Splits a command line the way a POSIX shell would split words (and as
 * Python's shlex.split does for the AWS CLI): blanks separate, '...' is
 * literal, "..." keeps \" and \\ escapes, a backslash outside quotes
 * escapes any character. No variables, globs or other expansion. Returns
 * a NULL-terminated vector (caller frees each string and the vector) or
 * NULL with *why set to a static reason.
 */
char	**aws_split_command(const char *, const char **why);

/*
 * "2024-05-01T12:00:00Z", with optional fractional seconds and "+hh:mm"
 * offset, as seconds since the epoch; -1 if it is not such a time.
 */
long long	aws_parse_time(const char *);

#endif
