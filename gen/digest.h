/*
 * SHA-256, HMAC-SHA-256 and their encodings; the only user of OpenSSL's
 * libcrypto. Digests are raw 32-byte arrays unless named _hex or _b64.
 */
#ifndef CFNGEN_DIGEST_H
#define CFNGEN_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN	32
#define SHA256_HEX_LEN	64
#define SHA1_LEN	20

struct sha256;

/* A streaming context; owned by the caller, sha256_free() accepts NULL. */
struct sha256	*sha256_new(void);
void		 sha256_update(struct sha256 *, const void *, size_t);
/* Writes the digest and resets the context for reuse. */
void		 sha256_final(struct sha256 *, unsigned char out[SHA256_LEN]);
void		 sha256_free(struct sha256 *);

void		 sha256_buf(const void *, size_t, unsigned char out[SHA256_LEN]);
/* SHA-1, for the file names of the AWS CLI's caches (not for security). */
void		 sha1_buf(const void *, size_t, unsigned char out[SHA1_LEN]);
/* Digest of a whole file; -1 (reported, naming path) on read errors. */
int		 sha256_file(const char *path, unsigned char out[SHA256_LEN],
		    uint64_t *size);
void		 hmac_sha256(const void *key, size_t keylen, const void *msg,
		    size_t msglen, unsigned char out[SHA256_LEN]);

/* 0 when s is a SHA-256 in hex (64 digits, either case), else -1. */
int		 valid_sha256_hex(const char *s);
/* The value of one hexadecimal digit (either case), or -1. */
int		 hex_digit(int c);
/* Lowercase hex; out holds 2*n+1 bytes. */
void		 hex_encode(const unsigned char *, size_t n, char *out);
/* Standard base64 with padding; returns a new string (caller frees). */
char		*base64_encode(const unsigned char *, size_t n);

#endif
