/*
 * AWS STS, the calls of signing in: GetCallerIdentity (who signs, and the
 * account of the default bucket), AssumeRole (signed with the source
 * credentials) and AssumeRoleWithWebIdentity (unsigned: the token is the
 * proof). Each is a POSTed form to the regional endpoint,
 * https://sts.<region>.amazonaws.com, or the configured one
 * (aws_config_endpoint "sts"); signed requests are signed again for each
 * retry and follow no redirect.
 *
 * Errors are reported once, naming the call, the role and whose
 * credentials signed it, with STS's Code and Message; no secret is ever
 * part of a message.
 */
#ifndef CFNGEN_STS_H
#define CFNGEN_STS_H

#include <stddef.h>

struct aws_config;
struct aws_credentials;
struct http;

struct sts_identity {
	char	*account;	/* 12 digits */
	char	*arn;
	char	*user_id;
};

/*
 * GetCallerIdentity signed with cr; fills id (free with
 * sts_identity_free). With -v it says which ARN the credentials are.
 * -1 (reported) on error.
 */
int	sts_caller_identity(const struct aws_config *,
	    const struct aws_credentials *, struct http *,
	    struct sts_identity *);
void	sts_identity_free(struct sts_identity *);
/* The account alone (caller frees), or NULL (reported). */
char	*sts_account_id(const struct aws_config *,
	    const struct aws_credentials *, struct http *);

struct sts_role_request {
	const char	*role_arn;
	const char	*session_name;
	const char	*external_id;		/* or NULL */
	const char	*serial_number;		/* MFA device, or NULL */
	const char	*token_code;		/* its code, or NULL */
	long		 duration_seconds;	/* 0: STS's default */
	/* Set: AssumeRoleWithWebIdentity, unsigned (source is NULL). */
	const char	*web_identity_token;
	const char	*what;			/* "profile dev", for messages */
};

/*
 * AssumeRole (signed with source) or AssumeRoleWithWebIdentity; the
 * temporary credentials land in out (source names them: "role ... of
 * profile ..."), with their expiry. -1 (reported) on error.
 */
int	sts_assume_role(const struct aws_config *,
	    const struct aws_credentials *source, struct http *,
	    const struct sts_role_request *, struct aws_credentials *out);

/*
 * The credentials in an AssumeRole or AssumeRoleWithWebIdentity reply
 * (action names the call: "AssumeRole"). source is copied into out.
 * -1 (reported, naming what) when the reply holds none. Exposed for the
 * unit tests and the fuzzer.
 */
int	sts_parse_role_reply(const char *xml, size_t len, const char *action,
	    const char *what, const char *source, struct aws_credentials *out);

#endif
