/*
 * The AWS settings of a run: profile, region, endpoints, credentials (the
 * order is in aws_config.h). Each credential provider answers 1 (found),
 * 0 (does not apply: try the next) or -1 (applies and failed: reported).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "aws_config.h"
#include "buf.h"
#include "doc.h"
#include "http.h"
#include "ini.h"
#include "json.h"
#include "log.h"
#include "options.h"
#include "xalloc.h"

extern char	**environ;

#define ECS_HOST		"http://169.254.170.2"
#define IMDS_HOST		"http://169.254.169.254"
#define IMDS_TIMEOUT_MS		1000
#define CONTAINER_TIMEOUT_MS	5000
#define PROCESS_OUT_MAX		(1024 * 1024)
#define PROCESS_ERR_MAX		4096

struct aws_config {
	char		*profile;
	int		 profile_flag;		/* --profile given */
	char		*region;
	char		*s3_endpoint;
	char		*sts_endpoint;
	struct ini	*creds_file;
	struct ini	*config_file;
	long		 creds_sec;		/* the profile's section, or -1 */
	long		 config_sec;
};

/* An environment variable, NULL when unset or empty. */
static const char *
env(const char *name)
{
	const char	*v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

static int
env_true(const char *name)
{
	const char	*v = env(name);

	return v != NULL && strcasecmp(v, "true") == 0;
}

/* $VAR (with a leading ~/ expanded), else ~/.aws/leaf; NULL without HOME. */
static char *
file_path(const char *var, const char *leaf)
{
	const char	*v = env(var), *home = env("HOME");

	if (v != NULL) {
		if (strncmp(v, "~/", 2) == 0 && home != NULL)
			return xasprintf("%s/%s", home, v + 2);
		return xstrdup(v);
	}
	return home != NULL ? xasprintf("%s/.aws/%s", home, leaf) : NULL;
}

static struct ini *
load(const char *var, const char *leaf)
{
	struct ini	*ini;
	char		*path = file_path(var, leaf);

	ini = path != NULL ? ini_load(path) : ini_parse("", 0, "(none)");
	free(path);
	return ini;
}

static int
blank(int c)
{
	return c == ' ' || c == '\t';
}

/* "[profile NAME]", or "[default]" for the default profile. */
static long
config_section(const struct ini *ini, const char *profile)
{
	const char	*name, *rest;
	size_t		 i;

	for (i = 0; i < ini_nsections(ini); i++) {
		name = ini_section_name(ini, i);
		if (strcmp(profile, "default") == 0 &&
		    strcmp(name, "default") == 0)
			return (long)i;
		if (strncmp(name, "profile", 7) != 0 || !blank(name[7]))
			continue;
		for (rest = name + 7; blank(*rest); rest++)
			;
		if (strcmp(rest, profile) == 0)
			return (long)i;
	}
	return -1;
}

static long
creds_section(const struct ini *ini, const char *profile)
{
	size_t	i;

	for (i = 0; i < ini_nsections(ini); i++)
		if (strcmp(ini_section_name(ini, i), profile) == 0)
			return (long)i;
	return -1;
}

/* key in the profile's section of the config file, or NULL. */
static const char *
config_value(const struct aws_config *c, const char *key)
{
	if (c->config_sec < 0)
		return NULL;
	return ini_value(c->config_file, (size_t)c->config_sec, key);
}

/* An http(s) URL without blanks or controls; trailing slashes dropped. */
static char *
clean_endpoint(const char *url, const char *from)
{
	const char	*why;
	size_t		 n;

	/* options.c's rule, so a value means the same from any source. */
	if ((why = endpoint_url_problem(url)) != NULL) {
		log_usage("%s: %s: %s", from, url, why);
		return NULL;
	}
	n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		n--;
	return xstrndup(url, n);
}

/*
 * The endpoint of a service: flag (S3 only), AWS_ENDPOINT_URL_<ID>,
 * AWS_ENDPOINT_URL, the profile's endpoint_url. 0 with *out NULL: AWS.
 */
static int
endpoint(const struct aws_config *c, const char *flag, const char *idvar,
    char **out)
{
	const char	*v, *from;
	char		*where = NULL;

	*out = NULL;
	if (flag != NULL) {
		v = flag;
		from = "--endpoint-url";
	} else if (env_true("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))
		return 0;
	else if ((v = env(idvar)) != NULL)
		from = idvar;
	else if ((v = env("AWS_ENDPOINT_URL")) != NULL)
		from = "AWS_ENDPOINT_URL";
	else if ((v = config_value(c, "endpoint_url")) != NULL && *v != '\0') {
		where = xasprintf("%s:%d", ini_name(c->config_file),
		    ini_line(c->config_file, (size_t)c->config_sec,
		    "endpoint_url"));
		from = where;
	} else
		return 0;
	*out = clean_endpoint(v, from);
	free(where);
	return *out != NULL ? 0 : -1;
}

struct aws_config *
aws_config_new(const char *profile, const char *region,
    const char *endpoint_url)
{
	struct aws_config	*c;
	const char		*v, *from = NULL;
	char			*where = NULL;

	c = xcalloc(1, sizeof(*c));
	c->creds_sec = c->config_sec = -1;
	c->profile_flag = profile != NULL;
	if (profile == NULL)
		profile = env("AWS_PROFILE");
	c->profile = xstrdup(profile != NULL ? profile : "default");
	if ((c->creds_file = load("AWS_SHARED_CREDENTIALS_FILE",
	    "credentials")) == NULL ||
	    (c->config_file = load("AWS_CONFIG_FILE", "config")) == NULL)
		goto fail;
	c->creds_sec = creds_section(c->creds_file, c->profile);
	c->config_sec = config_section(c->config_file, c->profile);
	if (profile != NULL && c->creds_sec < 0 && c->config_sec < 0) {
		log_usage("profile %s: not found in %s or %s%s", c->profile,
		    ini_name(c->creds_file), ini_name(c->config_file),
		    c->profile_flag ? "" : " (named by AWS_PROFILE)");
		goto fail;
	}

	if ((v = region) != NULL)
		from = "--region";
	else if ((v = env("AWS_REGION")) != NULL)
		from = "AWS_REGION";
	else if ((v = env("AWS_DEFAULT_REGION")) != NULL)
		from = "AWS_DEFAULT_REGION";
	else if ((v = config_value(c, "region")) != NULL && *v != '\0')
		from = where = xasprintf("%s:%d", ini_name(c->config_file),
		    ini_line(c->config_file, (size_t)c->config_sec, "region"));
	else {
		log_usage("no AWS region: pass --region, set AWS_REGION, or "
		    "set region in profile %s of %s", c->profile,
		    ini_name(c->config_file));
		goto fail;
	}
	if (valid_region(v) == -1) {
		log_usage("%s: %s: not an AWS region name (e.g. us-east-1)",
		    from, v);
		goto fail;
	}
	c->region = xstrdup(v);
	log_verbose("AWS region %s (from %s), profile %s", c->region, from,
	    c->profile);
	if (endpoint(c, endpoint_url, "AWS_ENDPOINT_URL_S3",
	    &c->s3_endpoint) == -1 ||
	    endpoint(c, NULL, "AWS_ENDPOINT_URL_STS", &c->sts_endpoint) == -1)
		goto fail;
	free(where);
	return c;
fail:
	free(where);
	aws_config_free(c);
	return NULL;
}

void
aws_config_free(struct aws_config *c)
{
	if (c == NULL)
		return;
	free(c->profile);
	free(c->region);
	free(c->s3_endpoint);
	free(c->sts_endpoint);
	ini_free(c->creds_file);
	ini_free(c->config_file);
	free(c);
}

const char *
aws_config_profile(const struct aws_config *c)
{
	return c->profile;
}

const char *
aws_config_region(const struct aws_config *c)
{
	return c->region;
}

const char *
aws_config_endpoint(const struct aws_config *c, const char *service)
{
	if (strcmp(service, "s3") == 0)
		return c->s3_endpoint;
	if (strcmp(service, "sts") == 0)
		return c->sts_endpoint;
	return NULL;
}

/* --- credentials --- */

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

/*
 * Takes the three values (copies them) after checking them; source names
 * them in messages and, with -v, says where they came from.
 */
static int
set_creds(struct aws_credentials *cr, const char *id, const char *secret,
    const char *token, const char *source)
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
	log_verbose("AWS credentials from %s%s", source,
	    cr->session_token != NULL ? " (with a session token)" : "");
	return 1;
}

static int
from_env(struct aws_credentials *cr)
{
	const char	*id = env("AWS_ACCESS_KEY_ID");
	const char	*secret = env("AWS_SECRET_ACCESS_KEY");
	const char	*token = env("AWS_SESSION_TOKEN");

	if (token == NULL)
		token = env("AWS_SECURITY_TOKEN");	/* the older name */
	if (id == NULL && secret == NULL)
		return 0;
	if (id == NULL || secret == NULL) {
		log_error("AWS credentials in the environment are partial: %s "
		    "is not set", id == NULL ? "AWS_ACCESS_KEY_ID" :
		    "AWS_SECRET_ACCESS_KEY");
		return -1;
	}
	return set_creds(cr, id, secret, token, "the environment");
}

/* aws_access_key_id and friends in the profile's section of one file. */
static int
from_file(const struct aws_config *c, const struct ini *ini, long sec,
    struct aws_credentials *cr)
{
	const char	*id, *secret, *token;
	char		*source;
	int		 rc;

	if (sec < 0)
		return 0;
	id = ini_value(ini, (size_t)sec, "aws_access_key_id");
	secret = ini_value(ini, (size_t)sec, "aws_secret_access_key");
	token = ini_value(ini, (size_t)sec, "aws_session_token");
	if (id == NULL && secret == NULL)
		return 0;
	if (id == NULL || secret == NULL || *id == '\0' || *secret == '\0') {
		log_error("%s: profile %s has %s but no %s", ini_name(ini),
		    c->profile, id != NULL && *id != '\0' ?
		    "aws_access_key_id" : "aws_secret_access_key",
		    id != NULL && *id != '\0' ? "aws_secret_access_key" :
		    "aws_access_key_id");
		return -1;
	}
	source = xasprintf("profile %s in %s", c->profile, ini_name(ini));
	rc = set_creds(cr, id, secret, token, source);
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
	long long	 t;
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
	rc = set_creds(cr, id, secret, token, what);
out:
	doc_free(d);
	return rc;
}

static void
free_argv(char **argv)
{
	size_t	i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

char **
aws_split_command(const char *s, const char **why)
{
	char		**argv = NULL;
	size_t		  argc = 0, cap = 0;
	struct buf	  w;
	int		  in_word = 0;
	char		  q = 0;

	buf_init(&w, 0);
	for (;; s++) {
		if (q == '\'') {
			if (*s == '\0')
				goto unterminated;
			if (*s == '\'')
				q = 0;
			else
				buf_addc(&w, *s);
			continue;
		}
		if (q == '"') {
			if (*s == '\0')
				goto unterminated;
			if (*s == '"')
				q = 0;
			else if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
				buf_addc(&w, *++s);
			else
				buf_addc(&w, *s);
			continue;
		}
		if (*s == '\0' || *s == ' ' || *s == '\t' || *s == '\n' ||
		    *s == '\r') {
			if (in_word) {
				if (argc + 2 > cap) {
					cap = cap ? cap * 2 : 8;
					argv = xreallocarray(argv, cap,
					    sizeof(*argv));
				}
				argv[argc++] = buf_steal(&w);
				argv[argc] = NULL;
				in_word = 0;
			}
			if (*s == '\0')
				break;
			continue;
		}
		in_word = 1;
		if (*s == '\'' || *s == '"')
			q = *s;
		else if (*s == '\\') {
			if (s[1] == '\0') {
				*why = "a backslash at the end";
				goto fail;
			}
			buf_addc(&w, *++s);
		} else
			buf_addc(&w, *s);
	}
	buf_free(&w);
	if (argc == 0) {
		*why = "no command";
		return NULL;
	}
	return argv;
unterminated:
	*why = q == '\'' ? "a ' quote is not closed" : "a \" quote is not closed";
fail:
	buf_free(&w);
	free_argv(argv);
	return NULL;
}

/* Reads what is ready on fd into b (up to max); 0 at end of file. */
static ssize_t
drain(int fd, struct buf *b, size_t max, int *over)
{
	char	chunk[4096];
	ssize_t	r;

	r = read(fd, chunk, sizeof(chunk));
	if (r > 0) {
		if (b->len + (size_t)r > max)
			*over = 1;
		else
			buf_add(b, chunk, (size_t)r);
	}
	return r;
}

/*
 * Runs argv with stdout and stderr captured (stdin inherited, as the AWS
 * CLI does). -1 (reported, naming what) if it cannot be run; else 0 with
 * *status from waitpid.
 */
/*
 * The program a command runs: argv0 itself when it holds a slash, else the
 * first executable of that name on PATH (as execvp looks). NULL with errno
 * set when there is none. Looked up before spawning so that a missing
 * program is named as such on every platform, rather than through the
 * child's exit status.
 */
static char *
find_program(const char *argv0)
{
	const char	*path, *p, *end;
	char		*cand;
	int		 saved = ENOENT;

	if (strchr(argv0, '/') != NULL)
		return access(argv0, X_OK) == 0 ? xstrdup(argv0) : NULL;
	if ((path = getenv("PATH")) == NULL || *path == '\0')
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = end + 1) {
		if ((end = strchr(p, ':')) == NULL)
			end = p + strlen(p);
		/* An empty element is the current directory. */
		cand = end == p ? xasprintf("./%s", argv0) :
		    xasprintf("%.*s/%s", (int)(end - p), p, argv0);
		if (access(cand, X_OK) == 0)
			return cand;
		if (errno != ENOENT && errno != ENOTDIR)
			saved = errno;
		free(cand);
		if (*end == '\0')
			break;
	}
	errno = saved;
	return NULL;
}

static int
run_captured(char **argv, const char *what, struct buf *out, struct buf *err,
    int *status)
{
	posix_spawn_file_actions_t	fa;
	struct pollfd			pfd[2];
	int				po[2] = { -1, -1 }, pe[2] = { -1, -1 };
	int				over = 0, open_fds, rc = -1, e;
	pid_t				pid;
	ssize_t				r;
	char				*prog;

	if ((prog = find_program(argv[0])) == NULL) {
		log_error("%s: %s: %s", what, argv[0], strerror(errno));
		return -1;
	}
	if (pipe2(po, O_CLOEXEC) == -1 || pipe2(pe, O_CLOEXEC) == -1) {
		log_error("%s: %s", what, strerror(errno));
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, po[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, pe[1], STDERR_FILENO);
	e = posix_spawn(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(po[1]);
	close(pe[1]);
	po[1] = pe[1] = -1;
	if (e != 0) {
		log_error("%s: %s: %s", what, argv[0], strerror(e));
		goto out;
	}
	pfd[0].fd = po[0];
	pfd[1].fd = pe[0];
	pfd[0].events = pfd[1].events = POLLIN;
	for (open_fds = 2; open_fds > 0;) {
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			log_error("%s: %s", what, strerror(errno));
			break;
		}
		if (pfd[0].revents != 0) {
			r = drain(po[0], out, PROCESS_OUT_MAX, &over);
			if (r == 0 || (r == -1 && errno != EINTR)) {
				pfd[0].fd = -1;
				open_fds--;
			}
		}
		if (pfd[1].revents != 0) {
			int	ignore = 0;

			r = drain(pe[0], err, PROCESS_ERR_MAX, &ignore);
			if (r == 0 || (r == -1 && errno != EINTR)) {
				pfd[1].fd = -1;
				open_fds--;
			}
		}
	}
	while (waitpid(pid, status, 0) == -1)
		if (errno != EINTR) {
			log_error("%s: waitpid: %s", what, strerror(errno));
			goto out;
		}
	if (open_fds > 0)
		goto out;
	if (over) {
		log_error("%s: printed more than %d bytes", what,
		    PROCESS_OUT_MAX);
		goto out;
	}
	rc = 0;
out:
	free(prog);
	if (po[0] != -1)
		close(po[0]);
	if (pe[0] != -1)
		close(pe[0]);
	if (po[1] != -1)
		close(po[1]);
	if (pe[1] != -1)
		close(pe[1]);
	return rc;
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
from_process(const struct aws_config *c, struct aws_credentials *cr)
{
	const char	*cmd = NULL, *why = NULL, *file = NULL;
	char		**argv = NULL, *what = NULL;
	struct buf	  out, err;
	int		  status, rc = -1, line = 0;

	if (c->creds_sec >= 0 && (cmd = ini_value(c->creds_file,
	    (size_t)c->creds_sec, "credential_process")) != NULL) {
		file = ini_name(c->creds_file);
		line = ini_line(c->creds_file, (size_t)c->creds_sec,
		    "credential_process");
	} else if ((cmd = config_value(c, "credential_process")) != NULL) {
		file = ini_name(c->config_file);
		line = ini_line(c->config_file, (size_t)c->config_sec,
		    "credential_process");
	}
	if (cmd == NULL)
		return 0;
	buf_init(&out, 0);
	buf_init(&err, 0);
	what = xasprintf("credential_process of profile %s (%s:%d)",
	    c->profile, file, line);
	if ((argv = aws_split_command(cmd, &why)) == NULL) {
		log_error("%s: %s", what, why);
		goto out;
	}
	log_verbose("running %s", what);
	if (run_captured(argv, what, &out, &err, &status) == -1)
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
	free_argv(argv);
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
	const char	*path = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char	*v;
	struct buf	 b;
	int		 fd, rc = -1;

	*token = NULL;
	if (path == NULL) {
		v = env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
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
	const char		*rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char		*full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	struct http_header	 auth = { "Authorization", NULL, 1 };
	struct http_request	 req;
	struct http_response	 resp;
	char			*url, *token = NULL, *what = NULL;
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
			log_error("AWS_CONTAINER_CREDENTIALS_FULL_URI: %s: must "
			    "be https, or http to a loopback or link-local "
			    "address", url);
			free(url);
			return -1;
		}
	}
	if (container_token(&token) == -1)
		goto done;
	what = xasprintf("container credentials (%s)", url);
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
	req.body_max = 64 * 1024;
	if (http_do(h, &req, &resp) == 0) {
		if (resp.status == 200)
			rc = aws_credentials_from_json(resp.body.data,
			    resp.body.len, what, "Token", 0, cr);
		else
			http_report_status(&resp, "container credentials");
	}
	explicit_bzero(resp.body.data, resp.body.len);
	http_response_free(&resp);
done:
	wipe_free(token);
	free(what);
	free(url);
	return rc;
}

/* One IMDS request: 0 and the body on 200; 1 on another status; -1 failed. */
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
	else
		buf_add(body, resp.body.data, resp.body.len);
	explicit_bzero(resp.body.data, resp.body.len);
	http_response_free(&resp);
	return rc;
}

static int
from_imds(struct http *h, struct aws_credentials *cr)
{
	const char		*base = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	struct http_header	 hd;
	struct buf		 token, roles, body;
	char			*url = NULL, *role, *what = NULL;
	size_t			 n;
	int			 rc = 0;

	if (env_true("AWS_EC2_METADATA_DISABLED"))
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
	if (imds(h, HTTP_PUT, url, &hd, &token) != 0 || token.len == 0) {
		log_verbose("no EC2 instance metadata service at %.*s",
		    (int)n, base);
		goto out;
	}
	hd = (struct http_header){ "X-aws-ec2-metadata-token", token.data, 1 };
	free(url);
	url = xasprintf("%.*s/latest/meta-data/iam/security-credentials/",
	    (int)n, base);
	if (imds(h, HTTP_GET, url, &hd, &roles) != 0) {
		log_verbose("the EC2 instance has no IAM role");
		goto out;
	}
	role = roles.data;
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
	default:
		log_error("%s: the metadata service stopped answering", what);
		rc = -1;
		break;
	}
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

int
aws_credentials_load(const struct aws_config *c, struct http *h,
    struct aws_credentials *cr)
{
	int	rc = 0;

	memset(cr, 0, sizeof(*cr));
	if (!c->profile_flag)
		rc = from_env(cr);
	if (rc == 0)
		rc = from_file(c, c->creds_file, c->creds_sec, cr);
	if (rc == 0)
		rc = from_file(c, c->config_file, c->config_sec, cr);
	if (rc == 0)
		rc = from_process(c, cr);
	if (rc == 0)
		rc = from_container(h, cr);
	if (rc == 0)
		rc = from_imds(h, cr);
	if (rc == 0)
		log_error("no AWS credentials: set AWS_ACCESS_KEY_ID and "
		    "AWS_SECRET_ACCESS_KEY, or configure profile %s in %s or %s "
		    "(aws configure)", c->profile, ini_name(c->creds_file),
		    ini_name(c->config_file));
	if (rc != 1) {
		aws_credentials_free(cr);
		return -1;
	}
	return 0;
}
