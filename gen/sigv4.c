/*
 * AWS Signature Version 4. The steps and their names follow AWS's own
 * description: canonical request, string to sign, signing key, signature.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "credentials.h"
#include "digest.h"
#include "http.h"
#include "log.h"
#include "sigv4.h"
#include "xalloc.h"

#define ALGORITHM	"AWS4-HMAC-SHA256"
/* No request of ours comes near this; it bounds hostile input. */
#define TEXT_MAX	(1 << 20)

struct canon_header {
	char		*name;		/* lowercased */
	const char	*value;		/* as the caller gave it */
	size_t		 order;		/* position in the request */
};

struct query_param {
	char	*key;		/* encoded */
	char	*value;		/* encoded */
};

static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	    c == '~';
}

int
sigv4_uri_encode(struct buf *b, const char *s, size_t n, int keep_slash)
{
	static const char	hex[] = "0123456789ABCDEF";
	size_t			i;

	for (i = 0; i < n; i++) {
		unsigned char	c = (unsigned char)s[i];
		char		esc[3];

		if (unreserved(c) || (c == '/' && keep_slash)) {
			if (buf_addc(b, c) == -1)
				return -1;
			continue;
		}
		esc[0] = '%';
		esc[1] = hex[c >> 4];
		esc[2] = hex[c & 0xf];
		if (buf_add(b, esc, 3) == -1)
			return -1;
	}
	return 0;
}

/*
 * Decodes %XX (a '%' not followed by two hex digits stays as it is) and
 * encodes the result again, so a query given raw or encoded signs alike.
 */
static char *
reencode(const char *s, size_t n)
{
	struct buf	 raw, out;
	size_t		 i;
	char		*r = NULL;

	buf_init(&raw, TEXT_MAX);
	buf_init(&out, 3 * TEXT_MAX);
	for (i = 0; i < n; i++) {
		int	c = (unsigned char)s[i];

		if (c == '%' && i + 2 < n &&
		    hex_digit(s[i + 1]) != -1 && hex_digit(s[i + 2]) != -1) {
			c = hex_digit(s[i + 1]) << 4 | hex_digit(s[i + 2]);
			i += 2;
		}
		if (buf_addc(&raw, c) == -1)
			goto out;
	}
	if (sigv4_uri_encode(&out, raw.data, raw.len, 0) == -1)
		goto out;
	r = buf_steal(&out);
out:
	buf_free(&raw);
	buf_free(&out);
	return r;
}

static int
param_cmp(const void *a, const void *b)
{
	const struct query_param	*x = a, *y = b;
	int				 c = strcmp(x->key, y->key);

	return c != 0 ? c : strcmp(x->value, y->value);
}

/* Parameters sorted by encoded name, then value; "a" signs as "a=". */
static int
canonical_query(struct buf *b, const char *query)
{
	struct query_param	*p = NULL;
	size_t			 np = 0, i;
	const char		*s = query, *amp, *eq, *end;
	int			 rc = -1;

	while (s != NULL && *s != '\0') {
		amp = strchr(s, '&');
		end = amp != NULL ? amp : s + strlen(s);
		if (end > s) {
			eq = memchr(s, '=', (size_t)(end - s));
			p = xreallocarray(p, np + 1, sizeof(*p));
			p[np].key = reencode(s, (size_t)((eq ? eq : end) - s));
			p[np].value = eq ? reencode(eq + 1,
			    (size_t)(end - eq - 1)) : xstrdup("");
			np++;
			if (p[np - 1].key == NULL || p[np - 1].value == NULL)
				goto out;
		}
		s = amp != NULL ? amp + 1 : NULL;
	}
	if (np > 0)
		qsort(p, np, sizeof(*p), param_cmp);
	for (i = 0; i < np; i++)
		if ((i > 0 && buf_addc(b, '&') == -1) ||
		    buf_addf(b, "%s=%s", p[i].key, p[i].value) == -1)
			goto out;
	rc = 0;
out:
	for (i = 0; i < np; i++) {
		free(p[i].key);
		free(p[i].value);
	}
	free(p);
	return rc;
}

/*
 * The path of services other than S3: "." and empty segments dropped,
 * ".." removing the one before, then encoded again ('%' becomes %25).
 */
static int
canonical_path_normalised(struct buf *b, const char *path)
{
	const char	**seg = NULL, *s, *slash;
	size_t		 *len = NULL, nseg = 0, i, n = strlen(path);
	struct buf	  norm;
	int		  rc = -1;

	buf_init(&norm, TEXT_MAX);
	for (s = path; *s != '\0'; s = slash ? slash + 1 : s + strlen(s)) {
		size_t	l;

		slash = strchr(s, '/');
		l = slash ? (size_t)(slash - s) : strlen(s);
		if (l == 0 || (l == 1 && s[0] == '.')) {
			if (slash == NULL)
				break;
			continue;
		}
		if (l == 2 && s[0] == '.' && s[1] == '.') {
			if (nseg > 0)
				nseg--;
		} else {
			seg = xreallocarray(seg, nseg + 1, sizeof(*seg));
			len = xreallocarray(len, nseg + 1, sizeof(*len));
			seg[nseg] = s;
			len[nseg++] = l;
		}
		if (slash == NULL)
			break;
	}
	if (n > 0 && path[0] == '/' && buf_addc(&norm, '/') == -1)
		goto out;
	for (i = 0; i < nseg; i++)
		if ((i > 0 && buf_addc(&norm, '/') == -1) ||
		    buf_add(&norm, seg[i], len[i]) == -1)
			goto out;
	if (n > 0 && path[n - 1] == '/' && nseg > 0 &&
	    buf_addc(&norm, '/') == -1)
		goto out;
	if (norm.len == 0 && buf_addc(&norm, '/') == -1)
		goto out;
	rc = sigv4_uri_encode(b, norm.data, norm.len, 1);
out:
	buf_free(&norm);
	free(seg);
	free(len);
	return rc;
}

static int
header_cmp(const void *a, const void *b)
{
	const struct canon_header	*x = a, *y = b;
	int				 c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* RFC 9110 token characters: what a header name may be made of. */
static int
valid_header_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!unreserved((unsigned char)*s) &&
		    strchr("!#$%&'*+^`|", *s) == NULL)
			return 0;
	return 1;
}

/* Appends v trimmed, inner runs of blanks as one space; -1 past the cap. */
static int
canonical_value(struct buf *b, const char *v)
{
	int	blank = 0;

	while (*v == ' ' || *v == '\t')
		v++;
	for (; *v != '\0'; v++) {
		if (*v == ' ' || *v == '\t') {
			blank = 1;
			continue;
		}
		if ((blank && buf_addc(b, ' ') == -1) || buf_addc(b, *v) == -1)
			return -1;
		blank = 0;
	}
	return 0;
}

/* Names must be tokens and values free of control characters. */
static int
check_headers(const struct sigv4_header *h, size_t nh)
{
	const char	*v;
	size_t		 i;

	for (i = 0; i < nh; i++) {
		if (h[i].name == NULL || !valid_header_name(h[i].name)) {
			log_error("signing: not a header name: \"%s\"",
			    h[i].name ? h[i].name : "");
			return -1;
		}
		for (v = h[i].value ? h[i].value : ""; *v != '\0'; v++)
			if (((unsigned char)*v < 0x20 && *v != '\t') ||
			    *v == 0x7f) {
				log_error("signing: %s: control character in "
				    "the value", h[i].name);
				return -1;
			}
	}
	return 0;
}

/* Canonical headers, then the signed header list; -1 past the cap. */
static int
canonical_headers(struct buf *b, struct buf *signed_list,
    const struct sigv4_header *h, size_t nh)
{
	struct canon_header	*c;
	size_t			 i, j;
	int			 rc = -1;

	c = xcalloc(nh ? nh : 1, sizeof(*c));
	for (i = 0; i < nh; i++) {
		c[i].name = xstrdup(h[i].name);
		for (j = 0; c[i].name[j] != '\0'; j++)
			if (c[i].name[j] >= 'A' && c[i].name[j] <= 'Z')
				c[i].name[j] += 'a' - 'A';
		c[i].value = h[i].value ? h[i].value : "";
		c[i].order = i;
	}
	qsort(c, nh, sizeof(*c), header_cmp);
	for (i = 0; i < nh; i++) {
		if (i > 0 && strcmp(c[i].name, c[i - 1].name) == 0) {
			/* a repeated header: values joined in request order */
			b->len--;
			if (buf_addc(b, ',') == -1 ||
			    canonical_value(b, c[i].value) == -1 ||
			    buf_addc(b, '\n') == -1)
				goto out;
			continue;
		}
		if (buf_addf(b, "%s:", c[i].name) == -1 ||
		    canonical_value(b, c[i].value) == -1 ||
		    buf_addc(b, '\n') == -1 ||
		    (signed_list->len > 0 && buf_addc(signed_list, ';') == -1) ||
		    buf_adds(signed_list, c[i].name) == -1)
			goto out;
	}
	rc = 0;
out:
	for (i = 0; i < nh; i++)
		free(c[i].name);
	free(c);
	return rc;
}

int
sigv4_amz_date(time_t t, char out[SIGV4_DATE_LEN])
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < 0 ||
	    tm.tm_year > 9999 - 1900 ||
	    strftime(out, SIGV4_DATE_LEN, "%Y%m%dT%H%M%SZ", &tm) !=
	    SIGV4_DATE_LEN - 1) {
		log_error("signing: the clock says %lld, which is no date",
		    (long long)t);
		return -1;
	}
	return 0;
}

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" secret, date), region), service), "aws4_request") */
static void
signing_key(const char *secret, const char *date8, const char *region,
    const char *service, unsigned char out[SHA256_LEN])
{
	unsigned char	 k[SHA256_LEN];
	char		*seed = xasprintf("AWS4%s", secret);

	hmac_sha256(seed, strlen(seed), date8, strlen(date8), k);
	hmac_sha256(k, sizeof(k), region, strlen(region), k);
	hmac_sha256(k, sizeof(k), service, strlen(service), k);
	hmac_sha256(k, sizeof(k), "aws4_request", 12, out);
	explicit_bzero(seed, strlen(seed));
	explicit_bzero(k, sizeof(k));
	free(seed);
}

int
sigv4_sign(const struct sigv4_request *req, const struct sigv4_scope *scope,
    const struct sigv4_key *key, struct sigv4_result *res)
{
	struct buf	 cr, sh, sts;
	char		 date[SIGV4_DATE_LEN], date8[9], hash[SHA256_HEX_LEN + 1];
	unsigned char	 md[SHA256_LEN], k[SHA256_LEN];
	int		 rc = -1;

	memset(res, 0, sizeof(*res));
	buf_init(&cr, TEXT_MAX);
	buf_init(&sh, TEXT_MAX);
	buf_init(&sts, TEXT_MAX);
	if (sigv4_amz_date(scope->when, date) == -1 ||
	    check_headers(req->headers, req->nheaders) == -1)
		goto out;
	memcpy(date8, date, 8);
	date8[8] = '\0';

	/* 1. The canonical request. */
	if (buf_addf(&cr, "%s\n", req->method) == -1)
		goto overflow;
	if (strcmp(scope->service, "s3") == 0) {
		if (buf_adds(&cr, *req->path != '\0' ? req->path : "/") == -1)
			goto overflow;
	} else if (canonical_path_normalised(&cr, req->path) == -1)
		goto overflow;
	if (buf_addc(&cr, '\n') == -1 || canonical_query(&cr, req->query) == -1 ||
	    buf_addc(&cr, '\n') == -1)
		goto overflow;
	if (canonical_headers(&cr, &sh, req->headers, req->nheaders) == -1)
		goto overflow;
	if (buf_addf(&cr, "\n%s\n%s", sh.data, req->payload_sha256) == -1)
		goto overflow;

	/* 2. The string to sign. */
	sha256_buf(cr.data, cr.len, md);
	hex_encode(md, sizeof(md), hash);
	if (buf_addf(&sts, ALGORITHM "\n%s\n%s/%s/%s/aws4_request\n%s", date,
	    date8, scope->region, scope->service, hash) == -1)
		goto overflow;

	/* 3. The signature. */
	signing_key(key->secret_access_key, date8, scope->region,
	    scope->service, k);
	hmac_sha256(k, sizeof(k), sts.data, sts.len, md);
	explicit_bzero(k, sizeof(k));
	hex_encode(md, sizeof(md), res->signature);

	res->authorization = xasprintf(ALGORITHM " Credential=%s/%s/%s/%s/"
	    "aws4_request, SignedHeaders=%s, Signature=%s", key->access_key_id,
	    date8, scope->region, scope->service, sh.data, res->signature);
	res->canonical_request = buf_steal(&cr);
	res->string_to_sign = buf_steal(&sts);
	rc = 0;
	goto out;
overflow:
	log_error("signing: canonical request longer than %d bytes", TEXT_MAX);
out:
	buf_free(&cr);
	buf_free(&sh);
	buf_free(&sts);
	return rc;
}

void
sigv4_result_free(struct sigv4_result *res)
{
	if (res == NULL)
		return;
	free(res->canonical_request);
	free(res->string_to_sign);
	free(res->authorization);
	memset(res, 0, sizeof(*res));
}

int
sigv4_prepare(const struct sigv4_call *call, const struct aws_credentials *cr,
    struct sigv4_signed *out, struct http_request *req, int attempt)
{
	struct sigv4_header	 sh[SIGV4_MAX_HEADERS];
	struct sigv4_request	 sr;
	struct sigv4_scope	 scope;
	struct sigv4_key	 key;
	size_t			 n = 0, i;

	sigv4_result_free(&out->sig);
	if (call->nlead + call->nextra + 4 >= SIGV4_MAX_HEADERS) {
		log_error("%s: too many headers to sign", call->what);
		return -1;
	}
	scope.when = time(NULL);
	if (sigv4_amz_date(scope.when, out->date) == -1)
		return -1;
	for (i = 0; i < call->nlead; i++)
		sh[n++] = call->lead[i];
	sh[n++] = (struct sigv4_header){ "Host", call->host };
	sh[n++] = (struct sigv4_header){ "x-amz-date", out->date };
	if (call->content_sha256)
		sh[n++] = (struct sigv4_header){ "x-amz-content-sha256",
		    call->payload_sha256 };
	if (cr->session_token != NULL)
		sh[n++] = (struct sigv4_header){ "x-amz-security-token",
		    cr->session_token };
	for (i = 0; i < call->nextra; i++)
		sh[n++] = call->extra[i];
	sr = (struct sigv4_request){ call->method, call->path, call->query,
	    sh, n, call->payload_sha256 };
	scope.region = call->region;
	scope.service = call->service;
	key.access_key_id = cr->access_key_id;
	key.secret_access_key = cr->secret_access_key;
	if (sigv4_sign(&sr, &scope, &key, &out->sig) == -1)
		return -1;
	for (i = 0; i < n; i++)
		out->hdr[i] = (struct http_header){ sh[i].name, sh[i].value, 0 };
	out->hdr[n++] = (struct http_header){ "Authorization",
	    out->sig.authorization, 1 };
	req->headers = out->hdr;
	req->nheaders = n;
	if (attempt > 1)
		log_debug("%s%s%s: signed again for attempt %d", call->what,
		    call->action != NULL ? " " : "",
		    call->action != NULL ? call->action : "", attempt);
	return 0;
}
