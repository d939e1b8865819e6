/*
 * S3 uploads (see s3.h). A request is a struct
 * call: where it goes and what it carries; http.c calls prepare() before
 * every attempt, which signs it with the clock of that moment.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws_config.h"
#include "credentials.h"
#include "buf.h"
#include "digest.h"
#include "http.h"
#include "log.h"
#include "options.h"
#include "s3.h"
#include "sigv4.h"
#include "xalloc.h"
#include "xml.h"

#define MAX_EXTRA	6

struct s3 {
	const struct aws_config		*cfg;
	const struct aws_credentials	*cr;
	struct http			*h;
	/* A bucket found to live in another region than the configured one. */
	char				*moved_bucket;
	char				*moved_region;
};

struct call {
	struct s3		*s3;
	const char		*what;		/* "s3://bucket/key" */
	enum http_method	 method;
	const char		*service;	/* "s3", "sts" */
	const char		*region;
	char			*url;
	char			*host;		/* the Host header, as signed */
	char			*path;		/* as sent: encoded */
	const char		*query;		/* as sent, or NULL */
	const char		*payload_sha256;
	const char		*owner;		/* expected bucket owner */
	struct sigv4_header	 extra[MAX_EXTRA];
	size_t			 nextra;
	/* Filled by prepare(), for the attempt under way. */
	struct sigv4_signed	 sign;
};

/* What S3 or STS said in an error document (fields may be NULL). */
struct aws_error {
	struct xml	*doc;
	const char	*code;
	const char	*message;
	const char	*region;
	const char	*endpoint;	/* S3's <Endpoint> of a redirect */
	const char	*request_id;
};

static const char *const keep_headers[] = {
	"content-length", "x-amz-bucket-region", "x-amz-request-id",
	"x-amzn-requestid", "x-amz-checksum-sha256", "location", NULL
};

struct s3 *
s3_new(const struct aws_config *cfg, const struct aws_credentials *cr,
    struct http *h)
{
	struct s3	*s = xcalloc(1, sizeof(*s));

	s->cfg = cfg;
	s->cr = cr;
	s->h = h;
	return s;
}

void
s3_free(struct s3 *s)
{
	if (s == NULL)
		return;
	free(s->moved_bucket);
	free(s->moved_region);
	free(s);
}

static void
call_free(struct call *c)
{
	sigv4_result_free(&c->sign.sig);
	free(c->url);
	free(c->host);
	free(c->path);
}

static const char *
domain(const char *region)
{
	return strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn" :
	    "amazonaws.com";
}

/*
 * Splits an endpoint URL ("http://127.0.0.1:5000/prefix") into the part
 * before the path, the authority (the Host header) and the path prefix.
 */
static void
split_endpoint(const char *ep, char **origin, char **authority,
    char **prefix)
{
	const char	*a = strstr(ep, "://") + 3;
	const char	*slash = strchr(a, '/');
	size_t		 n = slash != NULL ? (size_t)(slash - ep) : strlen(ep);

	*origin = xstrndup(ep, n);
	*authority = xstrndup(a, n - (size_t)(a - ep));
	*prefix = xstrdup(slash != NULL ? slash : "");
}

static const char *
bucket_region(const struct s3 *s, const char *bucket)
{
	if (s->moved_bucket != NULL && strcmp(s->moved_bucket, bucket) == 0)
		return s->moved_region;
	return aws_config_region(s->cfg);
}

/*
 * A call about object o: method, signed payload digest, and where it goes
 * (path-style for a custom endpoint or a dotted bucket, else virtual-hosted).
 * -1 (reported) if the path does not fit in memory; c is for call_free()
 * either way.
 */
static int
object_call(struct call *c, struct s3 *s, const struct s3_object *o,
    const char *what, enum http_method method, const char *payload_sha256)
{
	const char	*ep = aws_config_endpoint(s->cfg, "s3");
	const char	*bucket = o->bucket;
	char		*origin, *prefix;
	struct buf	 path;
	int		 rc;

	memset(c, 0, sizeof(*c));
	c->s3 = s;
	c->what = what;
	c->method = method;
	c->service = "s3";
	c->region = bucket_region(s, bucket);
	c->payload_sha256 = payload_sha256;
	c->owner = o->expected_owner;
	if (c->owner != NULL)
		c->extra[c->nextra++] = (struct sigv4_header){
		    "x-amz-expected-bucket-owner", c->owner };
	buf_init(&path, 0);	/* no cap: these adds cannot fail */
	if (ep != NULL) {
		split_endpoint(ep, &origin, &c->host, &prefix);
		rc = buf_addf(&path, "%s/%s/", prefix, bucket);
		free(prefix);
	} else if (strchr(bucket, '.') != NULL) {
		/* dots break the wildcard certificate of virtual hosts */
		c->host = xasprintf("s3.%s.%s", c->region, domain(c->region));
		origin = xasprintf("https://%s", c->host);
		rc = buf_addf(&path, "/%s/", bucket);
	} else {
		c->host = xasprintf("%s.s3.%s.%s", bucket, c->region,
		    domain(c->region));
		origin = xasprintf("https://%s", c->host);
		rc = buf_addc(&path, '/');
	}
	if (rc == -1 || sigv4_uri_encode(&path, o->key, strlen(o->key),
	    1) == -1) {
		log_error("%s: %s", what, strerror(errno));
		rc = -1;
	} else {
		c->path = buf_steal(&path);
		c->url = xasprintf("%s%s", origin, c->path);
	}
	free(origin);
	buf_free(&path);
	return rc;
}

/* Signs the request for this attempt (http_prepare_fn). */
static int
prepare(void *arg, struct http_request *req, int attempt)
{
	struct call		*c = arg;
	struct sigv4_call	 sc = {
		.method = http_method_name(c->method),
		.host = c->host,
		.path = c->path,
		.query = c->query,
		.payload_sha256 = c->payload_sha256,
		.region = c->region,
		.service = c->service,
		.content_sha256 = strcmp(c->service, "s3") == 0,
		.extra = c->extra,
		.nextra = c->nextra,
		.what = c->what,
	};

	return sigv4_prepare(&sc, c->s3->cr, &c->sign, req, attempt);
}

/* Reads an error document: S3's <Error> or STS's <ErrorResponse>. */
static void
aws_error_read(const struct http_response *resp, struct aws_error *e)
{
	memset(e, 0, sizeof(*e));
	if (resp->body.len > 0)
		e->doc = xml_parse(resp->body.data, resp->body.len, NULL, NULL);
	if (xml_get(e->doc, "Error") != NULL) {
		e->code = xml_get(e->doc, "Error/Code");
		e->message = xml_get(e->doc, "Error/Message");
		e->region = xml_get(e->doc, "Error/Region");
		e->endpoint = xml_get(e->doc, "Error/Endpoint");
		e->request_id = xml_get(e->doc, "Error/RequestId");
	} else if (xml_get(e->doc, "ErrorResponse/Error") != NULL) {
		e->code = xml_get(e->doc, "ErrorResponse/Error/Code");
		e->message = xml_get(e->doc, "ErrorResponse/Error/Message");
		e->request_id = xml_get(e->doc, "ErrorResponse/RequestId");
	} else if (xml_get(e->doc, "ErrorResponse/Errors/Error") != NULL) {
		/* what moto sends */
		e->code = xml_get(e->doc, "ErrorResponse/Errors/Error/Code");
		e->message = xml_get(e->doc,
		    "ErrorResponse/Errors/Error/Message");
		e->request_id = xml_get(e->doc, "ErrorResponse/RequestId");
	}
	if (e->request_id == NULL || *e->request_id == '\0')
		e->request_id = http_response_header(resp, "x-amz-request-id");
	if (e->request_id == NULL)
		e->request_id = http_response_header(resp, "x-amzn-requestid");
	if (e->code != NULL && *e->code == '\0')
		e->code = NULL;
}

static void
aws_error_free(struct aws_error *e)
{
	xml_free(e->doc);
	memset(e, 0, sizeof(*e));
}

/* S3's 400 RequestTimeout is worth another attempt (http_classify_fn). */
static int
classify(void *arg, const struct http_response *resp)
{
	struct aws_error	e;
	int			again;

	(void)arg;
	aws_error_read(resp, &e);
	again = e.code != NULL && (strcmp(e.code, "RequestTimeout") == 0 ||
	    strcmp(e.code, "SlowDown") == 0);
	aws_error_free(&e);
	return again;
}

/* What to do about the common errors; NULL when there is nothing to say. */
static char *
advice(const struct call *c, const char *code, const char *bucket,
    int default_bucket)
{
	const char	*src = c->s3->cr->source;

	if (code == NULL)
		return NULL;
	if (strcmp(code, "SignatureDoesNotMatch") == 0)
		return xasprintf("check the secret access key from %s", src);
	if (strcmp(code, "InvalidAccessKeyId") == 0 ||
	    strcmp(code, "InvalidClientTokenId") == 0)
		return xasprintf("AWS does not know the access key from %s", src);
	if (strcmp(code, "ExpiredToken") == 0 ||
	    strcmp(code, "TokenRefreshRequired") == 0)
		return xasprintf("the session token from %s has expired: get "
		    "new credentials", src);
	if (strcmp(code, "InvalidToken") == 0)
		return xasprintf("the session token from %s is not valid", src);
	if (strcmp(code, "AccessDenied") == 0 && c->owner != NULL)
		return xasprintf("bucket %s is not owned by account %s "
		    "(x-amz-expected-bucket-owner), or the credentials from %s "
		    "may not do this", bucket, c->owner, src);
	if (strcmp(code, "AccessDenied") == 0)
		return xasprintf("the credentials from %s may not do this%s",
		    src, strcmp(c->service, "s3") == 0 ? " (an upload needs "
		    "s3:PutObject and s3:GetObject on the bucket)" : "");
	if (strcmp(code, "RequestTimeTooSkewed") == 0)
		return xstrdup("this computer's clock is wrong; set it right");
	if (strcmp(code, "NoSuchBucket") == 0 && default_bucket)
		return xasprintf("pass --bucket NAME, or run `cdk bootstrap` "
		    "to create %s (region %s)", bucket, c->region);
	if (strcmp(code, "NoSuchBucket") == 0)
		return xstrdup("check --bucket");
	if (strcmp(code, "BadDigest") == 0 ||
	    strcmp(code, "XAmzContentSHA256Mismatch") == 0 ||
	    strcmp(code, "InvalidDigest") == 0)
		return xstrdup("the bytes S3 received are not the file's: did "
		    "it change during the upload?");
	return NULL;
}

/*
 * Reports an unexpected response once: S3's Code, Message and request
 * id when it sent them, the HTTP status otherwise, and what to do.
 */
static void
report(const struct call *c, const struct http_response *resp,
    const char *bucket, int default_bucket)
{
	struct aws_error	 e;
	char			*hint, *rid;

	aws_error_read(resp, &e);
	if (e.code == NULL && bucket != NULL && resp->status == 404 &&
	    c->method == HTTP_PUT)
		e.code = "NoSuchBucket";
	hint = advice(c, e.code, bucket, default_bucket);
	rid = e.request_id != NULL && *e.request_id != '\0' ?
	    xasprintf(", request id %s", e.request_id) : xstrdup("");
	if (e.code != NULL)
		log_error("%s: %s: %s%s%s (HTTP %ld%s%s)%s%s", c->what,
		    http_method_name(c->method), e.code,
		    e.message != NULL && *e.message != '\0' ? ": " : "",
		    e.message != NULL ? e.message : "", resp->status, rid,
		    resp->attempts > 1 ? ", after retries" : "",
		    hint != NULL ? "; " : "", hint != NULL ? hint : "");
	else
		log_error("%s: %s: HTTP %ld %s%s%s%s%s", c->what,
		    http_method_name(c->method), resp->status,
		    http_status_text(resp->status), rid,
		    resp->attempts > 1 ? " (gave up after retries)" : "",
		    hint != NULL ? "; " : "", hint != NULL ? hint : "");
	free(hint);
	free(rid);
	aws_error_free(&e);
}

/* Performs c: 0 when a response came (resp filled), -1 (reported) if not. */
static int
perform(struct call *c, struct http_request *req, struct http_response *resp)
{
	req->method = c->method;
	req->url = c->url;
	req->retry = 1;
	req->prepare = prepare;
	req->classify = classify;
	req->hook_arg = c;
	req->want_headers = keep_headers;
	return http_do(c->s3->h, req, resp);
}

/* Regions of one partition share credentials and an endpoint domain. */
static const char *
partition(const char *region)
{
	static const struct {
		const char	*prefix;
		const char	*name;
	} parts[] = {
		{ "cn-", "aws-cn" }, { "us-gov-", "aws-us-gov" },
		{ "us-isob-", "aws-iso-b" }, { "us-iso-", "aws-iso" },
		{ "eu-isoe-", "aws-iso-e" }, { "us-isof-", "aws-iso-f" },
	};
	size_t	i;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (strncmp(region, parts[i].prefix,
		    strlen(parts[i].prefix)) == 0)
			return parts[i].name;
	return "aws";
}

char *
s3_redirect_region(const char *where, const char *bucket, const char *region)
{
	const char	*h = where, *dom = domain(region), *dot;
	size_t		 n, bl = strlen(bucket);
	char		*r;

	if (strncasecmp(h, "https://", 8) == 0)
		h += 8;
	else if (strstr(h, "://") != NULL)
		return NULL;
	n = strcspn(h, "/?#");
	if (strncmp(h, bucket, bl) == 0 && h[bl] == '.' && bl < n)
		h += bl + 1, n -= bl + 1;
	if (n < 4 || strncmp(h, "s3.", 3) != 0)
		return NULL;
	h += 3, n -= 3;
	if ((dot = memchr(h, '.', n)) == NULL ||
	    n - (size_t)(dot - h) - 1 != strlen(dom) ||
	    strncmp(dot + 1, dom, strlen(dom)) != 0)
		return NULL;
	r = xstrndup(h, (size_t)(dot - h));
	if (valid_region(r) == -1) {
		free(r);
		return NULL;
	}
	return r;
}

/*
 * The region S3 says the bucket lives in, when it differs from the one
 * the request was signed for: a 301 PermanentRedirect, or a 307 or 400,
 * naming it in x-amz-bucket-region, the error's <Region>, or a Location
 * (or <Endpoint>) on S3's own endpoint of the same partition. Only the
 * region is taken: the request goes to the endpoint built for it, never
 * to a host from the answer. Caller frees; NULL if none.
 */
static char *
moved_to(const struct call *c, const char *bucket,
    const struct http_response *resp, struct aws_error *e)
{
	const char	*r, *loc;
	char		*mine = NULL;

	if (resp->status != 301 && resp->status != 400 && resp->status != 307)
		return NULL;
	/* A custom endpoint's redirect is not S3's to interpret. */
	if (resp->status != 400 && aws_config_endpoint(c->s3->cfg, "s3") != NULL)
		return NULL;
	r = http_response_header(resp, "x-amz-bucket-region");
	if (r == NULL || *r == '\0')
		r = e->region;
	if ((r == NULL || *r == '\0') && resp->status != 400) {
		loc = http_response_header(resp, "location");
		if (loc != NULL)
			r = mine = s3_redirect_region(loc, bucket, c->region);
		if (r == NULL && e->endpoint != NULL)
			r = mine = s3_redirect_region(e->endpoint, bucket,
			    c->region);
	}
	if (r == NULL || *r == '\0' || strcmp(r, c->region) == 0 ||
	    valid_region(r) == -1 ||
	    strcmp(partition(r), partition(c->region)) != 0) {
		free(mine);
		return NULL;
	}
	return mine != NULL ? mine : xstrdup(r);
}

/*
 * Remembers the bucket's own region when S3 says it is elsewhere, once
 * per run; 1 when the request should be made again.
 */
static int
follow_region(struct s3 *s, const char *bucket, const struct call *c,
    const struct http_response *resp, struct aws_error *e)
{
	char	*moved;

	if (s->moved_bucket != NULL ||
	    (moved = moved_to(c, bucket, resp, e)) == NULL)
		return 0;
	log_info("bucket %s is in region %s, not %s; signing for %s", bucket,
	    moved, c->region, moved);
	s->moved_bucket = xstrdup(bucket);
	s->moved_region = moved;
	return 1;
}

/*
 * A redirect that is not followed: the signed request goes nowhere but
 * where it was signed for. Reports it; 0 if resp is no redirect.
 */
static int
refuse_redirect(const struct call *c, const struct http_response *resp)
{
	const char	*loc = http_response_header(resp, "location");
	const char	*ep = aws_config_endpoint(c->s3->cfg, "s3");
	char		*shown, *at;

	if (resp->status / 100 != 3)
		return 0;
	shown = loc != NULL ? http_redact_url(loc) : xstrdup("nowhere");
	at = http_redact_url(ep != NULL ? ep : c->url);
	log_error("%s: %s: HTTP %ld %s from %s, redirecting to %s: a signed "
	    "request is not sent anywhere else%s", c->what,
	    http_method_name(c->method), resp->status,
	    http_status_text(resp->status), at, shown, ep != NULL ?
	    " (check --endpoint-url)" : "");
	free(shown);
	free(at);
	return 1;
}

enum head_result {
	HEAD_ERROR = -1,
	HEAD_ABSENT,
	HEAD_SAME,		/* the object's SHA-256 checksum is ours */
	HEAD_OTHER,		/* an object without it: no checksum, another */
	HEAD_UNKNOWN,		/* 400, 403: no body says why; the PUT will */
	HEAD_MOVED
};

/* What HEAD found under the key (HEAD_OTHER). */
struct found {
	uint64_t	 size;
	char		*sha256_b64;	/* NULL: the object has none */
};

static enum head_result
head(struct s3 *s, const struct s3_object *o, const char *what,
    struct found *f)
{
	struct call		 c;
	struct http_request	 req;
	struct http_response	 resp;
	struct aws_error	 e;
	const char		*len, *sum;
	enum head_result	 r = HEAD_ERROR;
	char			*end;

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	free(f->sha256_b64);
	memset(f, 0, sizeof(*f));
	if (object_call(&c, s, o, what, HTTP_HEAD, SIGV4_EMPTY_SHA256) == -1)
		goto out;
	/* Without it S3 does not say which checksum the object has. */
	c.extra[c.nextra++] = (struct sigv4_header){ "x-amz-checksum-mode",
	    "ENABLED" };
	if (perform(&c, &req, &resp) == -1)
		goto out;
	aws_error_read(&resp, &e);
	switch (resp.status) {
	case 200:
		len = http_response_header(&resp, "content-length");
		errno = 0;
		f->size = len != NULL ? strtoull(len, &end, 10) : 0;
		if (len == NULL || errno != 0 || *end != '\0' || end == len) {
			log_error("%s: HEAD: no valid Content-Length", what);
			break;
		}
		sum = http_response_header(&resp, "x-amz-checksum-sha256");
		if (sum != NULL && *sum != '\0')
			f->sha256_b64 = xstrdup(sum);
		r = sum != NULL && strcmp(sum, o->sha256_b64) == 0 &&
		    f->size == o->size ? HEAD_SAME : HEAD_OTHER;
		break;
	case 404:
		r = HEAD_ABSENT;
		break;
	default:
		if (follow_region(s, o->bucket, &c, &resp, &e))
			r = HEAD_MOVED;
		else if (refuse_redirect(&c, &resp))
			;
		else if (resp.status == 400 || resp.status == 403) {
			/*
			 * A HEAD reply has no body to say why (a bad
			 * signature or token, reading not allowed, a bucket
			 * of another owner): the PUT's will.
			 */
			log_verbose("%s: HEAD: HTTP %ld; the PUT will tell why",
			    what, resp.status);
			r = HEAD_UNKNOWN;
		} else
			report(&c, &resp, o->bucket, o->default_bucket);
		break;
	}
	aws_error_free(&e);
out:
	http_response_free(&resp);
	call_free(&c);
	return r;
}

enum put_outcome {
	PUT_ERROR = -1,
	PUT_DONE,
	PUT_RACED,
	PUT_MOVED
};

static enum put_outcome
put(struct s3 *s, const struct s3_object *o, const char *what, int fd,
    int exclusive)
{
	struct call		 c;
	struct http_request	 req;
	struct http_response	 resp;
	struct aws_error	 e;
	const char		*sum;
	enum put_outcome	 r = PUT_ERROR;
	char			*label = NULL;

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	if (object_call(&c, s, o, what, HTTP_PUT, o->sha256_hex) == -1)
		goto out;
	c.extra[c.nextra++] = (struct sigv4_header){ "x-amz-checksum-sha256",
	    o->sha256_b64 };
	/* As the SDKs send it: S3 then keeps the checksum for HEAD to show. */
	c.extra[c.nextra++] = (struct sigv4_header){
	    "x-amz-sdk-checksum-algorithm", "SHA256" };
	if (exclusive)
		c.extra[c.nextra++] = (struct sigv4_header){ "If-None-Match",
		    "*" };
	req.body_fd = fd;
	req.body_offset = 0;
	req.body_size = o->size;
	if (o->size == 0) {
		req.body = "";
		req.body_len = 0;
	}
	label = xasprintf("uploading %s", o->label);
	req.progress_label = o->quiet ? NULL : label;
	if (perform(&c, &req, &resp) == -1)
		goto out;
	aws_error_read(&resp, &e);
	if (resp.status == 200) {
		/* S3 checked the bytes against our digest; it says so here. */
		sum = http_response_header(&resp, "x-amz-checksum-sha256");
		if (sum != NULL && strcmp(sum, o->sha256_b64) != 0)
			log_error("%s: S3 stored SHA-256 %s, not %s", what, sum,
			    o->sha256_b64);
		else
			r = PUT_DONE;
	} else if (resp.status == 412 && exclusive)
		r = PUT_RACED;
	else if (follow_region(s, o->bucket, &c, &resp, &e))
		r = PUT_MOVED;
	else if (!refuse_redirect(&c, &resp))
		report(&c, &resp, o->bucket, o->default_bucket);
	aws_error_free(&e);
out:
	http_response_free(&resp);
	call_free(&c);
	free(label);
	return r;
}

int
s3_put_file(struct s3 *s, const struct s3_object *o,
    enum s3_put_result *res)
{
	enum head_result	 h;
	enum put_outcome	 p;
	struct found		 f;
	char			*what, sz[16];
	int			 fd = -1, rc = -1;

	memset(&f, 0, sizeof(f));
	what = xasprintf("s3://%s/%s", o->bucket, o->key);
	/* A region redirect is followed once per run: these loops end. */
	while ((h = head(s, o, what, &f)) == HEAD_MOVED)
		;
	if (h == HEAD_ERROR)
		goto out;
	if (h == HEAD_SAME) {
		if (!o->quiet)
			log_info("%s: already uploaded (%s, the same SHA-256), "
			    "not uploading again", what,
			    log_human_size(f.size, sz));
		if (res != NULL)
			*res = S3_PUT_PRESENT;
		rc = 0;
		goto out;
	}
	if (h == HEAD_OTHER && f.sha256_b64 == NULL)
		log_warn("%s: holds an object of %" PRIu64 " bytes with no "
		    "SHA-256 checksum, so not provably this file; replacing it",
		    what, f.size);
	else if (h == HEAD_OTHER)
		log_warn("%s: holds an object of %" PRIu64 " bytes with SHA-256 "
		    "%s, not %s; replacing it", what, f.size, f.sha256_b64,
		    o->sha256_b64);
	if ((fd = open(o->path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_error("%s: %s", o->path, strerror(errno));
		goto out;
	}
	while ((p = put(s, o, what, fd, h != HEAD_OTHER)) == PUT_MOVED)
		;
	switch (p) {
	case PUT_DONE:
		if (!o->quiet)
			log_info("%s: uploaded", what);
		if (res != NULL)
			*res = S3_PUT_UPLOADED;
		rc = 0;
		break;
	case PUT_RACED:
		/* Another writer was first: only its checksum says with what. */
		if ((h = head(s, o, what, &f)) == HEAD_SAME) {
			if (!o->quiet)
				log_info("%s: another upload of the same "
				    "content (the same SHA-256) got there "
				    "first", what);
			if (res != NULL)
				*res = S3_PUT_RACED;
			rc = 0;
		} else if (h != HEAD_ERROR)
			log_error("%s: PUT: HTTP 412: an object appeared under "
			    "the key, and HEAD does not prove it holds these "
			    "bytes (%s)", what, h == HEAD_ABSENT ? "it answers "
			    "404" : h == HEAD_UNKNOWN ? "it is refused" :
			    f.sha256_b64 == NULL ? "no SHA-256 checksum" :
			    "another SHA-256");
		break;
	default:
		break;
	}
out:
	if (fd != -1)
		close(fd);
	free(f.sha256_b64);
	free(what);
	return rc;
}

int
s3_check_bucket(struct s3 *s, const char *bucket, const char *owner,
    int default_bucket)
{
	struct s3_object	 o;
	struct call		 c;
	struct http_request	 req;
	struct http_response	 resp;
	const char		*there;
	char			*what;
	int			 rc = -1;

	memset(&o, 0, sizeof(o));
	o.bucket = bucket;
	o.key = "";
	what = xasprintf("s3://%s", bucket);
	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	if (object_call(&c, s, &o, what, HTTP_HEAD, SIGV4_EMPTY_SHA256) == -1)
		goto out;
	if (owner != NULL)
		c.extra[c.nextra++] = (struct sigv4_header){
		    "x-amz-expected-bucket-owner", owner };
	if (perform(&c, &req, &resp) == -1)
		goto out;
	there = http_response_header(&resp, "x-amz-bucket-region");
	if (there != NULL && *there != '\0' && strcmp(there, c.region) != 0 &&
	    (resp.status == 200 || resp.status == 301 || resp.status == 307 ||
	    resp.status == 400))
		log_error("%s: the bucket is in region %s, not %s (a layer "
		    "reads its zip from a bucket in its own region)", what,
		    there, c.region);
	else if (resp.status == 200)
		rc = 0;
	else if (resp.status == 404)
		log_error("%s: no such bucket (region %s); %s", what, c.region,
		    default_bucket ? "run `cdk bootstrap` in that region, or "
		    "name buckets with --bucket-pattern" : "create it, or check "
		    "--bucket-pattern");
	else if (resp.status == 403 && owner != NULL)
		log_error("%s: HTTP 403: the bucket is not owned by account %s, "
		    "or the credentials from %s may not read it "
		    "(s3:ListBucket)", what, owner, s->cr->source);
	else
		report(&c, &resp, bucket, default_bucket);
out:
	http_response_free(&resp);
	call_free(&c);
	free(what);
	return rc;
}

/*
 * A ?policy call on bucket (GetBucketPolicy, PutBucketPolicy); returns as
 * object_call() does.
 */
static int
policy_call(struct call *c, struct s3 *s, const char *bucket,
    const char *owner, const char *what, enum http_method m,
    const char *payload_sha256)
{
	struct s3_object	 o;
	char			*url;

	memset(&o, 0, sizeof(o));
	o.bucket = bucket;
	o.key = "";
	if (object_call(c, s, &o, what, m, payload_sha256) == -1)
		return -1;
	c->query = "policy";
	url = xasprintf("%s?policy", c->url);
	free(c->url);
	c->url = url;
	if (owner != NULL)
		c->extra[c->nextra++] = (struct sigv4_header){
		    "x-amz-expected-bucket-owner", owner };
	return 0;
}

int
s3_get_bucket_policy(struct s3 *s, const char *bucket, const char *owner,
    char **policy)
{
	struct call		 c;
	struct http_request	 req;
	struct http_response	 resp;
	struct aws_error	 e;
	char			*what;
	int			 rc = -1;

	*policy = NULL;
	what = xasprintf("s3://%s (GetBucketPolicy)", bucket);
	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	if (policy_call(&c, s, bucket, owner, what, HTTP_GET,
	    SIGV4_EMPTY_SHA256) == -1)
		goto out;
	if (perform(&c, &req, &resp) == -1)
		goto out;
	aws_error_read(&resp, &e);
	if (resp.status == 200) {
		*policy = xstrndup(resp.body.data, resp.body.len);
		rc = 0;
	} else if (resp.status == 404 && e.code != NULL &&
	    strcmp(e.code, "NoSuchBucketPolicy") == 0)
		rc = 0;
	else
		report(&c, &resp, bucket, 0);
	aws_error_free(&e);
out:
	http_response_free(&resp);
	call_free(&c);
	free(what);
	return rc;
}

int
s3_put_bucket_policy(struct s3 *s, const char *bucket, const char *owner,
    const char *policy)
{
	struct call		 c;
	struct http_request	 req;
	struct http_response	 resp;
	unsigned char		 md[SHA256_LEN];
	char			 sha[SHA256_HEX_LEN + 1], *what;
	int			 rc = -1;

	sha256_buf(policy, strlen(policy), md);
	hex_encode(md, sizeof(md), sha);
	what = xasprintf("s3://%s (PutBucketPolicy)", bucket);
	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	if (policy_call(&c, s, bucket, owner, what, HTTP_PUT, sha) == -1)
		goto out;
	c.extra[c.nextra++] = (struct sigv4_header){ "Content-Type",
	    "application/json" };
	req.body = policy;
	req.body_len = strlen(policy);
	if (perform(&c, &req, &resp) == -1)
		goto out;
	if (resp.status == 200 || resp.status == 204)
		rc = 0;
	else
		report(&c, &resp, bucket, 0);
out:
	http_response_free(&resp);
	call_free(&c);
	free(what);
	return rc;
}

int
s3_bucket_exists(struct s3 *s, const char *bucket, const char *owner)
{
	struct s3_object	 o;
	struct call		 c;
	struct http_request	 req;
	struct http_response	 resp;
	char			*what;
	size_t			 n;
	int			 r = -1;

	memset(&o, 0, sizeof(o));
	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	o.bucket = bucket;
	o.key = "";
	what = xasprintf("s3://%s", bucket);
	if (object_call(&c, s, &o, what, HTTP_HEAD, SIGV4_EMPTY_SHA256) == -1)
		goto out;
	/* HeadBucket: "HEAD /bucket" path-style, not the key "" under it */
	n = strlen(c.path);
	if (n > 1 && c.path[n - 1] == '/' && strcmp(c.path, "/") != 0) {
		c.path[n - 1] = '\0';
		c.url[strlen(c.url) - 1] = '\0';
	}
	if (owner != NULL)
		c.extra[c.nextra++] = (struct sigv4_header){
		    "x-amz-expected-bucket-owner", owner };
	if (perform(&c, &req, &resp) == -1)
		goto out;
	switch (resp.status) {
	case 200:
	case 301:
	case 307:
	case 400:
	case 403:
		r = 1;
		break;
	case 404:
		r = 0;
		break;
	default:
		report(&c, &resp, bucket, 0);
		break;
	}
	log_verbose("%s: %s (HTTP %ld)", what, r == 1 ? "exists" :
	    r == 0 ? "does not exist" : "unknown", resp.status);
out:
	http_response_free(&resp);
	call_free(&c);
	free(what);
	return r;
}
