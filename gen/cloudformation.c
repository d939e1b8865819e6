/*
 * The CloudFormation query-protocol client (see cloudformation.h). A call
 * builds the form body once; http.c calls prepare() before every attempt,
 * which signs it with the clock of that moment.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws_config.h"
#include "buf.h"
#include "credentials.h"
#include "cloudformation.h"
#include "digest.h"
#include "http.h"
#include "log.h"
#include "sigv4.h"
#include "xalloc.h"
#include "xml.h"

/*
 * Attempts per call: throttling is the common transient error of a
 * control-plane API, so more than HTTP_ATTEMPTS (botocore's legacy mode
 * makes 5 too).
 */
#define CFN_ATTEMPTS	5
/* A form body: a template of 51,200 bytes encodes to at most 3 times. */
#define CFN_BODY_MAX	(4 * 1024 * 1024)

struct cfn {
	char				*region;
	char				*origin;	/* "https://host[:port]" */
	char				*host;		/* the Host header */
	char				*path;		/* "/" or "/prefix/" */
	const struct aws_credentials	*cr;
	struct http			*h;
};

/* One request, for prepare(). */
struct call {
	struct cfn		*c;
	const char		*action;
	char			 sha[SHA256_HEX_LEN + 1];
	struct sigv4_signed	 sign;
};

static const char *const keep_headers[] = { "x-amzn-requestid", NULL };

static const char form_type[] =
    "application/x-www-form-urlencoded; charset=utf-8";

struct cfn *
cfn_new(const char *region, const char *endpoint,
    const struct aws_credentials *cr, struct http *h)
{
	struct cfn	*c = xcalloc(1, sizeof(*c));
	const char	*a, *slash;
	size_t		 n;

	c->region = xstrdup(region);
	c->cr = cr;
	c->h = h;
	if (endpoint != NULL && (a = strstr(endpoint, "://")) != NULL) {
		a += 3;
		slash = strchr(a, '/');
		n = slash != NULL ? (size_t)(slash - endpoint) :
		    strlen(endpoint);
		c->origin = xstrndup(endpoint, n);
		c->host = xstrndup(a, n - (size_t)(a - endpoint));
		/* a path prefix, with exactly one slash after it */
		c->path = slash != NULL && slash[1] != '\0' ?
		    xasprintf("%s%s", slash, slash[strlen(slash) - 1] == '/' ?
		    "" : "/") : xstrdup("/");
	} else {
		c->host = xasprintf("cloudformation.%s.%s", region,
		    strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn" :
		    "amazonaws.com");
		c->origin = xasprintf("https://%s", c->host);
		c->path = xstrdup("/");
	}
	return c;
}

void
cfn_free(struct cfn *c)
{
	if (c == NULL)
		return;
	free(c->region);
	free(c->origin);
	free(c->host);
	free(c->path);
	free(c);
}

const char *
cfn_region(const struct cfn *c)
{
	return c->region;
}

const char *
cfn_endpoint(const struct cfn *c)
{
	return c->origin;
}

/* Signs the request for this attempt (http_prepare_fn). */
static int
prepare(void *arg, struct http_request *req, int attempt)
{
	struct call		*k = arg;
	const struct sigv4_header ctype[] = {
		{ "Content-Type", form_type },
	};
	struct sigv4_call	 sc = {
		.method = "POST",
		.host = k->c->host,
		.path = k->c->path,
		.payload_sha256 = k->sha,
		.region = k->c->region,
		.service = "cloudformation",
		.lead = ctype,
		.nlead = 1,
		.what = "CloudFormation",
		.action = k->action,
	};

	return sigv4_prepare(&sc, k->c->cr, &k->sign, req, attempt);
}

/* Reads an error answer: <ErrorResponse><Error><Code>... */
static void
error_read(const struct http_response *resp, struct cfn_error *e)
{
	struct xml	*x = NULL;
	const char	*v;
	int		 el;

	memset(e, 0, sizeof(*e));
	e->status = resp->status;
	if (resp->body.len > 0)
		x = xml_parse(resp->body.data, resp->body.len, NULL, NULL);
	/* the documented form, then the <Errors> list moto's checks send */
	if ((el = xml_find(x, -1, "ErrorResponse/Error")) < 0)
		el = xml_find(x, -1, "ErrorResponse/Errors/Error");
	if ((v = xml_find_text(x, el, "Code")) != NULL && *v != '\0')
		e->code = xstrdup(v);
	if ((v = xml_find_text(x, el, "Message")) != NULL)
		e->message = xstrdup(v);
	if ((v = xml_get(x, "ErrorResponse/RequestId")) == NULL || *v == '\0')
		v = http_response_header(resp, "x-amzn-requestid");
	if (v != NULL && *v != '\0')
		e->request_id = xstrdup(v);
	xml_free(x);
}

void
cfn_error_free(struct cfn_error *e)
{
	if (e == NULL)
		return;
	free(e->code);
	free(e->message);
	free(e->request_id);
	memset(e, 0, sizeof(*e));
}

/* Throttling comes as HTTP 400 with one of these codes (http_classify_fn). */
static int
classify(void *arg, const struct http_response *resp)
{
	static const char *const transient[] = { "Throttling",
	    "ThrottlingException", "RequestLimitExceeded",
	    "TooManyRequestsException", "RequestThrottled",
	    "RequestThrottledException", "PriorRequestNotComplete", NULL };
	struct call		*k = arg;
	struct cfn_error	 e;
	size_t			 i;
	int			 again = 0;

	error_read(resp, &e);
	for (i = 0; e.code != NULL && transient[i] != NULL; i++)
		if (strcmp(e.code, transient[i]) == 0)
			again = 1;
	if (again)
		log_verbose("CloudFormation %s: %s; trying again", k->action,
		    e.code);
	cfn_error_free(&e);
	return again;
}

/* What to do about the common errors; NULL when there is nothing to say. */
static const char *
advice(const char *code)
{
	if (code == NULL)
		return NULL;
	if (strcmp(code, "SignatureDoesNotMatch") == 0)
		return "check the secret access key";
	if (strcmp(code, "InvalidClientTokenId") == 0 ||
	    strcmp(code, "UnrecognizedClientException") == 0)
		return "AWS does not know the access key";
	if (strcmp(code, "ExpiredToken") == 0)
		return "the session token has expired: get new credentials";
	if (strcmp(code, "AccessDenied") == 0 ||
	    strcmp(code, "AccessDeniedException") == 0)
		return "the credentials may not do this";
	return NULL;
}

void
cfn_error_report(const struct cfn *c, const char *action,
    const struct cfn_error *e)
{
	const char	*hint = advice(e->code);

	if (e->code != NULL)
		log_error("CloudFormation %s (%s): %s%s%s (HTTP %ld%s%s)%s%s",
		    action, c->region, e->code,
		    e->message != NULL && *e->message != '\0' ? ": " : "",
		    e->message != NULL ? e->message : "", e->status,
		    e->request_id != NULL ? ", request id " : "",
		    e->request_id != NULL ? e->request_id : "",
		    hint != NULL ? "; " : "", hint != NULL ? hint : "");
	else
		log_error("CloudFormation %s (%s): %s: HTTP %ld %s", action,
		    c->region, c->origin, e->status,
		    http_status_text(e->status));
}

/*
 * application/x-www-form-urlencoded as the SDKs write it: unreserved
 * characters as they are, a space as '+', every other byte %XX. (The
 * signature covers the bytes, so any encoding would do for AWS; moto
 * checks it against a body of its own making, written this way.)
 */
static int
form_encode(struct buf *b, const char *s)
{
	int	rc;

	for (; *s != '\0'; s++) {
		if (*s == ' ')
			rc = buf_addc(b, '+');
		else if (strchr("-_.~", *s) != NULL ||
		    (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9'))
			rc = buf_addc(b, *s);
		else
			rc = buf_addf(b, "%%%02X", (unsigned char)*s);
		if (rc == -1)
			return -1;
	}
	return 0;
}

/* Appends name=value (after a '&' unless b is empty); -1 past the cap. */
static int
form_add(struct buf *b, const char *name, const char *value)
{
	if ((b->len > 0 && buf_addc(b, '&') == -1) ||
	    form_encode(b, name) == -1 || buf_addc(b, '=') == -1 ||
	    form_encode(b, value) == -1)
		return -1;
	return 0;
}

int
cfn_call(struct cfn *c, const char *action, const struct cfn_param *params,
    size_t nparams, struct xml **reply, struct cfn_error *err)
{
	struct call		 k;
	struct http_request	 req;
	struct http_response	 resp;
	struct cfn_error	 e;
	struct buf		 body;
	unsigned char		 md[SHA256_LEN];
	const char		*why;
	char			*url;
	size_t			 i;
	int			 added, line, rc = -1;

	*reply = NULL;
	memset(&k, 0, sizeof(k));
	memset(&req, 0, sizeof(req));
	memset(&e, 0, sizeof(e));
	if (err != NULL)
		memset(err, 0, sizeof(*err));
	k.c = c;
	k.action = action;
	buf_init(&body, CFN_BODY_MAX);
	added = form_add(&body, "Action", action) == 0 &&
	    form_add(&body, "Version", CFN_API_VERSION) == 0;
	for (i = 0; added && i < nparams; i++)
		added = form_add(&body, params[i].name, params[i].value) == 0;
	if (!added) {
		log_error("CloudFormation %s: the request is longer than %d "
		    "bytes", action, CFN_BODY_MAX);
		buf_free(&body);
		return -1;
	}
	sha256_buf(body.data, body.len, md);
	hex_encode(md, sizeof(md), k.sha);
	url = xasprintf("%s%s", c->origin, c->path);
	req.method = HTTP_POST;
	req.url = url;
	req.body = body.data;
	req.body_len = body.len;
	req.retry = 1;
	req.attempts = CFN_ATTEMPTS;
	req.prepare = prepare;
	req.classify = classify;
	req.hook_arg = &k;
	req.want_headers = keep_headers;
	log_verbose("CloudFormation %s (%s)", action, c->region);
	if (http_do(c->h, &req, &resp) == -1)
		goto out;
	if (resp.status >= 200 && resp.status < 300) {
		*reply = xml_parse(resp.body.data, resp.body.len, &why, &line);
		if (*reply == NULL) {
			log_error("CloudFormation %s (%s): the answer is not "
			    "XML: %s, line %d", action, c->region, why, line);
			goto out;
		}
		rc = 0;
		goto out;
	}
	error_read(&resp, &e);
	if (err != NULL) {
		*err = e;
		memset(&e, 0, sizeof(e));
		rc = 1;
	} else
		cfn_error_report(c, action, &e);
out:
	cfn_error_free(&e);
	http_response_free(&resp);
	sigv4_result_free(&k.sign.sig);
	buf_free(&body);
	free(url);
	return rc;
}

/* --- DescribeStacks ------------------------------------------------ */

static char *
dup_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? xstrdup(s) : NULL;
}

int
cfn_describe_stack(struct cfn *c, const char *name, struct cfn_stack *st)
{
	struct cfn_param	 p[] = { { "StackName", name } };
	struct cfn_error	 e;
	struct xml		*x = NULL;
	struct cfn_output	*o;
	int			 s, m, rc;

	memset(st, 0, sizeof(*st));
	rc = cfn_call(c, "DescribeStacks", p, 1, &x, &e);
	if (rc == 1) {
		/* "Stack with id NAME does not exist" is an answer, not a failure */
		if (e.code != NULL && strcmp(e.code, "ValidationError") == 0 &&
		    e.message != NULL && strstr(e.message, "does not exist"))
			rc = 1;
		else {
			cfn_error_report(c, "DescribeStacks", &e);
			rc = -1;
		}
		cfn_error_free(&e);
		return rc;
	}
	if (rc == -1)
		return -1;
	s = xml_find(x, -1, "DescribeStacksResponse/DescribeStacksResult/"
	    "Stacks/member");
	if (s < 0) {
		/* an empty list: some servers answer so for a deleted stack */
		xml_free(x);
		return 1;
	}
	st->name = dup_or_null(xml_find_text(x, s, "StackName"));
	st->id = dup_or_null(xml_find_text(x, s, "StackId"));
	st->status = dup_or_null(xml_find_text(x, s, "StackStatus"));
	st->reason = dup_or_null(xml_find_text(x, s, "StackStatusReason"));
	if (st->status == NULL || st->id == NULL) {
		log_error("CloudFormation DescribeStacks (%s): %s: the answer "
		    "has no StackStatus or StackId", c->region, name);
		cfn_stack_free(st);
		xml_free(x);
		return -1;
	}
	if (st->name == NULL)
		st->name = xstrdup(name);
	for (m = xml_find(x, s, "Outputs/member"); m >= 0; m = xml_next(x, m)) {
		if (xml_find_text(x, m, "OutputKey") == NULL)
			continue;
		st->outputs = xreallocarray(st->outputs, st->noutputs + 1,
		    sizeof(*st->outputs));
		o = &st->outputs[st->noutputs++];
		o->key = xstrdup(xml_find_text(x, m, "OutputKey"));
		o->value = xstrdup(xml_find_text(x, m, "OutputValue") != NULL ?
		    xml_find_text(x, m, "OutputValue") : "");
		o->export_name = dup_or_null(xml_find_text(x, m, "ExportName"));
	}
	xml_free(x);
	return 0;
}

void
cfn_stack_free(struct cfn_stack *st)
{
	size_t	i;

	if (st == NULL)
		return;
	for (i = 0; i < st->noutputs; i++) {
		free(st->outputs[i].key);
		free(st->outputs[i].value);
		free(st->outputs[i].export_name);
	}
	free(st->outputs);
	free(st->name);
	free(st->id);
	free(st->status);
	free(st->reason);
	memset(st, 0, sizeof(*st));
}

int
cfn_status_settled(const char *status)
{
	size_t	n = strlen(status), t = strlen("_IN_PROGRESS");

	if (strcmp(status, "REVIEW_IN_PROGRESS") == 0)
		return 1;
	return n < t || strcmp(status + n - t, "_IN_PROGRESS") != 0;
}

void
cfn_poll_sleep(long *delay_ms, long max_ms)
{
	struct timespec	ts;

	ts.tv_sec = *delay_ms / 1000;
	ts.tv_nsec = (*delay_ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
	*delay_ms = *delay_ms * 2 > max_ms ? max_ms : *delay_ms * 2;
}
