/*
 * Who signs AWS requests: the credential providers, tried in the order of
 * the AWS CLI (botocore's create_credential_resolver). This comment is
 * the one statement of that order; cfngen.1 (CREDENTIALS) and README.md
 * say the same for users. The first provider that applies wins:
 *
 *   1. environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 *      AWS_SESSION_TOKEN (or AWS_SECURITY_TOKEN); skipped when --profile
 *      is given.
 *   2. assume role: the profile has role_arn (and no
 *      web_identity_token_file). The source credentials come from
 *      credential_source (Environment, Ec2InstanceMetadata, EcsContainer)
 *      or from source_profile, which is resolved with providers 3 to 7
 *      (env variables ignored), or, when it has a role_arn itself and no
 *      static keys, by assuming that role first: chains of any length; a
 *      profile naming itself uses its own static keys; any other cycle is
 *      an error naming the profiles. STS AssumeRole with external_id,
 *      role_session_name (default botocore-session-<unix time>, as the
 *      CLI), duration_seconds and mfa_serial (the code is read from the
 *      terminal; without one it is an error).
 *   3. web identity: AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN,
 *      AWS_ROLE_SESSION_NAME (not with --profile), each else the
 *      profile's web_identity_token_file, role_arn, role_session_name.
 *      STS AssumeRoleWithWebIdentity, unsigned; the token file is read
 *      anew for each call.
 *   4. IAM Identity Center (SSO): the profile has sso_account_id or
 *      sso_role_name; sso_start_url and sso_region from the profile
 *      (legacy) or its [sso-session NAME]. See sso.h.
 *   5. the shared credentials file: aws_access_key_id,
 *      aws_secret_access_key, aws_session_token (or aws_security_token)
 *      in the profile's section.
 *   6. credential_process of the profile (either file): the command line
 *      split as a POSIX shell would split it (no expansion, no shell),
 *      run, its stdout read as JSON: Version 1, AccessKeyId,
 *      SecretAccessKey, SessionToken, Expiration.
 *   7. static keys in the profile's section of the config file.
 *   8. container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI on
 *      http://169.254.170.2, or AWS_CONTAINER_CREDENTIALS_FULL_URI (https,
 *      or http to a loopback or link-local address), with the
 *      Authorization header from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or
 *      AWS_CONTAINER_AUTHORIZATION_TOKEN. No redirect is followed; the
 *      URL's query and user information never appear in a message.
 *   9. EC2 instance metadata, IMDSv2 (a session token, then the role's
 *      credentials), one-second timeouts; not when
 *      AWS_EC2_METADATA_DISABLED is true. AWS_EC2_METADATA_SERVICE_ENDPOINT
 *      overrides http://169.254.169.254.
 *
 * Never a silent fallback: a provider that applies (its settings are
 * present) and fails is the error; the chain does not go on.
 *
 * Assumed-role and web-identity credentials are cached where the AWS CLI
 * caches them, ~/.aws/cli/cache/<key>.json, with the CLI's key (the SHA-1
 * of the call's arguments as Python's json.dumps(sort_keys=True) writes
 * them) and its rule (used while more than 15 minutes remain), so cfngen
 * and the CLI share one MFA prompt.
 *
 * Secrets stay in struct aws_credentials; nothing here logs them.
 */
#ifndef CFNGEN_CREDENTIALS_H
#define CFNGEN_CREDENTIALS_H

#include <stddef.h>

struct aws_config;
struct buf;
struct http;

struct aws_credentials {
	char		*access_key_id;
	char		*secret_access_key;
	char		*session_token;		/* NULL without one */
	/*
	 * Which provider and profile they came from, for messages:
	 * "the shared credentials file (profile dev)".
	 */
	char		*source;
	long long	 expiration;		/* seconds since the epoch, or 0 */
};

/*
 * Finds credentials (see above); http serves the network providers.
 * -1 (reported) when there are none or a provider that applies fails.
 * With -v, says which provider and profile supplied them.
 * aws_credentials_free() wipes and frees them.
 */
int	aws_credentials_load(const struct aws_config *, struct http *,
	    struct aws_credentials *);
void	aws_credentials_free(struct aws_credentials *);

/*
 * Fills cr with copies of the values after checking that they can go into
 * a header; source names them (copied). 1, or -1 (reported).
 */
int	aws_credentials_set(struct aws_credentials *, const char *id,
	    const char *secret, const char *token, const char *source);

/*
 * Credentials in a JSON reply (credential_process when process is set,
 * container, instance metadata); token_key names the session token's field
 * ("SessionToken", "Token"). what names the source in messages; no value
 * is ever printed. -1 (reported) when the reply is not usable, else 1.
 * Exposed for the fuzzer.
 */
int	aws_credentials_from_json(const char *text, size_t len,
	    const char *what, const char *token_key, int process,
	    struct aws_credentials *);

/*
 * "2024-05-01T12:00:00Z", with optional fractional seconds and a "+hh:mm"
 * offset or "UTC" (as the AWS CLI writes its cache), as seconds since the
 * epoch; -1 if it is not such a time.
 */
long long	aws_parse_time(const char *);
/* t as "2024-05-01T12:00:00Z" (out holds 21 bytes). */
void		aws_format_time(long long t, char out[21]);

/*
 * The AWS CLI's cache key of an AssumeRole(WithWebIdentity) call: SHA-1
 * hex of json.dumps(args, sort_keys=True) where args holds RoleArn and
 * whichever of RoleSessionName (only when configured), ExternalId,
 * SerialNumber and DurationSeconds (0: absent) are set. Caller frees;
 * NULL only if that text would not fit in memory.
 */
char	*aws_cli_cache_key(const char *role_arn, const char *session_name,
	    const char *external_id, const char *serial_number,
	    long duration_seconds);

/*
 * The redacted form of a URL for messages: no user information, and
 * "?REDACTED" for any query. Caller frees.
 */
char	*aws_redact_url(const char *url);

/*
 * Text of a JSON string as Python's json.dumps writes it (ASCII only,
 * \uXXXX for the rest), quotes included, appended to b; -1 (errno
 * EOVERFLOW) if b's cap is reached, part of it then added.
 */
int	aws_json_quote(struct buf *b, const char *s) WARN_UNUSED;
/* sep (e.g. ", "), then "key": and value quoted as aws_json_quote() does. */
int	aws_json_member(struct buf *b, const char *sep, const char *key,
	    const char *value) WARN_UNUSED;

#endif
