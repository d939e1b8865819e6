#include "config.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "log.h"
#include "xalloc.h"

struct sha256 {
	EVP_MD_CTX	*ctx;
};

struct sha256 *
sha256_new(void)
{
	struct sha256	*s = xmalloc(sizeof(*s));

	if ((s->ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(s->ctx, EVP_sha256(), NULL) != 1) {
		log_error("SHA-256: cannot initialise libcrypto");
		exit(1);
	}
	return s;
}

void
sha256_update(struct sha256 *s, const void *p, size_t n)
{
	EVP_DigestUpdate(s->ctx, p, n);
}

void
sha256_final(struct sha256 *s, unsigned char out[SHA256_LEN])
{
	unsigned int	len = SHA256_LEN;

	EVP_DigestFinal_ex(s->ctx, out, &len);
	EVP_DigestInit_ex(s->ctx, EVP_sha256(), NULL);
}

void
sha256_free(struct sha256 *s)
{
	if (s == NULL)
		return;
	EVP_MD_CTX_free(s->ctx);
	free(s);
}

void
sha256_buf(const void *p, size_t n, unsigned char out[SHA256_LEN])
{
	unsigned int	len = SHA256_LEN;

	EVP_Digest(p, n, out, &len, EVP_sha256(), NULL);
}

void
sha1_buf(const void *p, size_t n, unsigned char out[SHA1_LEN])
{
	unsigned int	len = SHA1_LEN;

	EVP_Digest(p, n, out, &len, EVP_sha1(), NULL);
}

int
sha256_file(const char *path, unsigned char out[SHA256_LEN], uint64_t *size)
{
	struct sha256	*s;
	unsigned char	*buf;
	uint64_t	 total = 0;
	ssize_t		 r;
	int		 fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_error("%s: %s", path, strerror(errno));
		return -1;
	}
	buf = xmalloc(1 << 18);
	s = sha256_new();
	for (;;) {
		r = read(fd, buf, 1 << 18);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			log_error("%s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		sha256_update(s, buf, (size_t)r);
		total += (uint64_t)r;
	}
	sha256_final(s, out);
	if (size != NULL)
		*size = total;
	rc = 0;
out:
	sha256_free(s);
	free(buf);
	close(fd);
	return rc;
}

void
hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen,
    unsigned char out[SHA256_LEN])
{
	unsigned int	len = SHA256_LEN;

	HMAC(EVP_sha256(), key, (int)keylen, msg, msglen, out, &len);
}

int
valid_sha256_hex(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdefABCDEF") == 64 ?
	    0 : -1;
}

int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void
hex_encode(const unsigned char *p, size_t n, char *out)
{
	static const char	hex[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 0xf];
	}
	out[2 * n] = '\0';
}

char *
base64_encode(const unsigned char *p, size_t n)
{
	char	*out = xmalloc(4 * ((n + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, p, (int)n);
	return out;
}
