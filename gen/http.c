/*
 * HTTP transfers over libcurl (the only file that includes curl.h).
 *
 * libcurl and the 30-odd libraries it brings are loaded with dlopen on
 * the first http_new(), so a run that never touches the network (build
 * and template --offline) never loads them. curl.h gives the types and
 * constants; the functions come from the table lc.
 *
 * Every attempt resets the easy handle and sets all options again, so one
 * request never inherits another's settings, while curl_easy_reset keeps
 * the connection cache and keep-alive works across requests.
 */
#include "config.h"

#include <curl/curl.h>

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "http.h"
#include "log.h"
#include "xalloc.h"

#define CONNECT_MS_DEFAULT	10000L
#define LOW_SPEED_LIMIT_DEFAULT	1000L		/* bytes per second ... */
#define LOW_SPEED_TIME_DEFAULT	30L		/* ... for this many seconds */
#define RETRY_DELAY_MS_DEFAULT	500L		/* first backoff, doubled */
#define RETRY_DELAY_MS_MAX	8000L
#define RETRY_AFTER_MAX_S	10L		/* honoured Retry-After cap */
#define MAX_HEADERS		100
#define MAX_HEADER_BYTES	(64 * 1024)
#define RECV_BUFFER		(128 * 1024L)

/* Never proxied: loopback and the EC2/ECS metadata endpoints. */
#define NOPROXY_ALWAYS \
	"127.0.0.1,localhost,::1,169.254.169.254,169.254.170.2,fd00:ec2::254"

struct http {
	CURL	*curl;
	char	*noproxy;
	char	 errbuf[CURL_ERROR_SIZE];
};

/* The state of one http_do(), shared by the curl callbacks. */
struct xfer {
	struct http			*h;
	const struct http_request	*req;
	struct http_response		*resp;

	/* Response being received in this attempt. */
	long		 status;
	int		 body_started;	/* first body byte of this attempt */
	uint64_t	 skip;		/* bytes to drop (already delivered) */
	uint64_t	 range_from;	/* Range asked in this attempt */
	size_t		 header_bytes;
	int		 accept_ranges;	/* "Accept-Ranges: bytes" */
	char		*etag;
	int64_t		 range_start;	/* of Content-Range, -1 if none */
	long		 retry_after;	/* seconds, -1 if none */

	/* Across attempts. */
	uint64_t	 delivered;	/* 2xx body bytes given to the sink */
	int		 resumable;	/* the last 2xx body can be resumed */
	char		*resume_etag;	/* its strong ETag, for If-Range */
	struct progress	*progress;
	int		 sink_failed;	/* the sink reported an error */
	int		 too_big;	/* in-memory body over its cap */
	int		 bad_range;	/* 206 for a range we did not ask */
	int		 read_errno;	/* upload body read error */
	uint64_t	 upload_pos;
};

static const char *const	secret_headers[] = {
	"authorization", "proxy-authorization", "cookie",
	"x-amz-security-token", "x-aws-ec2-metadata-token", NULL
};

/* Query parameters whose values never reach a log line. */
static const char *const	secret_params[] = {
	"x-amz-signature", "x-amz-credential", "x-amz-security-token",
	"x-goog-signature", "x-goog-credential", "signature", "sig", "jwt",
	"token", NULL
};

/* libcurl's ABI since 7.16 (2006): the soname to load. */
#ifndef LIBCURL_SONAME
#define LIBCURL_SONAME	"libcurl.so.4"
#endif

/* The libcurl functions this file calls, loaded by curl_load(). */
static struct {
	CURLcode	 (*global_init)(long);
	CURL		*(*easy_init)(void);
	void		 (*easy_cleanup)(CURL *);
	void		 (*easy_reset)(CURL *);
	CURLcode	 (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode	 (*easy_perform)(CURL *);
	CURLcode	 (*easy_getinfo)(CURL *, CURLINFO, ...);
	const char	*(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void		 (*slist_free_all)(struct curl_slist *);
} lc;

static int	 curl_ready;

/* Loads and initialises libcurl once; -1 (reported) if it cannot. */
static int
curl_load(void)
{
	static const struct {
		const char	*name;
		void		**fn;
	} syms[] = {
		{ "curl_global_init",	(void **)&lc.global_init },
		{ "curl_easy_init",	(void **)&lc.easy_init },
		{ "curl_easy_cleanup",	(void **)&lc.easy_cleanup },
		{ "curl_easy_reset",	(void **)&lc.easy_reset },
		{ "curl_easy_setopt",	(void **)&lc.easy_setopt },
		{ "curl_easy_perform",	(void **)&lc.easy_perform },
		{ "curl_easy_getinfo",	(void **)&lc.easy_getinfo },
		{ "curl_easy_strerror",	(void **)&lc.easy_strerror },
		{ "curl_slist_append",	(void **)&lc.slist_append },
		{ "curl_slist_free_all", (void **)&lc.slist_free_all },
	};
	void	*lib;
	size_t	 i;

	if (curl_ready)
		return 0;
	/* Never unloaded: libcurl's global state lives until exit. */
	if ((lib = dlopen(LIBCURL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		log_error("%s: cannot load it (%s); the network needs libcurl "
		    "(Debian: apt-get install libcurl4)", LIBCURL_SONAME,
		    dlerror());
		return -1;
	}
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		/* POSIX: a function pointer survives the trip through void *. */
		if ((*syms[i].fn = dlsym(lib, syms[i].name)) == NULL) {
			log_error("%s: no %s in it", LIBCURL_SONAME,
			    syms[i].name);
			return -1;
		}
	}
	if (lc.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_error("libcurl: cannot initialise");
		return -1;
	}
	curl_ready = 1;
	return 0;
}

struct http *
http_new(void)
{
	struct http	*h;
	const char	*env;

	if (curl_load() == -1)
		return NULL;
	h = xcalloc(1, sizeof(*h));
	if ((h->curl = lc.easy_init()) == NULL) {
		log_error("libcurl: cannot create a handle");
		free(h);
		return NULL;
	}
	/*
	 * Setting CURLOPT_NOPROXY replaces libcurl's reading of no_proxy, so
	 * carry the user's list over and add the addresses that must never
	 * go through a proxy.
	 */
	if ((env = getenv("no_proxy")) == NULL || *env == '\0')
		env = getenv("NO_PROXY");
	if (env != NULL && strcmp(env, "*") == 0)
		h->noproxy = xstrdup("*");
	else if (env != NULL && *env != '\0')
		h->noproxy = xasprintf("%s,%s", env, NOPROXY_ALWAYS);
	else
		h->noproxy = xstrdup(NOPROXY_ALWAYS);
	return h;
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	lc.easy_cleanup(h->curl);
	free(h->noproxy);
	free(h);
}

static int
name_in(const char *name, size_t len, const char *const *list)
{
	size_t	i;

	for (i = 0; list[i] != NULL; i++)
		if (strlen(list[i]) == len && strncasecmp(list[i], name, len) == 0)
			return 1;
	return 0;
}

char *
http_redact_url(const char *url)
{
	struct buf	 b;
	const char	*p, *q, *at, *end, *eq;
	char		*ret;

	buf_init(&b, 0);	/* no cap: these adds cannot fail */
	/* scheme://user:password@host: drop the credentials. */
	p = url;
	if ((q = strstr(url, "://")) != NULL) {
		q += 3;
		end = q + strcspn(q, "/?#");
		at = memchr(q, '@', (size_t)(end - q));
		if (at != NULL) {
			if (buf_add(&b, url, (size_t)(q - url)) == -1)
				goto fail;
			p = at + 1;
		}
	}
	if ((q = strchr(p, '?')) == NULL) {
		if (buf_adds(&b, p) == -1)
			goto fail;
		goto out;
	}
	if (buf_add(&b, p, (size_t)(q - p) + 1) == -1)
		goto fail;
	/* A fragment is never sent; it stays out of messages too. */
	for (p = q + 1;; p = end + 1) {
		end = p + strcspn(p, "&#");
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq != NULL && name_in(p, (size_t)(eq - p), secret_params)) {
			if (buf_add(&b, p, (size_t)(eq - p) + 1) == -1 ||
			    buf_adds(&b, "REDACTED") == -1)
				goto fail;
		} else if (buf_add(&b, p, (size_t)(end - p)) == -1)
			goto fail;
		if (*end != '&')
			break;
		if (buf_addc(&b, '&') == -1)
			goto fail;
	}
out:
	ret = buf_steal(&b);
	buf_free(&b);
	return ret;
fail:
	/* nothing of the URL rather than a part that may hold a secret */
	buf_free(&b);
	return xstrdup("(a URL too long to show)");
}

/* http_redact_url(), and no query at all when the request says so. */
static char *
redact_for(const struct http_request *req, const char *u)
{
	char	*r = http_redact_url(u), *q;

	if (req->secret_query && (q = strchr(r, '?')) != NULL) {
		*q = '\0';
		q = xasprintf("%s?REDACTED", r);
		free(r);
		r = q;
	}
	return r;
}

const char *
http_status_text(long code)
{
	static const struct {
		long		 code;
		const char	*text;
	} texts[] = {
		{ 200, "OK" }, { 201, "Created" }, { 204, "No Content" },
		{ 206, "Partial Content" }, { 301, "Moved Permanently" },
		{ 302, "Found" }, { 304, "Not Modified" },
		{ 307, "Temporary Redirect" }, { 308, "Permanent Redirect" },
		{ 400, "Bad Request" }, { 401, "Unauthorized" },
		{ 403, "Forbidden" }, { 404, "Not Found" },
		{ 405, "Method Not Allowed" }, { 408, "Request Timeout" },
		{ 409, "Conflict" }, { 410, "Gone" },
		{ 411, "Length Required" }, { 412, "Precondition Failed" },
		{ 416, "Range Not Satisfiable" }, { 429, "Too Many Requests" },
		{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
		{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
		{ 504, "Gateway Timeout" },
	};
	size_t	i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (texts[i].code == code)
			return texts[i].text;
	return "";
}

static const char *
gave_up(int attempts, char out[48])
{
	if (attempts > 1)
		snprintf(out, 48, " (gave up after %d attempts)", attempts);
	else
		out[0] = '\0';
	return out;
}

void
http_report_status(const struct http_response *resp, const char *what)
{
	char		*url = http_redact_url(resp->url ? resp->url : "");
	const char	*text = http_status_text(resp->status);
	char		 tail[48];

	log_error("%s%s%s: HTTP %ld%s%s%s", what ? what : "", what ? ": " : "",
	    url, resp->status, *text ? " " : "", text,
	    gave_up(resp->attempts, tail));
	free(url);
}

const char *
http_response_header(const struct http_response *resp, const char *name)
{
	size_t	i;

	for (i = 0; i < resp->nheaders; i++)
		if (strcasecmp(resp->headers[2 * i], name) == 0)
			return resp->headers[2 * i + 1];
	return NULL;
}

static void
clear_headers(struct http_response *resp)
{
	size_t	i;

	for (i = 0; i < 2 * resp->nheaders; i++)
		free(resp->headers[i]);
	free(resp->headers);
	resp->headers = NULL;
	resp->nheaders = 0;
}

void
http_response_free(struct http_response *resp)
{
	if (resp == NULL)
		return;
	clear_headers(resp);
	free(resp->url);
	buf_free(&resp->body);
	memset(resp, 0, sizeof(*resp));
}

static int
wanted(const struct http_request *req, const char *name, size_t len)
{
	size_t	i;

	if (req->want_headers == NULL)
		return 0;
	for (i = 0; req->want_headers[i] != NULL; i++)
		if (strlen(req->want_headers[i]) == len &&
		    strncasecmp(req->want_headers[i], name, len) == 0)
			return 1;
	return 0;
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct xfer		*x = arg;
	struct http_response	*resp = x->resp;
	size_t			 len = size * n, nlen, vlen;
	const char		*colon, *v, *end;

	/* A status line starts a new response (redirects, 100 Continue). */
	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		clear_headers(resp);
		x->header_bytes = 0;
		x->accept_ranges = 0;
		free(x->etag);
		x->etag = NULL;
		x->range_start = -1;
		x->retry_after = -1;
		return len;
	}
	if ((x->header_bytes += len) > MAX_HEADER_BYTES)
		return 0;
	if ((colon = memchr(p, ':', len)) == NULL)
		return len;
	nlen = (size_t)(colon - p);
	v = colon + 1;
	end = p + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && isspace((unsigned char)end[-1]))
		end--;
	vlen = (size_t)(end - v);
	if (nlen == 13 && strncasecmp(p, "accept-ranges", nlen) == 0 &&
	    vlen == 5 && strncasecmp(v, "bytes", 5) == 0)
		x->accept_ranges = 1;
	else if (nlen == 4 && strncasecmp(p, "etag", nlen) == 0) {
		free(x->etag);
		x->etag = xstrndup(v, vlen);
	} else if (nlen == 13 && strncasecmp(p, "content-range", nlen) == 0 &&
	    vlen > 6 && strncasecmp(v, "bytes ", 6) == 0 &&
	    isdigit((unsigned char)v[6]))
		x->range_start = strtoll(v + 6, NULL, 10);
	else if (nlen == 11 && strncasecmp(p, "retry-after", nlen) == 0 &&
	    vlen > 0 && vlen < 6 && strspn(v, "0123456789") >= vlen)
		x->retry_after = strtol(v, NULL, 10);
	if (wanted(x->req, p, nlen) && resp->nheaders < MAX_HEADERS) {
		resp->headers = xreallocarray(resp->headers,
		    2 * (resp->nheaders + 1), sizeof(char *));
		resp->headers[2 * resp->nheaders] = xstrndup(p, nlen);
		resp->headers[2 * resp->nheaders + 1] = xstrndup(v, vlen);
		resp->nheaders++;
	}
	return len;
}

/* First body bytes of an attempt: decide where they go. */
static int
body_begins(struct xfer *x)
{
	const struct http_request	*req = x->req;
	curl_off_t			 cl = -1;

	x->body_started = 1;
	lc.easy_getinfo(x->h->curl, CURLINFO_RESPONSE_CODE, &x->status);
	if (x->status / 100 != 2)
		return 0;
	if (req->sink == NULL) {
		/* A retried in-memory body starts over. */
		buf_reset(&x->resp->body);
		x->delivered = 0;
	} else if (x->status == 206) {
		if (x->range_start < 0 ||
		    (uint64_t)x->range_start != x->range_from) {
			x->bad_range = 1;
			return -1;
		}
		x->resumable = 1;
		x->skip = 0;
	} else {
		/* The whole body again: drop what the sink already has. */
		x->skip = x->delivered;
		x->resumable = x->accept_ranges;
		free(x->resume_etag);
		x->resume_etag = x->etag != NULL && strncmp(x->etag, "W/", 2) ?
		    xstrdup(x->etag) : NULL;
	}
	lc.easy_getinfo(x->h->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
	if (x->progress == NULL && req->progress_label != NULL)
		x->progress = progress_start(req->progress_label, cl < 0 ? 0 :
		    (uint64_t)cl + (x->status == 206 ? x->range_from : 0));
	return 0;
}

static size_t
on_write(char *p, size_t size, size_t n, void *arg)
{
	struct xfer			*x = arg;
	const struct http_request	*req = x->req;
	size_t				 len = size * n, drop;

	if (!x->body_started && body_begins(x) == -1)
		return 0;
	if (x->status / 100 != 2 || req->sink == NULL) {
		if (buf_add(&x->resp->body, p, len) == -1) {
			x->too_big = 1;
			return 0;
		}
		if (x->status / 100 == 2)
			x->delivered += len;
		return len;
	}
	/* After a restart from byte 0, drop what the sink already has. */
	drop = x->skip < len ? (size_t)x->skip : len;
	x->skip -= drop;
	if (drop == len)
		return len;
	if (req->sink(req->sink_arg, p + drop, len - drop) == -1) {
		x->sink_failed = 1;
		return 0;
	}
	x->delivered += len - drop;
	progress_update(x->progress, x->delivered);
	return len;
}

static uint64_t
body_size(const struct http_request *req)
{
	return req->body_size > 0 ? req->body_size : req->body_len;
}

static size_t
on_read(char *p, size_t size, size_t n, void *arg)
{
	struct xfer			*x = arg;
	const struct http_request	*req = x->req;
	uint64_t			 left = body_size(req) - x->upload_pos;
	size_t				 want = size * n;
	ssize_t				 r;

	if (want > left)
		want = (size_t)left;
	if (want == 0)
		return 0;
	if (req->body_size > 0) {
		do
			r = pread(req->body_fd, p, want,
			    (off_t)(req->body_offset + x->upload_pos));
		while (r == -1 && errno == EINTR);
		if (r <= 0) {
			/* 0: the file shrank under us. */
			x->read_errno = r == 0 ? EIO : errno;
			return CURL_READFUNC_ABORT;
		}
		want = (size_t)r;
	} else
		memcpy(p, (const char *)req->body + x->upload_pos, want);
	x->upload_pos += want;
	if (x->progress == NULL && req->progress_label != NULL)
		x->progress = progress_start(req->progress_label,
		    body_size(req));
	progress_update(x->progress, x->upload_pos);
	return want;
}

static int
on_seek(void *arg, curl_off_t offset, int origin)
{
	struct xfer	*x = arg;

	if (origin != SEEK_SET || offset < 0 ||
	    (uint64_t)offset > body_size(x->req))
		return CURL_SEEKFUNC_CANTSEEK;
	x->upload_pos = (uint64_t)offset;
	return CURL_SEEKFUNC_OK;
}

static long
env_long(const char *name, long def)
{
	const char	*v = getenv(name);
	char		*end;
	long		 n;

	if (v == NULL || *v == '\0')
		return def;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0)
		return def;
	return n;
}

const char *
http_method_name(enum http_method m)
{
	switch (m) {
	case HTTP_HEAD:
		return "HEAD";
	case HTTP_PUT:
		return "PUT";
	case HTTP_POST:
		return "POST";
	default:
		return "GET";
	}
}

static int
is_secret(const struct http_header *hd)
{
	return hd->secret ||
	    name_in(hd->name, strlen(hd->name), secret_headers);
}

/* Appends line (consumed); exits on exhaustion like the x* wrappers. */
static struct curl_slist *
slist_add(struct curl_slist *l, char *line)
{
	struct curl_slist	*n;

	if ((n = lc.slist_append(l, line)) == NULL) {
		log_error("libcurl: out of memory");
		exit(1);
	}
	free(line);
	return n;
}

static struct curl_slist *
header_list(const struct http_request *req, struct xfer *x)
{
	struct curl_slist	*l = NULL;
	size_t			 i;

	for (i = 0; i < req->nheaders; i++) {
		l = slist_add(l, xasprintf("%s: %s", req->headers[i].name,
		    req->headers[i].value));
		log_debug("  %s: %s", req->headers[i].name,
		    is_secret(&req->headers[i]) ? "REDACTED" :
		    req->headers[i].value);
	}
	/* The body follows at once: no round trip waiting for 100 Continue. */
	if (req->method == HTTP_PUT || req->method == HTTP_POST)
		l = slist_add(l, xstrdup("Expect:"));
	/* Resume only if the resource is still the same one. */
	if (x->range_from > 0 && x->resume_etag != NULL)
		l = slist_add(l, xasprintf("If-Range: %s", x->resume_etag));
	return l;
}

static void
setup(struct xfer *x, struct curl_slist *headers)
{
	const struct http_request	*req = x->req;
	CURL				*c = x->h->curl;
	char				 range[32];
	long				 lst, lsl;
	int				 https;

	lc.easy_reset(c);
	x->h->errbuf[0] = '\0';
	lc.easy_setopt(c, CURLOPT_ERRORBUFFER, x->h->errbuf);
	lc.easy_setopt(c, CURLOPT_URL, req->url);
	lc.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	/* The path on the wire is the path signed: no dot-segment folding. */
	lc.easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
	lc.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	lc.easy_setopt(c, CURLOPT_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS);
#endif
	/*
	 * libcurl drops Authorization on another host but sends every other
	 * header (x-amz-security-token) and the body along: only unsigned
	 * downloads follow, and never from https to http.
	 */
	if (req->follow_redirects) {
		https = strncasecmp(req->url, "https://", 8) == 0;
		lc.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
		lc.easy_setopt(c, CURLOPT_MAXREDIRS,
		    (long)HTTP_MAX_REDIRECTS);
#if LIBCURL_VERSION_NUM >= 0x075500
		lc.easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR,
		    https ? "https" : "http,https");
#else
		lc.easy_setopt(c, CURLOPT_REDIR_PROTOCOLS, https ?
		    CURLPROTO_HTTPS : CURLPROTO_HTTP | CURLPROTO_HTTPS);
#endif
	} else
		lc.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	lc.easy_setopt(c, CURLOPT_NOPROXY, x->h->noproxy);
	lc.easy_setopt(c, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
	lc.easy_setopt(c, CURLOPT_BUFFERSIZE, RECV_BUFFER);
	lc.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
	    req->connect_ms > 0 ? req->connect_ms : CONNECT_MS_DEFAULT);
	if (req->total_ms > 0)
		lc.easy_setopt(c, CURLOPT_TIMEOUT_MS, req->total_ms);
	lst = req->low_speed_time > 0 ? req->low_speed_time :
	    env_long("CFNGEN_HTTP_LOW_SPEED_TIME", LOW_SPEED_TIME_DEFAULT);
	lsl = req->low_speed_limit > 0 ? req->low_speed_limit :
	    LOW_SPEED_LIMIT_DEFAULT;
	if (lst > 0) {
		lc.easy_setopt(c, CURLOPT_LOW_SPEED_TIME, lst);
		lc.easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, lsl);
	}
	lc.easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	lc.easy_setopt(c, CURLOPT_HEADERDATA, x);
	lc.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
	lc.easy_setopt(c, CURLOPT_WRITEDATA, x);
	lc.easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	switch (req->method) {
	case HTTP_HEAD:
		lc.easy_setopt(c, CURLOPT_NOBODY, 1L);
		break;
	case HTTP_PUT:
	case HTTP_POST:
		if (req->method == HTTP_PUT)
			lc.easy_setopt(c, CURLOPT_UPLOAD, 1L);
		else
			lc.easy_setopt(c, CURLOPT_POST, 1L);
		lc.easy_setopt(c, CURLOPT_READFUNCTION, on_read);
		lc.easy_setopt(c, CURLOPT_READDATA, x);
		lc.easy_setopt(c, CURLOPT_SEEKFUNCTION, on_seek);
		lc.easy_setopt(c, CURLOPT_SEEKDATA, x);
		if (req->method == HTTP_PUT)
			lc.easy_setopt(c, CURLOPT_INFILESIZE_LARGE,
			    (curl_off_t)body_size(req));
		else
			lc.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)body_size(req));
		break;
	default:
		if (x->range_from > 0) {
			snprintf(range, sizeof(range), "%llu-",
			    (unsigned long long)x->range_from);
			lc.easy_setopt(c, CURLOPT_RANGE, range);
		}
		break;
	}
}

static int
transient_curl(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

static void
sleep_ms(long ms)
{
	struct timespec	ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * Exponential backoff with jitter: attempt 1 failed -> about base, then
 * 2*base ... capped; the delay is drawn from [d/2, d] so that clients
 * that failed together do not come back together.
 */
static long
backoff_ms(int failed, long retry_after)
{
	/* per thread: the regional uploads retry concurrently */
	static __thread unsigned short seed[3];
	static __thread int	 seeded;
	struct timespec		 ts;
	long			 base, d;
	int			 i;

	if (!seeded) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		seed[0] = (unsigned short)ts.tv_nsec;
		seed[1] = (unsigned short)(ts.tv_nsec >> 16);
		seed[2] = (unsigned short)getpid();
		seeded = 1;
	}
	base = env_long("CFNGEN_HTTP_RETRY_DELAY_MS", RETRY_DELAY_MS_DEFAULT);
	d = base;
	for (i = 1; i < failed && d < RETRY_DELAY_MS_MAX; i++)
		d *= 2;
	if (d > RETRY_DELAY_MS_MAX)
		d = RETRY_DELAY_MS_MAX;
	d = d / 2 + (long)(erand48(seed) * (double)(d / 2 + 1));
	if (retry_after >= 0 && retry_after * 1000 > d)
		d = (retry_after > RETRY_AFTER_MAX_S ? RETRY_AFTER_MAX_S :
		    retry_after) * 1000;
	return d;
}

static int
transient_status(long status)
{
	return status == 429 || (status >= 500 && status <= 599);
}

int
http_do(struct http *h, const struct http_request *reqin,
    struct http_response *resp)
{
	struct http_request	 req = *reqin;
	struct xfer		 x;
	struct curl_slist	*headers = NULL;
	CURLcode		 cc = CURLE_OK;
	char			*url = NULL, *eff;
	char			 why[CURL_ERROR_SIZE + 64], tail[48];
	int			 attempt, attempts, rc = -1, retry;
	double			 secs;

	memset(resp, 0, sizeof(*resp));
	buf_init(&resp->body, req.body_max > 0 ? req.body_max : HTTP_BODY_MAX);
	memset(&x, 0, sizeof(x));
	x.h = h;
	x.req = &req;
	x.resp = resp;
	x.retry_after = -1;
	x.range_start = -1;
	attempts = !req.retry ? 1 : req.attempts > 0 ? req.attempts :
	    HTTP_ATTEMPTS;
	for (attempt = 1; attempt <= attempts; attempt++) {
		if (req.prepare != NULL &&
		    req.prepare(req.hook_arg, &req, attempt) == -1)
			goto out;
		free(url);
		url = redact_for(&req, req.url);
		x.status = 0;
		x.body_started = 0;
		x.skip = 0;
		x.upload_pos = 0;
		/* Resume where the last attempt broke, if the server can. */
		x.range_from = req.sink != NULL && x.resumable ?
		    x.delivered : 0;
		buf_reset(&resp->body);
		resp->attempts = attempt;
		log_verbose("%s %s%s", http_method_name(req.method), url,
		    x.range_from > 0 ? " (resuming)" : "");
		lc.slist_free_all(headers);
		headers = header_list(&req, &x);
		setup(&x, headers);
		cc = lc.easy_perform(h->curl);
		lc.easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &x.status);
		resp->status = x.status;
		eff = NULL;
		lc.easy_getinfo(h->curl, CURLINFO_EFFECTIVE_URL, &eff);
		free(resp->url);
		resp->url = xstrdup(eff != NULL ? eff : req.url);
		if (x.sink_failed)
			goto out;
		if (x.too_big) {
			log_error("%s: response larger than %zu bytes", url,
			    resp->body.max);
			goto out;
		}
		if (x.read_errno != 0) {
			log_error("%s: reading the request body: %s", url,
			    strerror(x.read_errno));
			goto out;
		}
		secs = 0;
		lc.easy_getinfo(h->curl, CURLINFO_TOTAL_TIME, &secs);
		if (cc == CURLE_OK) {
			if (log_get_level() >= LOG_VERBOSE &&
			    strcmp(resp->url, req.url) != 0) {
				free(url);
				url = redact_for(&req, resp->url);
				log_verbose("  redirected to %s", url);
			}
			log_verbose("  HTTP %ld %s (%.2f s)", x.status,
			    http_status_text(x.status), secs);
			retry = transient_status(x.status) ||
			    (x.status / 100 != 2 && req.classify != NULL &&
			    req.classify(req.hook_arg, resp) == 1);
			if (!retry || attempt == attempts) {
				/* The caller asked for the whole body. */
				if (x.status == 206 && x.range_from > 0)
					resp->status = 200;
				rc = 0;
				goto out;
			}
			snprintf(why, sizeof(why), "HTTP %ld %s", x.status,
			    http_status_text(x.status));
		} else {
			if (x.bad_range) {
				log_error("%s: the server answered a range "
				    "request with the wrong range", url);
				goto out;
			}
			snprintf(why, sizeof(why), "%s", h->errbuf[0] ?
			    h->errbuf : lc.easy_strerror(cc));
			log_verbose("  failed: %s (%.2f s)", why, secs);
			if (!transient_curl(cc) || attempt == attempts) {
				if (!req.quiet)
					log_error("%s: %s%s", url, why,
					    gave_up(attempt, tail));
				goto out;
			}
		}
		secs = backoff_ms(attempt, transient_status(x.status) ?
		    x.retry_after : -1) / 1000.0;
		log_info("%s: %s; retrying in %.1f s (attempt %d of %d)", url,
		    why, secs, attempt + 1, attempts);
		sleep_ms((long)(secs * 1000));
	}
out:
	resp->body_bytes = x.delivered;
	progress_end(x.progress, rc == 0 && x.status / 100 == 2);
	lc.slist_free_all(headers);
	free(x.etag);
	free(x.resume_etag);
	free(url);
	return rc;
}
