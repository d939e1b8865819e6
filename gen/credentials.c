/*
 * The credential providers, in the AWS CLI's order (see credentials.h).
 * Each provider answers 1 (found), 0 (does not apply: try the next) or
 * -1 (applies and failed: reported, and the search stops there).
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "aws_config.h"
#include "buf.h"
#include "credentials.h"
#include "digest.h"
#include "doc.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "outfile.h"
#include "proc.h"
#include "sso.h"
#include "sts.h"
#include "xalloc.h"

#define ECS_HOST		"http://169.254.170.2"
#define IMDS_HOST		"http://169.254.169.254"
#define IMDS_TIMEOUT_MS		1000
#define CONTAINER_TIMEOUT_MS	5000
#define PROCESS_OUT_MAX		(1024 * 1024)
#define PROCESS_ERR_MAX		4096
#define TOKEN_FILE_MAX		(64 * 1024)
/* The CLI renews cached role credentials with less than this left. */
#define CACHE_WINDOW		(15 * 60)
/* The longest chain of source_profile links followed. */
#define MAX_CHAIN		32

/* What a search needs; visited is the source_profile chain so far. */
struct search {
	const struct aws_config	*c;
	struct http		*h;
	const char		*visited[MAX_CHAIN + 1];
	size_t			 nvisited;
};

static void
wipe_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

void
aws_credentials_free(struct aws_credentials *cr)
{
	if (cr == NULL)
		return;
	wipe_free(cr->access_key_id);
	wipe_free(cr->secret_access_key);
	wipe_free(cr->session_token);
	free(cr->source);
	memset(cr, 0, sizeof(*cr));
}

/* Keys and tokens go into headers: printable ASCII, no blanks. */
static int
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

int
aws_credentials_set(struct aws_credentials *cr, const char *id,
    const char *secret, const char *token, const char *source)
{
	if (!printable(id) || !printable(secret) ||
	    (token != NULL && !printable(token))) {
		log_error("%s: the access key, secret or session token holds "
		    "blanks or characters a key cannot hold", source);
		return -1;
	}
	cr->access_key_id = xstrdup(id);
	cr->secret_access_key = xstrdup(secret);
	cr->session_token = token != NULL && *token != '\0' ?
	    xstrdup(token) : NULL;
	cr->source = xstrdup(source);
	return 1;
}

static int
from_env(struct aws_credentials *cr)
{
	const char	*id = aws_env("AWS_ACCESS_KEY_ID");
	const char	*secret = aws_env("AWS_SECRET_ACCESS_KEY");
	const char	*token = aws_env("AWS_SESSION_TOKEN");

	if (token == NULL)
		token = aws_env("AWS_SECURITY_TOKEN");	/* the older name */
	if (id == NULL && secret == NULL)
		return 0;
	if (id == NULL || secret == NULL) {
		log_error("AWS credentials in the environment are partial: %s "
		    "is not set", id == NULL ? "AWS_ACCESS_KEY_ID" :
		    "AWS_SECRET_ACCESS_KEY");
		return -1;
	}
	return aws_credentials_set(cr, id, secret, token, "the environment");
}

/* Static keys of the profile in one of the two files. */
static int
from_file(const struct aws_config *c, enum aws_file f, const char *profile,
    struct aws_credentials *cr)
{
	const char	*id, *secret, *token, *name;
	char		*source;
	int		 rc;

	name = aws_config_file_name(c, f);
	id = aws_config_file_value(c, f, profile, "aws_access_key_id");
	secret = aws_config_file_value(c, f, profile, "aws_secret_access_key");
	token = aws_config_file_value(c, f, profile, "aws_session_token");
	if (token == NULL)	/* the name botocore first used */
		token = aws_config_file_value(c, f, profile,
		    "aws_security_token");
	if (id == NULL && secret == NULL)
		return 0;
	if (id == NULL || secret == NULL || *id == '\0' || *secret == '\0') {
		log_error("%s: profile %s has %s but no %s", name, profile,
		    id != NULL && *id != '\0' ? "aws_access_key_id" :
		    "aws_secret_access_key", id != NULL && *id != '\0' ?
		    "aws_secret_access_key" : "aws_access_key_id");
		return -1;
	}
	source = xasprintf("%s (profile %s)", name, profile);
	rc = aws_credentials_set(cr, id, secret, token, source);
	free(source);
	return rc;
}

long long
aws_parse_time(const char *s)
{
	struct tm	tm;
	const char	*p;
	long long	t;
	int		n = 0, off = 0;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    n != 19 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60 || tm.tm_year < 1970)
		return -1;
	p = s + n;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
		if (p == s + n + 1)
			return -1;
	}
	if (*p == '+' || *p == '-') {
		int	hh, mm, k = 0;

		if (sscanf(p + 1, "%2d:%2d%n", &hh, &mm, &k) != 2 || k != 5 ||
		    hh > 23 || mm > 59)
			return -1;
		off = (*p == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
		p += 6;
	} else if (*p == 'Z')
		p++;
	else if (strcmp(p, "UTC") == 0)	/* the CLI's cache */
		p += 3;
	else
		return -1;
	if (*p != '\0')
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = (long long)timegm(&tm);
	return t - off;
}

static const char *
str_field(const struct doc *d, const char *key)
{
	const struct doc	*v = doc_map_get(d, key);

	return v != NULL && doc_type(v) == DOC_STR ? doc_str_val(v) : NULL;
}

int
aws_credentials_from_json(const char *text, size_t len, const char *what,
    const char *token_key, int process, struct aws_credentials *cr)
{
	struct doc	*d;
	const struct doc *ver;
	const char	*id, *secret, *token, *exp, *code;
	long long	 t = 0;
	int		 rc = -1;

	if ((d = json_parse(text, len, what)) == NULL)
		return -1;
	if (doc_type(d) != DOC_MAP) {
		log_error("%s: expected a JSON object", what);
		goto out;
	}
	if (process) {
		ver = doc_map_get(d, "Version");
		if (ver == NULL || doc_type(ver) != DOC_INT ||
		    doc_int_val(ver) != 1) {
			log_error("%s: Version must be 1, the only version "
			    "there is", what);
			goto out;
		}
	}
	if ((code = str_field(d, "Code")) != NULL &&
	    strcmp(code, "Success") != 0) {
		log_error("%s: Code is %s, not Success", what, code);
		goto out;
	}
	id = str_field(d, "AccessKeyId");
	secret = str_field(d, "SecretAccessKey");
	token = str_field(d, token_key);
	if (id == NULL || *id == '\0' || secret == NULL || *secret == '\0') {
		log_error("%s: no %s string", what, id == NULL || *id == '\0' ?
		    "AccessKeyId" : "SecretAccessKey");
		goto out;
	}
	if (doc_map_get(d, token_key) != NULL && token == NULL) {
		log_error("%s: %s is not a string", what, token_key);
		goto out;
	}
	if ((exp = str_field(d, "Expiration")) != NULL) {
		if ((t = aws_parse_time(exp)) == -1) {
			log_error("%s: Expiration %s: not an ISO 8601 time "
			    "(2024-05-01T12:00:00Z)", what, exp);
			goto out;
		}
		if (t <= (long long)time(NULL)) {
			log_error("%s: the credentials expired at %s", what, exp);
			goto out;
		}
	}
	if ((rc = aws_credentials_set(cr, id, secret, token, what)) == 1 &&
	    exp != NULL)
		cr->expiration = t;
out:
	doc_free(d);
	return rc;
}

void
aws_format_time(long long t, char out[21])
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		strcpy(out, "1970-01-01T00:00:00Z");
}

/* The first line of what the process said on stderr, for a message. */
static const char *
first_line(struct buf *b)
{
	char	*nl;

	if (b->len == 0)
		return "";
	if ((nl = strchr(b->data, '\n')) != NULL)
		*nl = '\0';
	return b->data;
}

static int
from_process(const struct aws_config *c, const char *profile,
    struct aws_credentials *cr)
{
	const char	*cmd, *why = NULL;
	char		**argv = NULL, *what = NULL, *where;
	struct buf	  out, err;
	int		  status, rc = -1;

	if ((cmd = aws_config_value(c, profile, "credential_process")) == NULL)
		return 0;
	where = aws_config_where(c, profile, "credential_process");
	buf_init(&out, 0);
	buf_init(&err, 0);
	what = xasprintf("credential_process of profile %s (%s)", profile,
	    where);
	free(where);
	if ((argv = proc_split_command(cmd, &why)) == NULL) {
		log_error("%s: %s", what, why);
		goto out;
	}
	log_verbose("running %s", what);
	if (proc_run_captured(argv, what, &out, PROCESS_OUT_MAX, &err,
	    PROCESS_ERR_MAX, &status) == -1)
		goto out;
	if (WIFSIGNALED(status)) {
		log_error("%s: killed by signal %d", what, WTERMSIG(status));
		goto out;
	}
	if (WEXITSTATUS(status) != 0) {
		const char	*said = first_line(&err);

		log_error("%s: exited with status %d%s%s", what,
		    WEXITSTATUS(status), *said != '\0' ? ": " : "", said);
		goto out;
	}
	rc = aws_credentials_from_json(out.data, out.len, what, "SessionToken",
	    1, cr);
out:
	if (out.data != NULL)
		explicit_bzero(out.data, out.len);
	buf_free(&out);
	buf_free(&err);
	proc_free_argv(argv);
	free(what);
	return rc;
}

/*
 * Is the URL's host one the container provider may use over plain
 * http: loopback or link-local (where ECS and EKS serve credentials)?
 */
static int
local_host(const char *url)
{
	const char	*h = strstr(url, "://"), *end;
	char		*host;
	int		 ok = 0;
	unsigned	 a, b, cc, d;
	char		 extra;

	if (h == NULL)
		return 0;
	h += 3;
	if (*h == '[') {
		if ((end = strchr(h, ']')) == NULL)
			return 0;
		host = xstrndup(h + 1, (size_t)(end - h - 1));
		ok = strcmp(host, "::1") == 0 ||
		    strncasecmp(host, "fe80:", 5) == 0 ||
		    strcasecmp(host, "fd00:ec2::23") == 0;
	} else {
		end = h + strcspn(h, ":/?#");
		host = xstrndup(h, (size_t)(end - h));
		if (strcasecmp(host, "localhost") == 0)
			ok = 1;
		else if (sscanf(host, "%u.%u.%u.%u%c", &a, &b, &cc, &d,
		    &extra) == 4 && a < 256 && b < 256 && cc < 256 && d < 256)
			ok = a == 127 || (a == 169 && b == 254);
	}
	free(host);
	return ok;
}

/* The container's authorization token, or NULL; -1 on a bad token file. */
static int
container_token(char **token)
{
	const char	*path = aws_env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char	*v;
	struct buf	 b;
	int		 fd, rc = -1;

	*token = NULL;
	if (path == NULL) {
		v = aws_env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
		if (v != NULL && strpbrk(v, "\r\n") != NULL) {
			log_error("AWS_CONTAINER_AUTHORIZATION_TOKEN: holds a "
			    "line break");
			return -1;
		}
		*token = v != NULL ? xstrdup(v) : NULL;
		return 0;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_error("%s: %s", path, strerror(errno));
		return -1;
	}
	buf_init(&b, 16384);
	if (buf_read_fd(&b, fd) == -1) {
		log_error("%s: %s", path, errno == EOVERFLOW ?
		    "larger than 16 kB; not a token" : strerror(errno));
		goto out;
	}
	while (b.len > 0 && strchr(" \t\r\n", b.data[b.len - 1]) != NULL)
		b.data[--b.len] = '\0';
	if (b.len == 0 || strpbrk(b.data, "\r\n") != NULL ||
	    memchr(b.data, '\0', b.len) != NULL) {
		log_error("%s: not a one-line token", path);
		goto out;
	}
	*token = buf_steal(&b);
	rc = 0;
out:
	explicit_bzero(b.data, b.len);
	buf_free(&b);
	close(fd);
	return rc;
}

static int
from_container(struct http *h, struct aws_credentials *cr)
{
	const char		*rel = aws_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char		*full = aws_env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	struct http_header	 auth = { "Authorization", NULL, 1 };
	struct http_request	 req;
	struct http_response	 resp;
	char			*url, *token = NULL, *what = NULL, *shown;
	int			 rc = -1;

	if (rel == NULL && full == NULL)
		return 0;
	if (rel != NULL)
		url = xasprintf("%s%s%s", ECS_HOST, *rel == '/' ? "" : "/",
		    rel);
	else {
		url = xstrdup(full);
		if (strncmp(url, "https://", 8) != 0 &&
		    (strncmp(url, "http://", 7) != 0 || !local_host(url))) {
			shown = aws_redact_url(url);
			log_error("AWS_CONTAINER_CREDENTIALS_FULL_URI: %s: must "
			    "be https, or http to a loopback or link-local "
			    "address", shown);
			free(shown);
			free(url);
			return -1;
		}
	}
	shown = aws_redact_url(url);
	if (container_token(&token) == -1)
		goto done;
	what = xasprintf("container credentials (%s)", shown);
	memset(&req, 0, sizeof(req));
	req.method = HTTP_GET;
	req.url = url;
	if (token != NULL) {
		auth.value = token;
		req.headers = &auth;
		req.nheaders = 1;
	}
	req.retry = 1;
	req.connect_ms = 2000;
	req.total_ms = CONTAINER_TIMEOUT_MS;
	req.secret_query = 1;
	req.body_max = 64 * 1024;
	if (http_do(h, &req, &resp) == 0) {
		if (resp.status == 200)
			rc = aws_credentials_from_json(resp.body.data,
			    resp.body.len, what, "Token", 0, cr);
		else
			log_error("container credentials: %s: HTTP %ld %s",
			    shown, resp.status, http_status_text(resp.status));
	}
	explicit_bzero(resp.body.data, resp.body.len);
	http_response_free(&resp);
done:
	wipe_free(token);
	free(what);
	free(shown);
	free(url);
	return rc;
}

/*
 * One IMDS request: 0 and the body on 200; 1 on another status; -1
 * failed (quietly: no IMDS may be there); -2 the reply does not fit in
 * body's cap (reported).
 */
static int
imds(struct http *h, enum http_method m, const char *url,
    const struct http_header *hd, struct buf *body)
{
	struct http_request	req;
	struct http_response	resp;
	int			rc;

	memset(&req, 0, sizeof(req));
	req.method = m;
	req.url = url;
	req.headers = hd;
	req.nheaders = 1;
	req.connect_ms = IMDS_TIMEOUT_MS;
	req.total_ms = IMDS_TIMEOUT_MS;
	req.body_max = 64 * 1024;
	req.quiet = 1;
	if (http_do(h, &req, &resp) == -1) {
		http_response_free(&resp);
		return -1;
	}
	rc = resp.status == 200 ? 0 : 1;
	if (rc == 1)
		log_verbose("%s: HTTP %ld", url, resp.status);
	else if (buf_add(body, resp.body.data, resp.body.len) == -1) {
		log_error("%s: reply longer than %zu bytes", url, body->max);
		rc = -2;
	}
	explicit_bzero(resp.body.data, resp.body.len);
	http_response_free(&resp);
	return rc;
}

static int
from_imds(struct http *h, struct aws_credentials *cr)
{
	const char		*base = aws_env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	struct http_header	 hd;
	struct buf		 token, roles, body;
	char			*url = NULL, *role, *what = NULL;
	size_t			 n;
	int			 rc = 0, r;

	if (aws_env_true("AWS_EC2_METADATA_DISABLED"))
		return 0;
	if (base == NULL)
		base = IMDS_HOST;
	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	buf_init(&token, 4096);
	buf_init(&roles, 4096);
	buf_init(&body, 64 * 1024);
	url = xasprintf("%.*s/latest/api/token", (int)n, base);
	hd = (struct http_header){ "X-aws-ec2-metadata-token-ttl-seconds",
	    "21600", 0 };
	if ((r = imds(h, HTTP_PUT, url, &hd, &token)) == -2)
		goto fail;
	if (r != 0 || token.len == 0) {
		log_verbose("no EC2 instance metadata service at %.*s",
		    (int)n, base);
		goto out;
	}
	hd = (struct http_header){ "X-aws-ec2-metadata-token", token.data, 1 };
	free(url);
	url = xasprintf("%.*s/latest/meta-data/iam/security-credentials/",
	    (int)n, base);
	if ((r = imds(h, HTTP_GET, url, &hd, &roles)) == -2)
		goto fail;
	if (r != 0) {
		log_verbose("the EC2 instance has no IAM role");
		goto out;
	}
	role = roles.data;
	if (roles.len > 0)
		role[strcspn(role, "\r\n")] = '\0';
	if (*role == '\0' || strchr(role, '/') != NULL || !printable(role)) {
		log_verbose("the EC2 instance has no IAM role");
		goto out;
	}
	free(url);
	url = xasprintf("%.*s/latest/meta-data/iam/security-credentials/%s",
	    (int)n, base, role);
	what = xasprintf("EC2 instance metadata (role %s)", role);
	switch (imds(h, HTTP_GET, url, &hd, &body)) {
	case 0:
		rc = aws_credentials_from_json(body.data, body.len, what, "Token",
		    0, cr);
		break;
	case 1:
		log_error("%s: the role's credentials are not available", what);
		rc = -1;
		break;
	case -2:
		rc = -1;
		break;
	default:
		log_error("%s: the metadata service stopped answering", what);
		rc = -1;
		break;
	}
	goto out;
fail:
	rc = -1;
out:
	explicit_bzero(token.data, token.len);
	explicit_bzero(body.data, body.len);
	buf_free(&token);
	buf_free(&roles);
	buf_free(&body);
	free(what);
	free(url);
	return rc;
}


char *
aws_redact_url(const char *url)
{
	const char	*a, *at, *end, *host, *q;

	a = strstr(url, "://");
	a = a != NULL ? a + 3 : url;
	end = a + strcspn(a, "/?#");
	/* user:password@ before the host */
	at = memchr(a, '@', (size_t)(end - a));
	host = at != NULL ? at + 1 : a;
	q = host + strcspn(host, "?#");
	return xasprintf("%.*s%.*s%s", (int)(a - url), url, (int)(q - host),
	    host, *q != '\0' ? "?REDACTED" : "");
}

/* One UTF-8 sequence at s as a code point; *n its length; -1 if bad. */
static long
utf8_next(const unsigned char *s, size_t *n)
{
	long	cp;
	size_t	len, i;

	if (s[0] < 0x80) {
		*n = 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return -1;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	*n = len;
	return cp;
}

int
aws_json_quote(struct buf *b, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	const char		*esc;
	size_t			 n;
	long			 cp;
	int			 rc;

	if (buf_addc(b, '"') == -1)
		return -1;
	while (*p != '\0') {
		if ((cp = utf8_next(p, &n)) == -1) {
			cp = 0xfffd;
			n = 1;
		}
		p += n;
		switch (cp) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		case '\b':
			esc = "\\b";
			break;
		case '\f':
			esc = "\\f";
			break;
		default:
			esc = NULL;
		}
		if (esc != NULL)
			rc = buf_adds(b, esc);
		else if (cp >= 0x20 && cp < 0x7f)
			rc = buf_addc(b, (int)cp);
		else if (cp < 0x10000)
			rc = buf_addf(b, "\\u%04lx", cp);
		else {
			cp -= 0x10000;
			rc = buf_addf(b, "\\u%04lx\\u%04lx",
			    0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
		}
		if (rc == -1)
			return -1;
	}
	return buf_addc(b, '"');
}

int
aws_json_member(struct buf *b, const char *sep, const char *key,
    const char *value)
{
	if (buf_addf(b, "%s\"%s\": ", sep, key) == -1 ||
	    aws_json_quote(b, value) == -1)
		return -1;
	return 0;
}

char *
aws_cli_cache_key(const char *role_arn, const char *session_name,
    const char *external_id, const char *serial_number,
    long duration_seconds)
{
	struct buf	 b;
	unsigned char	 md[SHA1_LEN];
	char		 hex[SHA1_LEN * 2 + 1], *r = NULL;
	const char	*sep = "";

	/* json.dumps(args, sort_keys=True): keys in code point order */
	buf_init(&b, 0);	/* no cap: these adds cannot fail */
	if (buf_addc(&b, '{') == -1)
		goto out;
	if (duration_seconds > 0) {
		if (buf_addf(&b, "\"DurationSeconds\": %ld",
		    duration_seconds) == -1)
			goto out;
		sep = ", ";
	}
	if (external_id != NULL) {
		if (aws_json_member(&b, sep, "ExternalId", external_id) == -1)
			goto out;
		sep = ", ";
	}
	if (aws_json_member(&b, sep, "RoleArn", role_arn) == -1 ||
	    (session_name != NULL &&
	    aws_json_member(&b, ", ", "RoleSessionName", session_name) == -1) ||
	    (serial_number != NULL &&
	    aws_json_member(&b, ", ", "SerialNumber", serial_number) == -1) ||
	    buf_addc(&b, '}') == -1)
		goto out;
	sha1_buf(b.data, b.len, md);
	hex_encode(md, sizeof(md), hex);
	r = xstrdup(hex);
out:
	buf_free(&b);
	return r;
}

/* ~/.aws/cli/cache/<key>.json, or NULL without HOME or key. */
static char *
cli_cache_path(const char *key)
{
	const char	*home = aws_env("HOME");

	if (home == NULL || key == NULL)
		return NULL;
	return xasprintf("%s/.aws/cli/cache/%s.json", home, key);
}

/*
 * Role credentials from the CLI's cache while more than 15 minutes
 * remain: 1 found, 0 not (a missing, unreadable or stale entry is not an
 * error: the CLI ignores those too).
 */
static int
cache_read(const char *path, const char *source, struct aws_credentials *cr)
{
	struct buf	 b;
	struct doc	*d = NULL;
	const struct doc *c;
	const char	*id, *secret, *token, *exp;
	long long	 t;
	int		 fd, rc = 0, level;

	if (path == NULL || (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	buf_init(&b, 64 * 1024);
	if (buf_read_fd(&b, fd) == -1) {
		log_verbose("%s: %s; not used", path, strerror(errno));
		goto out;
	}
	/* A damaged entry is replaced, not reported. */
	level = log_get_level();
	log_set_level(LOG_SILENT);
	d = json_parse(b.data, b.len, path);
	log_set_level(level);
	if (d == NULL || doc_type(d) != DOC_MAP ||
	    (c = doc_map_get(d, "Credentials")) == NULL ||
	    doc_type(c) != DOC_MAP) {
		log_verbose("%s: not a credentials cache entry; not used",
		    path);
		goto out;
	}
	id = str_field(c, "AccessKeyId");
	secret = str_field(c, "SecretAccessKey");
	token = str_field(c, "SessionToken");
	exp = str_field(c, "Expiration");
	if (id == NULL || secret == NULL || exp == NULL ||
	    (t = aws_parse_time(exp)) == -1) {
		log_verbose("%s: not a credentials cache entry; not used",
		    path);
		goto out;
	}
	if (t - (long long)time(NULL) < CACHE_WINDOW) {
		log_verbose("%s: expires at %s; not used", path, exp);
		goto out;
	}
	if ((rc = aws_credentials_set(cr, id, secret, token, source)) == 1) {
		cr->expiration = t;
		log_verbose("%s: cached credentials, valid until %s", path,
		    exp);
	} else
		rc = 0;
out:
	doc_free(d);
	explicit_bzero(b.data, b.len);
	buf_free(&b);
	close(fd);
	return rc;
}

/* Writes the CLI's cache entry (mode 0600, atomically); failure warns. */
static void
cache_write(const char *path, const struct aws_credentials *cr)
{
	struct buf	 b;
	char		 exp[21], *dir;
	int		 e;

	if (path == NULL || cr->expiration <= 0)
		return;
	dir = xstrndup(path, (size_t)(strrchr(path, '/') - path));
	if (mkdir_p(dir) == -1) {
		free(dir);
		return;
	}
	free(dir);
	aws_format_time(cr->expiration, exp);
	buf_init(&b, 0);	/* no cap: these adds cannot fail */
	if (buf_adds(&b, "{\"Credentials\": {") == -1 ||
	    aws_json_member(&b, "", "AccessKeyId", cr->access_key_id) == -1 ||
	    aws_json_member(&b, ", ", "SecretAccessKey",
	    cr->secret_access_key) == -1 ||
	    aws_json_member(&b, ", ", "SessionToken",
	    cr->session_token != NULL ? cr->session_token : "") == -1 ||
	    buf_addf(&b, ", \"Expiration\": \"%s\"}}", exp) == -1)
		log_warn("%s: %s; the credentials are not cached", path,
		    strerror(errno));
	else if ((e = outfile_put_quiet(path, b.data, b.len, 0600)) != 0)
		log_warn("%s: %s; the credentials are not cached", path,
		    strerror(e));
	explicit_bzero(b.data, b.len);
	buf_free(&b);
}

static int	profile_providers(struct search *, const char *,
		    struct aws_credentials *);
static int	assume_role(struct search *, const char *,
		    struct aws_credentials *);

static int
has_static(const struct aws_config *c, const char *profile)
{
	return aws_config_value(c, profile, "aws_access_key_id") != NULL ||
	    aws_config_value(c, profile, "aws_secret_access_key") != NULL;
}

/* role_arn without web_identity_token_file: the assume-role provider. */
static int
has_role(const struct aws_config *c, const char *profile)
{
	return aws_config_value(c, profile, "role_arn") != NULL &&
	    aws_config_value(c, profile, "web_identity_token_file") == NULL;
}

/*
 * "a -> b -> a" for the cycle message; caller frees. Only last if the
 * chain does not fit in memory.
 */
static char *
chain_text(const struct search *s, const char *last)
{
	struct buf	b;
	size_t		i;

	buf_init(&b, 0);	/* no cap: these adds cannot fail */
	for (i = 0; i < s->nvisited; i++)
		if (buf_addf(&b, "%s -> ", s->visited[i]) == -1)
			goto fail;
	if (buf_adds(&b, last) == -1)
		goto fail;
	return buf_steal(&b);
fail:
	buf_free(&b);
	return xstrdup(last);
}

/* The credentials that sign profile's AssumeRole call. */
static int
source_credentials(struct search *s, const char *profile,
    struct aws_credentials *cr)
{
	const struct aws_config	*c = s->c;
	const char	*src = aws_config_value(c, profile, "source_profile");
	const char	*cs = aws_config_value(c, profile, "credential_source");
	char		*where, *chain;
	int		 rc;
	size_t		 i;

	if (src != NULL && cs != NULL) {
		where = aws_config_where(c, profile, "credential_source");
		log_error("%s: profile %s has both source_profile and "
		    "credential_source; keep one", where, profile);
		free(where);
		return -1;
	}
	if (src == NULL && cs == NULL) {
		where = aws_config_where(c, profile, "role_arn");
		log_error("%s: profile %s has role_arn but neither "
		    "source_profile nor credential_source", where, profile);
		free(where);
		return -1;
	}
	if (cs != NULL) {
		if (strcasecmp(cs, "Environment") == 0)
			rc = from_env(cr);
		else if (strcasecmp(cs, "Ec2InstanceMetadata") == 0)
			rc = from_imds(s->h, cr);
		else if (strcasecmp(cs, "EcsContainer") == 0)
			rc = from_container(s->h, cr);
		else {
			where = aws_config_where(c, profile,
			    "credential_source");
			log_error("%s: credential_source %s of profile %s: not "
			    "one of Environment, Ec2InstanceMetadata, "
			    "EcsContainer", where, cs, profile);
			free(where);
			return -1;
		}
		if (rc == 0)
			log_error("profile %s: credential_source %s: found no "
			    "credentials", profile, cs);
		return rc == 1 ? 1 : -1;
	}
	if (!aws_config_has_profile(c, src)) {
		where = aws_config_where(c, profile, "source_profile");
		log_error("%s: source_profile %s of profile %s: no such "
		    "profile", where, src, profile);
		free(where);
		return -1;
	}
	for (i = 0; i < s->nvisited; i++)
		if (strcmp(s->visited[i], src) == 0)
			break;
	if (i < s->nvisited && !(strcmp(src, profile) == 0 &&
	    has_static(c, src))) {
		chain = chain_text(s, src);
		log_error("profiles %s: source_profile goes round in a cycle",
		    chain);
		free(chain);
		return -1;
	}
	if (s->nvisited == MAX_CHAIN) {
		chain = chain_text(s, src);
		log_error("profiles %s: more than %d source_profile links",
		    chain, MAX_CHAIN);
		free(chain);
		return -1;
	}
	s->visited[s->nvisited++] = src;
	if (has_static(c, src) || !has_role(c, src)) {
		if ((rc = profile_providers(s, src, cr)) == 0)
			log_error("source_profile %s of profile %s: has no "
			    "credentials", src, profile);
		return rc == 1 ? 1 : -1;
	}
	return assume_role(s, src, cr);
}

/* A whole number of seconds in a profile, or -1 (reported). */
static long
profile_seconds(const struct aws_config *c, const char *profile,
    const char *key)
{
	const char	*v = aws_config_value(c, profile, key);
	char		*end, *where;
	long		 n;

	if (v == NULL)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < 900 ||
	    n > 43200) {
		where = aws_config_where(c, profile, key);
		log_error("%s: %s %s: expected seconds from 900 to 43200",
		    where, key, v);
		free(where);
		return -1;
	}
	return n;
}

/* The MFA code for serial, read from the terminal; NULL (reported). */
static char *
mfa_code(const char *profile, const char *serial)
{
	char	line[64];
	FILE	*tty;
	size_t	n;

	if (!isatty(STDIN_FILENO) || (tty = fopen("/dev/tty", "r+")) == NULL) {
		log_error("profile %s: mfa_serial %s needs an MFA code, and "
		    "there is no terminal to ask on; run `aws sts "
		    "get-caller-identity --profile %s` first (the AWS CLI's "
		    "cache is shared)", profile, serial, profile);
		return NULL;
	}
	fprintf(tty, "Enter MFA code for %s: ", serial);
	fflush(tty);
	if (fgets(line, sizeof(line), tty) == NULL) {
		fclose(tty);
		log_error("profile %s: no MFA code entered", profile);
		return NULL;
	}
	fclose(tty);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (n < 6 || strspn(line, "0123456789") != n) {
		log_error("profile %s: the MFA code must be digits", profile);
		return NULL;
	}
	return xstrdup(line);
}

static int
assume_role(struct search *s, const char *profile, struct aws_credentials *cr)
{
	const struct aws_config	*c = s->c;
	struct aws_credentials	 src;
	struct sts_role_request	 rq;
	const char		*name;
	char			*key = NULL, *path = NULL, *source = NULL;
	char			*session = NULL, *code = NULL;
	long			 dur;
	int			 rc = -1;

	memset(&src, 0, sizeof(src));
	memset(&rq, 0, sizeof(rq));
	if (s->nvisited == 0)
		s->visited[s->nvisited++] = profile;
	rq.role_arn = aws_config_value(c, profile, "role_arn");
	rq.external_id = aws_config_value(c, profile, "external_id");
	rq.serial_number = aws_config_value(c, profile, "mfa_serial");
	name = aws_config_value(c, profile, "role_session_name");
	if ((dur = profile_seconds(c, profile, "duration_seconds")) == -1)
		return -1;
	rq.duration_seconds = dur;
	source = xasprintf("role %s of profile %s", rq.role_arn, profile);
	key = aws_cli_cache_key(rq.role_arn, name, rq.external_id,
	    rq.serial_number, dur);
	path = cli_cache_path(key);
	if (cache_read(path, source, cr) == 1) {
		rc = 1;
		goto out;
	}
	if (source_credentials(s, profile, &src) != 1)
		goto out;
	session = name != NULL ? xstrdup(name) :
	    xasprintf("botocore-session-%lld", (long long)time(NULL));
	rq.session_name = session;
	rq.what = source;
	if (rq.serial_number != NULL &&
	    (code = mfa_code(profile, rq.serial_number)) == NULL)
		goto out;
	rq.token_code = code;
	log_verbose("assuming %s, signed with credentials from %s", source,
	    src.source);
	if ((rc = sts_assume_role(c, &src, s->h, &rq, cr)) == 0) {
		cache_write(path, cr);
		rc = 1;
	}
out:
	aws_credentials_free(&src);
	free(key);
	free(path);
	free(source);
	free(session);
	free(code);
	return rc;
}

/* The web identity token: the file's one line, whitespace trimmed. */
static char *
read_token_file(const char *path)
{
	struct buf	 b;
	char		*r = NULL;
	size_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_error("%s: %s (the web identity token file)", path,
		    strerror(errno));
		return NULL;
	}
	buf_init(&b, TOKEN_FILE_MAX);
	if (buf_read_fd(&b, fd) == -1) {
		log_error("%s: %s", path, errno == EOVERFLOW ?
		    "larger than 64 kB; not a web identity token" :
		    strerror(errno));
		goto out;
	}
	while (b.len > 0 && strchr(" \t\r\n", b.data[b.len - 1]) != NULL)
		b.data[--b.len] = '\0';
	/* A JWT: three base64url parts joined by dots. */
	n = strspn(b.data, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_.=");
	if (b.len == 0 || n != b.len || memchr(b.data, '\0', b.len) != NULL ||
	    strchr(b.data, '.') == NULL ||
	    strchr(strchr(b.data, '.') + 1, '.') == NULL) {
		log_error("%s: not a web identity token (a JWT: three "
		    "base64url parts joined by dots)", path);
		goto out;
	}
	r = buf_steal(&b);
out:
	explicit_bzero(b.data, b.len);
	buf_free(&b);
	close(fd);
	return r;
}

/* key from the environment (when allowed), else from the profile. */
static const char *
web_setting(const struct aws_config *c, const char *profile, int use_env,
    const char *key, const char *var, const char **from)
{
	const char	*v;

	if (use_env && (v = aws_env(var)) != NULL) {
		*from = "the environment";
		return v;
	}
	*from = "profile";
	return aws_config_value(c, profile, key);
}

static int
web_identity(struct search *s, const char *profile, int use_env,
    struct aws_credentials *cr)
{
	const struct aws_config	*c = s->c;
	struct sts_role_request	 rq;
	const char		*file, *name, *from_file, *from_arn, *from;
	char			*key = NULL, *path = NULL, *source = NULL;
	char			*session = NULL, *token = NULL;
	int			 rc = -1;

	memset(&rq, 0, sizeof(rq));
	if ((file = web_setting(c, profile, use_env, "web_identity_token_file",
	    "AWS_WEB_IDENTITY_TOKEN_FILE", &from_file)) == NULL ||
	    *file == '\0')
		return 0;
	if ((rq.role_arn = web_setting(c, profile, use_env, "role_arn",
	    "AWS_ROLE_ARN", &from_arn)) == NULL || *rq.role_arn == '\0') {
		log_error("web identity token file %s (from %s%s%s): no role "
		    "to assume: set AWS_ROLE_ARN or role_arn in the profile",
		    file, from_file, *from_file == 'p' ? " " : "",
		    *from_file == 'p' ? profile : "");
		return -1;
	}
	name = web_setting(c, profile, use_env, "role_session_name",
	    "AWS_ROLE_SESSION_NAME", &from);
	source = strcmp(from_arn, "the environment") == 0 ?
	    xasprintf("web identity role %s (AWS_ROLE_ARN)", rq.role_arn) :
	    xasprintf("web identity role %s of profile %s", rq.role_arn,
	    profile);
	key = aws_cli_cache_key(rq.role_arn, name, NULL, NULL, 0);
	path = cli_cache_path(key);
	if (cache_read(path, source, cr) == 1) {
		rc = 1;
		goto out;
	}
	/* Read for every call: the platform rotates it. */
	if ((token = read_token_file(file)) == NULL)
		goto out;
	session = name != NULL ? xstrdup(name) :
	    xasprintf("botocore-session-%lld", (long long)time(NULL));
	rq.session_name = session;
	rq.web_identity_token = token;
	rq.what = source;
	log_verbose("assuming %s with the token in %s", source, file);
	if ((rc = sts_assume_role(c, NULL, s->h, &rq, cr)) == 0) {
		cache_write(path, cr);
		rc = 1;
	}
out:
	wipe_free(token);
	free(key);
	free(path);
	free(source);
	free(session);
	return rc;
}

/* Providers 3 to 7 for a profile (the environment's settings ignored). */
static int
profile_providers(struct search *s, const char *profile,
    struct aws_credentials *cr)
{
	int	rc;

	if ((rc = web_identity(s, profile, 0, cr)) == 0 &&
	    (rc = sso_credentials(s->c, s->h, profile, cr)) == 0 &&
	    (rc = from_file(s->c, AWS_FILE_CREDENTIALS, profile, cr)) == 0 &&
	    (rc = from_process(s->c, profile, cr)) == 0)
		rc = from_file(s->c, AWS_FILE_CONFIG, profile, cr);
	return rc;
}

int
aws_credentials_load(const struct aws_config *c, struct http *h,
    struct aws_credentials *cr)
{
	struct search	 s;
	const char	*profile = aws_config_profile(c);
	int		 rc = 0, use_env = !aws_config_profile_flag(c);

	memset(cr, 0, sizeof(*cr));
	memset(&s, 0, sizeof(s));
	s.c = c;
	s.h = h;
	if (use_env)
		rc = from_env(cr);
	if (rc == 0 && has_role(c, profile))
		rc = assume_role(&s, profile, cr);
	if (rc == 0 && (rc = web_identity(&s, profile, use_env, cr)) == 0 &&
	    (rc = sso_credentials(c, h, profile, cr)) == 0 &&
	    (rc = from_file(c, AWS_FILE_CREDENTIALS, profile, cr)) == 0 &&
	    (rc = from_process(c, profile, cr)) == 0 &&
	    (rc = from_file(c, AWS_FILE_CONFIG, profile, cr)) == 0 &&
	    (rc = from_container(h, cr)) == 0)
		rc = from_imds(h, cr);
	if (rc == 0)
		log_error("no AWS credentials: set AWS_ACCESS_KEY_ID and "
		    "AWS_SECRET_ACCESS_KEY, or configure profile %s in %s or %s "
		    "(aws configure)", profile,
		    aws_config_file_name(c, AWS_FILE_CREDENTIALS),
		    aws_config_file_name(c, AWS_FILE_CONFIG));
	if (rc != 1) {
		aws_credentials_free(cr);
		return -1;
	}
	log_verbose("AWS credentials from %s%s", cr->source,
	    cr->session_token != NULL ? " (with a session token)" : "");
	return 0;
}
