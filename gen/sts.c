/*
 * STS calls (see sts.h): a POSTed form, signed with SigV4 for each
 * attempt (or sent unsigned), its XML reply read with xml.h.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws_config.h"
#include "buf.h"
#include "credentials.h"
#include "digest.h"
#include "http.h"
#include "log.h"
#include "sigv4.h"
#include "sts.h"
#include "xalloc.h"
#include "xml.h"

#define STS_VERSION	"2011-06-15"
#define FORM_TYPE	"application/x-www-form-urlencoded; charset=utf-8"

struct call {
	const struct aws_credentials	*signer;	/* NULL: unsigned */
	const char			*region;
	const char			*what;
	char				*host;
	char				*path;
	char				 sha[SHA256_HEX_LEN + 1];
	struct sigv4_signed		 sign;
};

static const char *const keep_headers[] = {
	"x-amzn-requestid", "x-amz-request-id", NULL
};

static const char *
domain(const char *region)
{
	return strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn" :
	    "amazonaws.com";
}

/* Signs the call for this attempt, or sets the unsigned headers. */
static int
prepare(void *arg, struct http_request *req, int attempt)
{
	struct call		*c = arg;
	static const struct sigv4_header ctype[] = {
		{ "Content-Type", FORM_TYPE },
	};
	struct sigv4_call	 sc = {
		.method = "POST",
		.host = c->host,
		.path = c->path,
		.payload_sha256 = c->sha,
		.region = c->region,
		.service = "sts",
		.lead = ctype,
		.nlead = 1,
		.what = c->what,
	};

	if (c->signer == NULL) {
		sigv4_result_free(&c->sign.sig);
		c->sign.hdr[0] = (struct http_header){ ctype[0].name,
		    ctype[0].value, 0 };
		req->headers = c->sign.hdr;
		req->nheaders = 1;
		return 0;
	}
	return sigv4_prepare(&sc, c->signer, &c->sign, req, attempt);
}

/* What to do about the common errors, or NULL. */
static const char *
advice(const char *code)
{
	if (strcmp(code, "ExpiredToken") == 0)
		return "the signing credentials have expired: get new ones";
	if (strcmp(code, "InvalidClientTokenId") == 0)
		return "AWS does not know the signing access key";
	if (strcmp(code, "SignatureDoesNotMatch") == 0)
		return "check the signing secret access key";
	if (strcmp(code, "InvalidIdentityToken") == 0)
		return "the identity provider's token was refused";
	if (strcmp(code, "ExpiredTokenException") == 0)
		return "the web identity token has expired";
	if (strcmp(code, "AccessDenied") == 0)
		return "the role's trust policy does not allow this caller";
	return NULL;
}

/*
 * POSTs body to STS; a 200 reply's body lands in out (caller frees, wipes
 * it: it may hold credentials). -1 (reported) otherwise. secret, if set,
 * is never echoed.
 */
static int
sts_call(const struct aws_config *cfg, const struct aws_credentials *signer,
    struct http *h, const char *body, const char *what, const char *secret,
    struct buf *out)
{
	struct call		 c;
	struct http_request	 req;
	struct http_response	 resp;
	const char		*ep = aws_config_endpoint(cfg, "sts");
	const char		*code, *msg, *rid, *hint, *a, *slash;
	char			*url;
	unsigned char		 md[SHA256_LEN];
	struct xml		*x = NULL;
	int			 rc = -1;

	buf_init(out, 0);
	memset(&c, 0, sizeof(c));
	memset(&req, 0, sizeof(req));
	c.signer = signer;
	c.region = aws_config_region(cfg);
	c.what = what;
	sha256_buf(body, strlen(body), md);
	hex_encode(md, sizeof(md), c.sha);
	if (ep != NULL) {
		a = strstr(ep, "://") + 3;
		slash = strchr(a, '/');
		c.host = slash != NULL ? xstrndup(a, (size_t)(slash - a)) :
		    xstrdup(a);
		c.path = xasprintf("%s/", slash != NULL ? slash : "");
		url = xasprintf("%s/", ep);
	} else {
		c.host = xasprintf("sts.%s.%s", c.region, domain(c.region));
		c.path = xstrdup("/");
		url = xasprintf("https://%s/", c.host);
	}
	req.method = HTTP_POST;
	req.url = url;
	req.body = body;
	req.body_len = strlen(body);
	req.retry = 1;
	req.prepare = prepare;
	req.hook_arg = &c;
	req.want_headers = keep_headers;
	req.body_max = 256 * 1024;
	if (http_do(h, &req, &resp) == -1)
		goto out;
	if (resp.status == 200) {
		if (buf_add(out, resp.body.data, resp.body.len) == -1)
			log_error("%s: %s", what, strerror(errno));
		else
			rc = 0;
		goto out;
	}
	x = xml_parse(resp.body.data, resp.body.len, NULL, NULL);
	if ((code = xml_get(x, "ErrorResponse/Error/Code")) != NULL)
		msg = xml_get(x, "ErrorResponse/Error/Message");
	else if ((code = xml_get(x, "ErrorResponse/Errors/Error/Code")) !=
	    NULL)
		msg = xml_get(x, "ErrorResponse/Errors/Error/Message");
	else if ((code = xml_get(x, "Error/Code")) != NULL)
		msg = xml_get(x, "Error/Message");
	else
		msg = NULL;
	if ((rid = xml_get(x, "ErrorResponse/RequestId")) == NULL)
		rid = http_response_header(&resp, "x-amzn-requestid");
	/* Never echo a token back, whatever the server put in Message. */
	if (msg != NULL && (*msg == '\0' ||
	    (secret != NULL && strstr(msg, secret) != NULL)))
		msg = NULL;
	if (code != NULL && *code != '\0') {
		hint = advice(code);
		log_error("%s: %s%s%s (HTTP %ld%s%s)%s%s", what, code,
		    msg != NULL ? ": " : "", msg != NULL ? msg : "",
		    resp.status, rid != NULL ? ", request id " : "",
		    rid != NULL ? rid : "", hint != NULL ? "; " : "",
		    hint != NULL ? hint : "");
	} else
		log_error("%s: HTTP %ld %s", what, resp.status,
		    http_status_text(resp.status));
out:
	xml_free(x);
	explicit_bzero(resp.body.data, resp.body.len);
	http_response_free(&resp);
	sigv4_result_free(&c.sign.sig);
	free(c.host);
	free(c.path);
	free(url);
	return rc;
}

void
sts_identity_free(struct sts_identity *id)
{
	if (id == NULL)
		return;
	free(id->account);
	free(id->arn);
	free(id->user_id);
	memset(id, 0, sizeof(*id));
}

int
sts_caller_identity(const struct aws_config *cfg,
    const struct aws_credentials *cr, struct http *h, struct sts_identity *id)
{
	struct xml	*x = NULL;
	struct buf	 reply;
	const char	*acct, *arn, *uid;
	char		*what;
	int		 rc = -1;

	memset(id, 0, sizeof(*id));
	what = xasprintf("STS GetCallerIdentity (credentials from %s)",
	    cr->source);
	if (sts_call(cfg, cr, h, "Action=GetCallerIdentity&Version="
	    STS_VERSION, what, NULL, &reply) == -1)
		goto out;
	x = xml_parse(reply.data, reply.len, NULL, NULL);
#define R "GetCallerIdentityResponse/GetCallerIdentityResult/"
	acct = xml_get(x, R "Account");
	arn = xml_get(x, R "Arn");
	uid = xml_get(x, R "UserId");
#undef R
	if (acct == NULL || strlen(acct) != 12 ||
	    strspn(acct, "0123456789") != 12) {
		log_error("%s: the reply holds no 12-digit Account", what);
		goto out;
	}
	id->account = xstrdup(acct);
	id->arn = xstrdup(arn != NULL ? arn : "");
	id->user_id = xstrdup(uid != NULL ? uid : "");
	log_verbose("signing as %s (account %s), credentials from %s",
	    id->arn, id->account, cr->source);
	rc = 0;
out:
	xml_free(x);
	buf_free(&reply);
	free(what);
	return rc;
}

/* The text of a field of the reply's Credentials, or NULL. */
static const char *
role_field(const struct xml *x, const char *action, const char *name)
{
	const char	*v;
	char		*path;

	path = xasprintf("%sResponse/%sResult/Credentials/%s", action, action,
	    name);
	v = xml_get(x, path);
	free(path);
	return v;
}

char *
sts_account_id(const struct aws_config *cfg,
    const struct aws_credentials *cr, struct http *h)
{
	struct sts_identity	id;
	char			*r;

	if (sts_caller_identity(cfg, cr, h, &id) == -1)
		return NULL;
	r = id.account;
	id.account = NULL;
	sts_identity_free(&id);
	return r;
}

int
sts_parse_role_reply(const char *text, size_t len, const char *action,
    const char *what, const char *source, struct aws_credentials *out)
{
	struct xml	*x;
	const char	*id, *secret, *token, *exp;
	long long	 t;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	if ((x = xml_parse(text, len, NULL, NULL)) == NULL) {
		log_error("%s: the reply is not XML", what);
		return -1;
	}
	id = role_field(x, action, "AccessKeyId");
	secret = role_field(x, action, "SecretAccessKey");
	token = role_field(x, action, "SessionToken");
	exp = role_field(x, action, "Expiration");
	if (id == NULL || secret == NULL || token == NULL || exp == NULL ||
	    *id == '\0' || *secret == '\0' || *token == '\0') {
		log_error("%s: the %s reply holds no complete Credentials",
		    what, action);
		goto out;
	}
	if ((t = aws_parse_time(exp)) == -1) {
		log_error("%s: Expiration %s: not an ISO 8601 time", what, exp);
		goto out;
	}
	if (aws_credentials_set(out, id, secret, token, source) != 1)
		goto out;
	out->expiration = t;
	rc = 0;
out:
	xml_free(x);
	return rc;
}

/* Appends &name=value, the value form-encoded; -1 past b's cap. */
static int
form_add(struct buf *b, const char *name, const char *value)
{
	if (buf_addf(b, "&%s=", name) == -1 ||
	    sigv4_uri_encode(b, value, strlen(value), 0) == -1)
		return -1;
	return 0;
}

int
sts_assume_role(const struct aws_config *cfg,
    const struct aws_credentials *source, struct http *h,
    const struct sts_role_request *rq, struct aws_credentials *out)
{
	const char	*action = rq->web_identity_token != NULL ?
	    "AssumeRoleWithWebIdentity" : "AssumeRole";
	struct buf	 body, reply;
	char		*what, dur[24];
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	what = source != NULL ? xasprintf("STS %s (%s, signed with "
	    "credentials from %s)", action, rq->what, source->source) :
	    xasprintf("STS %s (%s)", action, rq->what);
	buf_init(&body, 0);	/* no cap: these adds cannot fail */
	buf_init(&reply, 0);
	snprintf(dur, sizeof(dur), "%ld", rq->duration_seconds);
	if (buf_addf(&body, "Action=%s&Version=" STS_VERSION, action) == -1 ||
	    form_add(&body, "RoleArn", rq->role_arn) == -1 ||
	    form_add(&body, "RoleSessionName", rq->session_name) == -1 ||
	    (rq->external_id != NULL &&
	    form_add(&body, "ExternalId", rq->external_id) == -1) ||
	    (rq->serial_number != NULL &&
	    form_add(&body, "SerialNumber", rq->serial_number) == -1) ||
	    (rq->token_code != NULL &&
	    form_add(&body, "TokenCode", rq->token_code) == -1) ||
	    (rq->duration_seconds > 0 &&
	    form_add(&body, "DurationSeconds", dur) == -1) ||
	    (rq->web_identity_token != NULL && form_add(&body,
	    "WebIdentityToken", rq->web_identity_token) == -1))
		log_error("%s: %s", what, strerror(errno));
	else if (sts_call(cfg, source, h, body.data, what,
	    rq->web_identity_token, &reply) == 0) {
		rc = sts_parse_role_reply(reply.data, reply.len, action, what,
		    rq->what, out);
		explicit_bzero(reply.data, reply.len);
	}
	buf_free(&reply);
	explicit_bzero(body.data, body.len);
	buf_free(&body);
	free(what);
	return rc;
}
