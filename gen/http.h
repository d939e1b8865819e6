/*
 * HTTP transfers: the only user of libcurl. Used by the Deno download
 * (deno_source.c) and by the S3 upload and the AWS credential providers.
 *
 * One struct http holds one connection cache (a CURL easy handle), so
 * requests made through it to the same host reuse the connection.
 *
 * A request is described by struct http_request (owned by the caller; the
 * module only reads it during http_do()) and its result lands in struct
 * http_response (owned by the caller, filled by http_do(), released with
 * http_response_free()).
 *
 * What the module does for every request:
 *  - HTTPS with certificate verification; no redirect followed unless the
 *    request asks (a 3xx is then a status like any other: signed requests
 *    and credential endpoints never follow one); the path sent exactly as
 *    given, never normalised (it is the path that was signed);
 *    proxies from the environment (http_proxy, https_proxy, no_proxy),
 *    except that loopback and the AWS link-local metadata addresses never
 *    go through a proxy;
 *  - a connect timeout, a low-speed abort and an optional total timeout;
 *  - with retry set, up to `attempts` tries with exponential backoff and
 *    jitter on connection errors, timeouts, HTTP 5xx and 429 (and whatever
 *    the caller's classify hook calls transient);
 *  - a GET whose body goes to a sink and breaks mid-transfer is resumed
 *    with a Range request when the server advertised Accept-Ranges (or
 *    answered 206); if it then answers 200, the bytes already delivered are
 *    skipped, so the sink always sees one continuous stream from byte 0;
 *  - with -v, one line per request ("GET <url>") and per status, with
 *    secret headers and signed query parameters redacted (-vv adds the
 *    request headers, redacted);
 *  - progress (log.h) when progress_label is set.
 *
 * Errors: a transfer that fails (connection, timeout, TLS, a sink or body
 * error) is reported once, naming the redacted URL and libcurl's message
 * ("... (gave up after 3 attempts)"), and http_do() returns -1. An HTTP
 * status, whatever it is, is NOT an error for http_do(): it returns 0 and
 * the caller decides (http_report_status() words the common case).
 */
#ifndef CFNGEN_HTTP_H
#define CFNGEN_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "xalloc.h"

struct http;

enum http_method {
	HTTP_GET,
	HTTP_HEAD,
	HTTP_PUT,
	HTTP_POST
};

/* "GET", "HEAD", ...: static. */
const char	*http_method_name(enum http_method);

struct http_header {
	const char	*name;		/* "x-amz-date" */
	const char	*value;
	/*
	 * Never logged. Authorization, Proxy-Authorization, Cookie,
	 * X-Amz-Security-Token and X-aws-ec2-metadata-token are treated as
	 * secret whatever this says.
	 */
	int		 secret;
};

/* Default attempts when retry is set and attempts is 0. */
#define HTTP_ATTEMPTS		3
/* Redirects followed by a request that allows them. */
#define HTTP_MAX_REDIRECTS	5
/* Default cap of a response body kept in memory (body_max 0). */
#define HTTP_BODY_MAX		(1024 * 1024)

struct http_request;
struct http_response;

/*
 * Receives a 2xx response body as it arrives. Returns 0, or -1 after
 * reporting the error itself (disk full ...), which aborts the transfer
 * without a second message and without a retry.
 */
typedef int	(*http_sink_fn)(void *arg, const void *data, size_t len);

/*
 * Called before every attempt, the first included (attempt counts from 1),
 * e.g. to re-sign a request with the current clock: it may change
 * req->headers and req->nheaders (the storage is the caller's). -1 (after
 * reporting) stops without a request.
 */
typedef int	(*http_prepare_fn)(void *arg, struct http_request *req,
		    int attempt);

/*
 * Called after a complete response whose status is neither 2xx nor already
 * transient (5xx, 429): returns 1 if it should be retried anyway (S3's 400
 * RequestTimeout), else 0. resp->body holds the (capped) body.
 */
typedef int	(*http_classify_fn)(void *arg,
		    const struct http_response *resp);

struct http_request {
	enum http_method	 method;
	const char		*url;
	const struct http_header *headers;	/* nheaders entries */
	size_t			 nheaders;

	/*
	 * The request body (PUT, POST): either body/body_len from memory,
	 * or, when body_size > 0, body_fd read with pread from body_offset
	 * for body_size bytes, so a 40 MB upload is streamed and never held
	 * in memory, and a retry re-reads it from the start. The fd stays
	 * the caller's. A zeroed request has no body. Content-Length is
	 * always sent (0 for an empty PUT); no "Expect: 100-continue".
	 */
	const void		*body;
	size_t			 body_len;
	int			 body_fd;
	uint64_t		 body_offset;
	uint64_t		 body_size;

	/*
	 * Where a 2xx response body goes: sink (called as data arrives), or,
	 * when sink is NULL, resp->body in memory, capped at body_max bytes
	 * (0: HTTP_BODY_MAX; beyond it the transfer fails, reported).
	 * Non-2xx bodies always go to resp->body (capped), so the caller can
	 * read an S3 error document.
	 */
	http_sink_fn		 sink;
	void			*sink_arg;
	size_t			 body_max;

	/* Retries: off unless set. attempts 0 means HTTP_ATTEMPTS. */
	int			 retry;
	int			 attempts;
	http_prepare_fn		 prepare;	/* or NULL */
	http_classify_fn	 classify;	/* or NULL */
	void			*hook_arg;	/* for prepare and classify */

	/*
	 * Timeouts; 0 means the default. connect: 10 s. Low-speed abort:
	 * less than 1 kB/s for 30 s (CFNGEN_HTTP_LOW_SPEED_TIME, seconds,
	 * overrides the default: a testing knob). total: none.
	 * The IMDS client wants connect_ms = total_ms = 1000.
	 */
	long			 connect_ms;
	long			 total_ms;
	long			 low_speed_time;	/* seconds */
	long			 low_speed_limit;	/* bytes per second */

	/*
	 * Progress bar (log.h) labelled with this, for a download the size
	 * of the body, for an upload body_size/body_len; NULL: none.
	 */
	const char		*progress_label;

	/*
	 * Response headers to keep, by name (case-insensitive), NULL-ended;
	 * NULL keeps none. Read them with http_response_header().
	 */
	const char *const	*want_headers;

	/*
	 * Only for unsigned downloads: follow up to HTTP_MAX_REDIRECTS
	 * redirects. From an https:// URL only to https://; an http:// URL
	 * (a loopback mirror, already in clear text) may go to either. Off,
	 * a 3xx comes back as resp->status, with nothing sent to its
	 * Location.
	 */
	int			 follow_redirects;

	/*
	 * A probe (the EC2 metadata service, absent off EC2): a failed
	 * transfer is logged with -v only, not reported; http_do() still
	 * returns -1.
	 */
	int			 quiet;

	/*
	 * The whole query is secret (a container credentials URL may carry
	 * ?token=...): messages show "?REDACTED" in its place.
	 */
	int			 secret_query;
};

struct http_response {
	/*
	 * Last HTTP status, 0 if none; a download resumed with a Range
	 * request reports 200 when it completed, since the caller sees the
	 * whole body.
	 */
	long		 status;
	char		*url;		/* final URL after redirects */
	struct buf	 body;		/* see http_request.sink */
	uint64_t	 body_bytes;	/* 2xx body bytes delivered (sink or buf) */
	int		 attempts;	/* requests made, retries included */
	/* Kept headers of the final response: "name" and "value" pairs. */
	char		**headers;
	size_t		 nheaders;
};

/* A new handle (curl_global_init happens once, on the first). */
struct http	*http_new(void);
/* Accepts NULL. */
void		 http_free(struct http *);

/*
 * Performs req. resp is initialised here (no need to zero it first) and
 * must be released with http_response_free() whatever the result.
 * Returns 0 when a response arrived (any status: see resp->status),
 * -1 when the transfer failed (reported).
 */
int		 http_do(struct http *, const struct http_request *,
		    struct http_response *);
void		 http_response_free(struct http_response *);

/* The value of a kept response header (case-insensitive), or NULL. */
const char	*http_response_header(const struct http_response *,
		    const char *name);

/*
 * Reports (log_error) an unexpected status as
 * "<what>: <url>: HTTP 503 Service Unavailable (gave up after 3 attempts)";
 * what may be NULL. The URL is redacted.
 */
void		 http_report_status(const struct http_response *,
		    const char *what);
/* "Not Found" for 404 ...; "" for codes it does not know. Static. */
const char	*http_status_text(long);

/*
 * A copy of url fit for messages (caller frees): the values of the query
 * parameters X-Amz-Signature, X-Amz-Credential and X-Amz-Security-Token
 * (any case) become "REDACTED", and user:password@ is dropped. A URL
 * too long to copy shows as "(a URL too long to show)".
 */
char		*http_redact_url(const char *url);

#endif
