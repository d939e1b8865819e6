/*
 * AWS Signature Version 4, header-based: pure functions with the clock
 * passed in, so the published examples reproduce exactly. SHA-256 and
 * HMAC come from digest.h.
 *
 * The caller builds the request as it will be sent (path and query
 * already URI-encoded, every header to sign, x-amz-date among them) and
 * gets back the canonical request, the string to sign, the signature and
 * the Authorization header's value. Secrets never leave this module in
 * any of them.
 */
#ifndef CFNGEN_SIGV4_H
#define CFNGEN_SIGV4_H

#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "digest.h"
#include "http.h"
#include "xalloc.h"

struct aws_credentials;

/* The payload hash of a request without a body. */
#define SIGV4_EMPTY_SHA256 \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* "20130524T000000Z": 16 characters and a NUL. */
#define SIGV4_DATE_LEN	17

struct sigv4_header {
	const char	*name;		/* any case; signed lowercased */
	const char	*value;
};

struct sigv4_request {
	const char			*method;	/* "GET", "PUT" */
	const char			*path;		/* as sent, "/" first */
	const char			*query;		/* as sent, no '?'; NULL: none */
	const struct sigv4_header	*headers;	/* all signed; host too */
	size_t				 nheaders;
	const char			*payload_sha256; /* hex, or UNSIGNED-PAYLOAD */
};

struct sigv4_scope {
	const char	*region;
	/*
	 * "s3" signs the path as it is; any other service signs it
	 * normalised (no "." or ".." segments, no empty ones) and encoded
	 * once more, as AWS specifies.
	 */
	const char	*service;
	time_t		 when;
};

struct sigv4_key {
	const char	*access_key_id;
	const char	*secret_access_key;
};

/* Everything a signature is made of; owned by the caller. */
struct sigv4_result {
	char	*canonical_request;
	char	*string_to_sign;
	char	 signature[SHA256_HEX_LEN + 1];
	char	*authorization;		/* the Authorization header's value */
};

/*
 * Signs req. -1 (reported) when a header name or the time cannot be
 * signed; result then holds nothing to free.
 */
int	 sigv4_sign(const struct sigv4_request *, const struct sigv4_scope *,
	    const struct sigv4_key *, struct sigv4_result *);
/* Frees what sigv4_sign() filled in; accepts NULL. */
void	 sigv4_result_free(struct sigv4_result *);

/* when as x-amz-date wants it; -1 if the time cannot be represented. */
int	 sigv4_amz_date(time_t, char out[SIGV4_DATE_LEN]);

/*
 * Appends s[0..n) URI-encoded the SigV4 way: A-Z a-z 0-9 - _ . ~ as they
 * are, '/' as is when keep_slash, every other byte %XX (uppercase hex).
 * -1 when b's cap is reached.
 */
int	 sigv4_uri_encode(struct buf *b, const char *s, size_t n,
	    int keep_slash) WARN_UNUSED;

/*
 * Signing one AWS API call before each of its attempts, the same way for
 * every service: the caller's headers (lead), Host, x-amz-date, with
 * content_sha256 S3's x-amz-content-sha256, the session token if the
 * credentials have one, then the caller's extra headers; all of them
 * signed, then Authorization (marked secret). Every pointer here is the
 * caller's and must outlive the request.
 */
#define SIGV4_MAX_HEADERS	16

struct sigv4_call {
	const char			*method;	/* "GET", "POST" */
	const char			*host;		/* the Host header */
	const char			*path;		/* as sent: encoded */
	const char			*query;		/* as sent, or NULL */
	const char			*payload_sha256;
	const char			*region;
	const char			*service;	/* "s3", "sts" */
	int				 content_sha256;
	const struct sigv4_header	*lead;		/* before Host */
	size_t				 nlead;
	const struct sigv4_header	*extra;		/* after the token */
	size_t				 nextra;
	/* For the debug line of a retry: "what[ action]: signed again". */
	const char			*what;
	const char			*action;	/* or NULL */
};

/* The caller's storage for what an attempt sends; zeroed before use. */
struct sigv4_signed {
	char			date[SIGV4_DATE_LEN];
	struct sigv4_result	sig;
	struct http_header	hdr[SIGV4_MAX_HEADERS];
};

/*
 * Signs call with cr for this attempt and points req->headers at
 * out->hdr. -1 (reported) when it cannot be signed. Free out->sig with
 * sigv4_result_free() when the request is done.
 */
int	 sigv4_prepare(const struct sigv4_call *call,
	    const struct aws_credentials *cr, struct sigv4_signed *out,
	    struct http_request *req, int attempt);

#endif
