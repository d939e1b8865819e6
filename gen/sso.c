/*
 * IAM Identity Center (SSO) credentials (see sso.h): the token cache,
 * SSO-OIDC CreateToken to refresh it, SSO GetRoleCredentials.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws_config.h"
#include "buf.h"
#include "credentials.h"
#include "digest.h"
#include "doc.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "outfile.h"
#include "sigv4.h"
#include "sso.h"
#include "xalloc.h"

/* The CLI refreshes a token with less than this left. */
#define REFRESH_WINDOW	(15 * 60)
#define CACHE_MAX	(256 * 1024)

/* What the provider found in the profile. */
struct sso_profile {
	const char	*profile;
	const char	*session;	/* NULL: legacy */
	const char	*start_url;
	const char	*region;
	const char	*account;
	const char	*role;
	char		*hint;		/* "aws sso login --profile dev" */
	char		*path;		/* the token cache file */
};

/*
 * JSON from an SSO reply or token file, or NULL: the caller words what is
 * wrong with it, so the parser's own message is not shown.
 */
static struct doc *
parse_quietly(const char *text, size_t len, const char *what)
{
	struct doc	*d;
	int		 level = log_get_level();

	log_set_level(LOG_SILENT);
	d = json_parse(text, len, what);
	log_set_level(level);
	return d;
}

static const char *
str_field(const struct doc *d, const char *key)
{
	const struct doc	*v = doc_map_get(d, key);

	return v != NULL && doc_type(v) == DOC_STR ? doc_str_val(v) : NULL;
}

static void
wipe_free(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

char *
sso_cache_name(const char *key)
{
	unsigned char	md[SHA1_LEN];
	char		hex[SHA1_LEN * 2 + 1];

	sha1_buf(key, strlen(key), md);
	hex_encode(md, sizeof(md), hex);
	return xasprintf("%s.json", hex);
}

void
sso_token_free(struct sso_token *t)
{
	if (t == NULL)
		return;
	wipe_free(t->access_token);
	wipe_free(t->refresh_token);
	free(t->client_id);
	wipe_free(t->client_secret);
	free(t->start_url);
	free(t->region);
	memset(t, 0, sizeof(*t));
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

int
sso_token_parse(const char *text, size_t len, const char *path,
    const char *hint, struct sso_token *t)
{
	struct doc	*d = NULL;
	const char	*at, *exp, *reg;
	char		*what;
	int		 rc = -1;

	memset(t, 0, sizeof(*t));
	what = xasprintf("%s (the SSO token cache)", path);
	/* json_parse's own words would lack the advice: say it once here. */
	d = parse_quietly(text, len, what);
	if (d == NULL || doc_type(d) != DOC_MAP) {
		log_error("%s: not valid JSON; run: %s", what, hint);
		goto out;
	}
	at = str_field(d, "accessToken");
	exp = str_field(d, "expiresAt");
	if (at == NULL || *at == '\0' || exp == NULL) {
		log_error("%s: no %s string; run: %s", what, at == NULL ||
		    *at == '\0' ? "accessToken" : "expiresAt", hint);
		goto out;
	}
	if ((t->expires_at = aws_parse_time(exp)) == -1) {
		log_error("%s: expiresAt %s: not an ISO 8601 time; run: %s",
		    what, exp, hint);
		goto out;
	}
	t->access_token = xstrdup(at);
	t->refresh_token = dup_or_null(str_field(d, "refreshToken"));
	t->client_id = dup_or_null(str_field(d, "clientId"));
	t->client_secret = dup_or_null(str_field(d, "clientSecret"));
	t->start_url = dup_or_null(str_field(d, "startUrl"));
	t->region = dup_or_null(str_field(d, "region"));
	if ((reg = str_field(d, "registrationExpiresAt")) != NULL &&
	    (t->registration_expires_at = aws_parse_time(reg)) == -1)
		t->registration_expires_at = 0;
	rc = 0;
out:
	if (rc == -1)
		sso_token_free(t);
	doc_free(d);
	free(what);
	return rc;
}

/* The profile's SSO settings: 1, 0 (not SSO), -1 (reported). */
static int
sso_settings(const struct aws_config *c, const char *profile,
    struct sso_profile *sp)
{
	static const char *const keys[] = { "sso_start_url", "sso_region" };
	const char	*pv, *sv, *missing[4];
	char		*name;
	size_t		 i, n = 0;

	memset(sp, 0, sizeof(*sp));
	sp->profile = profile;
	sp->account = aws_config_value(c, profile, "sso_account_id");
	sp->role = aws_config_value(c, profile, "sso_role_name");
	if (sp->account == NULL && sp->role == NULL)
		return 0;
	sp->session = aws_config_value(c, profile, "sso_session");
	sp->start_url = aws_config_value(c, profile, "sso_start_url");
	sp->region = aws_config_value(c, profile, "sso_region");
	if (sp->session != NULL) {
		if (!aws_config_has_sso_session(c, sp->session)) {
			log_error("profile %s: sso_session %s: there is no "
			    "[sso-session %s] in %s", profile, sp->session,
			    sp->session, aws_config_file_name(c,
			    AWS_FILE_CONFIG));
			return -1;
		}
		for (i = 0; i < 2; i++) {
			pv = aws_config_value(c, profile, keys[i]);
			sv = aws_config_sso_session(c, sp->session, keys[i]);
			if (pv != NULL && sv != NULL && strcmp(pv, sv) != 0) {
				log_error("profile %s: %s differs from the one "
				    "of [sso-session %s] (%s, %s)", profile,
				    keys[i], sp->session, pv, sv);
				return -1;
			}
		}
		if ((sv = aws_config_sso_session(c, sp->session,
		    "sso_start_url")) != NULL)
			sp->start_url = sv;
		if ((sv = aws_config_sso_session(c, sp->session,
		    "sso_region")) != NULL)
			sp->region = sv;
	}
	if (sp->role == NULL)
		missing[n++] = "sso_role_name";
	if (sp->account == NULL)
		missing[n++] = "sso_account_id";
	if (sp->start_url == NULL)
		missing[n++] = "sso_start_url";
	if (sp->region == NULL)
		missing[n++] = "sso_region";
	if (n > 0) {
		log_error("profile %s uses IAM Identity Center (SSO) but has no "
		    "%s%s%s%s%s", profile, missing[0], n > 1 ? ", " : "",
		    n > 1 ? missing[1] : "", n > 2 ? ", ..." : "",
		    sp->session != NULL ? " (nor its sso-session)" : "");
		return -1;
	}
	if (strpbrk(sp->region, "/:@?#") != NULL || *sp->region == '\0') {
		log_error("profile %s: sso_region %s: not a region", profile,
		    sp->region);
		return -1;
	}
	sp->hint = sp->session != NULL ?
	    xasprintf("aws sso login --sso-session %s", sp->session) :
	    xasprintf("aws sso login --profile %s", profile);
	name = sso_cache_name(sp->session != NULL ? sp->session :
	    sp->start_url);
	sp->path = getenv("HOME") != NULL ? xasprintf("%s/.aws/sso/cache/%s",
	    getenv("HOME"), name) : xstrdup(name);
	free(name);
	return 1;
}

/*
 * The service's error from its reply (x-amzn-ErrorType, JSON message); a
 * warning when warn is set (a failed refresh: the old token may do).
 */
static void
report(const char *what, const struct http_response *resp, const char *hint,
    int warn)
{
	void		(*say)(const char *, ...) = warn ? log_warn : log_error;
	const char	*type = http_response_header(resp, "x-amzn-errortype");
	const char	*msg = NULL;
	struct doc	*d = NULL;
	size_t		 n;

	if (resp->body.len > 0)
		d = parse_quietly(resp->body.data, resp->body.len, what);
	if (d != NULL && doc_type(d) == DOC_MAP) {
		if ((msg = str_field(d, "message")) == NULL)
			msg = str_field(d, "error_description");
		if (type == NULL)
			type = str_field(d, "error");
	}
	n = type != NULL ? strcspn(type, ":") : 0;
	if (n > 0)
		say("%s: %.*s%s%s (HTTP %ld)%s%s", what, (int)n, type,
		    msg != NULL ? ": " : "", msg != NULL ? msg : "",
		    resp->status, hint != NULL ? "; run: " : "",
		    hint != NULL ? hint : "");
	else
		say("%s: HTTP %ld %s%s%s", what, resp->status,
		    http_status_text(resp->status),
		    hint != NULL ? "; run: " : "", hint != NULL ? hint : "");
	doc_free(d);
}

static const char *const keep[] = { "x-amzn-errortype", NULL };

/*
 * One call to SSO or SSO-OIDC, with hd its one header: a POST of body, or
 * a GET when body is NULL. -1 when it fails or answers other than 200
 * (reported by report(), with hint on a 401, a warning when warn is set);
 * else 0 with *d the reply as JSON, NULL when it is not. The reply holds
 * tokens or keys: its bytes are wiped.
 */
static int
sso_call(struct http *h, const char *url, const struct http_header *hd,
    const struct buf *body, const char *what, const char *hint, int warn,
    struct doc **d)
{
	struct http_request	 req;
	struct http_response	 resp;
	int			 rc = -1;

	*d = NULL;
	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	req.method = body != NULL ? HTTP_POST : HTTP_GET;
	req.url = url;
	req.headers = hd;
	req.nheaders = 1;
	if (body != NULL) {
		req.body = body->data;
		req.body_len = body->len;
	}
	req.retry = 1;
	req.want_headers = keep;
	req.body_max = 256 * 1024;
	if (http_do(h, &req, &resp) == 0) {
		if (resp.status == 200) {
			*d = parse_quietly(resp.body.data, resp.body.len, what);
			rc = 0;
		} else
			report(what, &resp, resp.status == 401 ? hint : NULL,
			    warn);
	}
	explicit_bzero(resp.body.data, resp.body.len);
	http_response_free(&resp);
	return rc;
}

/* The token file rewritten with the refreshed token, atomically. */
static void
write_token(const struct sso_profile *sp, const struct sso_token *t)
{
	struct buf	b;
	char		exp[21], reg[21];
	int		e;

	aws_format_time(t->expires_at, exp);
	aws_format_time(t->registration_expires_at, reg);
	buf_init(&b, 0);	/* no cap: these adds cannot fail */
	if (buf_addc(&b, '{') == -1 ||
	    aws_json_member(&b, "", "startUrl", sp->start_url) == -1 ||
	    aws_json_member(&b, ", ", "region", sp->region) == -1 ||
	    aws_json_member(&b, ", ", "accessToken", t->access_token) == -1 ||
	    aws_json_member(&b, ", ", "expiresAt", exp) == -1 ||
	    aws_json_member(&b, ", ", "clientId", t->client_id) == -1 ||
	    aws_json_member(&b, ", ", "clientSecret", t->client_secret) == -1 ||
	    aws_json_member(&b, ", ", "registrationExpiresAt", reg) == -1 ||
	    (t->refresh_token != NULL && aws_json_member(&b, ", ",
	    "refreshToken", t->refresh_token) == -1) ||
	    buf_addc(&b, '}') == -1)
		log_warn("%s: %s; the refreshed SSO token is not saved",
		    sp->path, strerror(errno));
	else if ((e = outfile_put_quiet(sp->path, b.data, b.len, 0600)) != 0)
		log_warn("%s: %s; the refreshed SSO token is not saved",
		    sp->path, strerror(e));
	else
		log_verbose("%s: SSO token refreshed", sp->path);
	explicit_bzero(b.data, b.len);
	buf_free(&b);
}

/*
 * SSO-OIDC CreateToken with the refresh token. 0 with t updated; -1 when
 * it cannot be done (said at -v: the CLI then goes on with the old token).
 */
static int
refresh(const struct aws_config *c, struct http *h,
    const struct sso_profile *sp, struct sso_token *t)
{
	struct http_header	 hd = { "Content-Type", "application/json", 0 };
	const char		*ep = aws_config_endpoint(c, "sso-oidc");
	const struct doc	*v;
	struct doc		*d = NULL;
	struct buf		 body;
	const char		*at, *rt;
	char			*url, *what;
	int			 rc = -1;

	if (t->refresh_token == NULL || t->client_id == NULL ||
	    t->client_secret == NULL || t->registration_expires_at == 0) {
		log_verbose("%s: no refresh token or client registration; not "
		    "refreshed", sp->path);
		return -1;
	}
	if (t->registration_expires_at <= (long long)time(NULL)) {
		log_verbose("%s: the client registration has expired; not "
		    "refreshed", sp->path);
		return -1;
	}
	url = ep != NULL ? xasprintf("%s/token", ep) :
	    xasprintf("https://oidc.%s.amazonaws.com/token", sp->region);
	what = xasprintf("SSO-OIDC CreateToken (%s, profile %s)",
	    sp->session != NULL ? "sso-session" : "start URL", sp->profile);
	buf_init(&body, 0);	/* no cap: these adds cannot fail */
	if (buf_addc(&body, '{') == -1 ||
	    aws_json_member(&body, "", "clientId", t->client_id) == -1 ||
	    aws_json_member(&body, ", ", "clientSecret",
	    t->client_secret) == -1 ||
	    aws_json_member(&body, ", ", "grantType", "refresh_token") == -1 ||
	    aws_json_member(&body, ", ", "refreshToken",
	    t->refresh_token) == -1 ||
	    buf_addc(&body, '}') == -1) {
		log_verbose("%s: %s; not refreshed", what, strerror(errno));
		goto out;
	}
	if (sso_call(h, url, &hd, &body, what, NULL, 1, &d) == -1)
		goto out;
	at = d != NULL ? str_field(d, "accessToken") : NULL;
	v = d != NULL ? doc_map_get(d, "expiresIn") : NULL;
	if (at == NULL || *at == '\0' || v == NULL ||
	    doc_type(v) != DOC_INT || doc_int_val(v) <= 0) {
		log_warn("%s: the reply holds no accessToken and expiresIn",
		    what);
		goto out;
	}
	wipe_free(t->access_token);
	t->access_token = xstrdup(at);
	t->expires_at = (long long)time(NULL) + doc_int_val(v);
	if ((rt = str_field(d, "refreshToken")) != NULL) {
		wipe_free(t->refresh_token);
		t->refresh_token = xstrdup(rt);
	}
	write_token(sp, t);
	rc = 0;
out:
	doc_free(d);
	explicit_bzero(body.data, body.len);
	buf_free(&body);
	free(url);
	free(what);
	return rc;
}

/* The valid access token of the profile, or NULL (reported). */
static char *
access_token(const struct aws_config *c, struct http *h,
    const struct sso_profile *sp)
{
	struct sso_token	 t;
	struct buf		 b;
	char			 when[21], *r = NULL;
	int			 fd;

	if ((fd = open(sp->path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			log_error("profile %s: no IAM Identity Center (SSO) "
			    "token (%s does not exist); run: %s", sp->profile,
			    sp->path, sp->hint);
		else
			log_error("%s: %s", sp->path, strerror(errno));
		return NULL;
	}
	buf_init(&b, CACHE_MAX);
	if (buf_read_fd(&b, fd) == -1) {
		log_error("%s: %s", sp->path, errno == EOVERFLOW ?
		    "larger than 256 kB; not an SSO token cache" :
		    strerror(errno));
		close(fd);
		buf_free(&b);
		return NULL;
	}
	close(fd);
	if (sso_token_parse(b.data, b.len, sp->path, sp->hint, &t) == -1)
		goto out;
	if (sp->session != NULL &&
	    t.expires_at - (long long)time(NULL) < REFRESH_WINDOW)
		(void)refresh(c, h, sp, &t);
	if (t.expires_at <= (long long)time(NULL)) {
		aws_format_time(t.expires_at, when);
		log_error("profile %s: the IAM Identity Center (SSO) token "
		    "expired at %s; run: %s", sp->profile, when, sp->hint);
		goto out;
	}
	r = t.access_token;
	t.access_token = NULL;
out:
	sso_token_free(&t);
	explicit_bzero(b.data, b.len);
	buf_free(&b);
	return r;
}

int
sso_credentials(const struct aws_config *c, struct http *h,
    const char *profile, struct aws_credentials *cr)
{
	struct sso_profile	 sp;
	struct http_header	 hd = { "x-amz-sso_bearer_token", NULL, 1 };
	const char		*ep = aws_config_endpoint(c, "sso");
	const struct doc	*rc_doc, *exp;
	struct doc		*d = NULL;
	struct buf		 url;
	char			*token = NULL, *what = NULL, *source = NULL;
	int			 rc;

	if ((rc = sso_settings(c, profile, &sp)) != 1)
		return rc;
	rc = -1;
	buf_init(&url, 0);
	source = xasprintf("IAM Identity Center (SSO) role %s in account %s "
	    "of profile %s", sp.role, sp.account, profile);
	what = xasprintf("SSO GetRoleCredentials (%s)", source);
	if ((token = access_token(c, h, &sp)) == NULL)
		goto out;
	if ((ep != NULL ? buf_adds(&url, ep) : buf_addf(&url,
	    "https://portal.sso.%s.amazonaws.com", sp.region)) == -1 ||
	    buf_adds(&url, "/federation/credentials?account_id=") == -1 ||
	    sigv4_uri_encode(&url, sp.account, strlen(sp.account), 0) == -1 ||
	    buf_adds(&url, "&role_name=") == -1 ||
	    sigv4_uri_encode(&url, sp.role, strlen(sp.role), 0) == -1) {
		log_error("%s: %s", what, strerror(errno));
		goto out;
	}
	hd.value = token;
	if (sso_call(h, url.data, &hd, NULL, what, sp.hint, 0, &d) == -1)
		goto out;
	rc_doc = d != NULL ? doc_map_get(d, "roleCredentials") : NULL;
	exp = rc_doc != NULL ? doc_map_get(rc_doc, "expiration") : NULL;
	if (rc_doc == NULL || doc_type(rc_doc) != DOC_MAP ||
	    str_field(rc_doc, "accessKeyId") == NULL ||
	    str_field(rc_doc, "secretAccessKey") == NULL ||
	    str_field(rc_doc, "sessionToken") == NULL) {
		log_error("%s: the reply holds no complete roleCredentials",
		    what);
		goto out;
	}
	if (aws_credentials_set(cr, str_field(rc_doc, "accessKeyId"),
	    str_field(rc_doc, "secretAccessKey"),
	    str_field(rc_doc, "sessionToken"), source) != 1)
		goto out;
	if (exp != NULL && doc_type(exp) == DOC_INT)
		cr->expiration = doc_int_val(exp) / 1000;
	rc = 1;
out:
	doc_free(d);
	wipe_free(token);
	buf_free(&url);
	free(what);
	free(source);
	free(sp.hint);
	free(sp.path);
	return rc;
}
