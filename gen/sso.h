/*
 * IAM Identity Center (SSO) credentials, read as the AWS CLI reads them.
 *
 * A profile uses SSO when it has sso_account_id or sso_role_name. Its
 * sso_start_url and sso_region come from its [sso-session NAME] section
 * (sso_session = NAME; a value set in both places must agree) or, in the
 * legacy form, from the profile itself. The token `aws sso login` left is
 * read from ~/.aws/sso/cache/<SHA-1 of the session name, or of the start
 * URL in the legacy form>.json (accessToken, expiresAt). A session's token
 * with less than 15 minutes left is refreshed with SSO-OIDC CreateToken on
 * https://oidc.<region>.amazonaws.com (AWS_ENDPOINT_URL_SSO_OIDC) when the
 * file holds a refresh token and an unexpired client registration; the
 * new token is written back atomically, as the CLI does. The role's
 * credentials come from GetRoleCredentials on
 * https://portal.sso.<region>.amazonaws.com (AWS_ENDPOINT_URL_SSO).
 *
 * No usable token is an error that says what to run:
 * "run: aws sso login --profile NAME" (or --sso-session NAME). Tokens,
 * refresh tokens and client secrets never appear in a message.
 */
#ifndef CFNGEN_SSO_H
#define CFNGEN_SSO_H

#include <stddef.h>

struct aws_config;
struct aws_credentials;
struct http;

/*
 * The SSO provider for profile: 1 with cr filled, 0 when the profile does
 * not use SSO, -1 (reported) when it does and fails.
 */
int	sso_credentials(const struct aws_config *, struct http *,
	    const char *profile, struct aws_credentials *);

/* "<sha1 hex>.json": the token cache's file name for a session or URL. */
char	*sso_cache_name(const char *session_or_start_url);

struct sso_token {
	char		*access_token;
	long long	 expires_at;
	/* For a refresh; NULL when the file has none. */
	char		*refresh_token;
	char		*client_id;
	char		*client_secret;
	long long	 registration_expires_at;	/* 0: none */
	char		*start_url;
	char		*region;
};

/*
 * Reads a token cache file's text; path names it in messages, and hint
 * is what to run about it ("aws sso login --profile dev"). -1 (reported)
 * when it is not valid JSON or lacks accessToken or expiresAt.
 */
int	sso_token_parse(const char *text, size_t len, const char *path,
	    const char *hint, struct sso_token *);
void	sso_token_free(struct sso_token *);

#endif
