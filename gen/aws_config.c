/*
 * The AWS settings of a run: profile, region, endpoints, and the lookups
 * the credential providers use (the order is in aws_config.h).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws_config.h"
#include "ini.h"
#include "log.h"
#include "options.h"
#include "xalloc.h"

/* The services whose endpoints can be configured. */
static const char *const services[] = {
	"s3", "sts", "sso", "sso-oidc", "cloudformation", "lambda"
};
#define NSERVICES	(sizeof(services) / sizeof(services[0]))

struct aws_config {
	char		*profile;
	int		 profile_flag;		/* --profile given */
	char		*region;
	char		*endpoints[NSERVICES];
	struct ini	*creds_file;
	struct ini	*config_file;
};

const char *
aws_env(const char *name)
{
	const char	*v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

int
aws_env_true(const char *name)
{
	const char	*v = aws_env(name);

	return v != NULL && strcasecmp(v, "true") == 0;
}

/* $VAR (with a leading ~/ expanded), else ~/.aws/leaf; NULL without HOME. */
static char *
file_path(const char *var, const char *leaf)
{
	const char	*v = aws_env(var), *home = aws_env("HOME");

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

/* "[NAME]" of the credentials file. */
static long
creds_section(const struct ini *ini, const char *profile)
{
	size_t	i;

	for (i = 0; i < ini_nsections(ini); i++)
		if (strcmp(ini_section_name(ini, i), profile) == 0)
			return (long)i;
	return -1;
}

/* "[KIND NAME]" of the config file: "sso-session", "services". */
static long
kind_section(const struct ini *ini, const char *kind, const char *name)
{
	const char	*s, *rest;
	size_t		 i, n = strlen(kind);

	for (i = 0; i < ini_nsections(ini); i++) {
		s = ini_section_name(ini, i);
		if (strncmp(s, kind, n) != 0 || !blank(s[n]))
			continue;
		for (rest = s + n; blank(*rest); rest++)
			;
		if (strcmp(rest, name) == 0)
			return (long)i;
	}
	return -1;
}

static const struct ini *
file_ini(const struct aws_config *c, enum aws_file f)
{
	return f == AWS_FILE_CREDENTIALS ? c->creds_file : c->config_file;
}

static long
profile_section(const struct aws_config *c, enum aws_file f,
    const char *profile)
{
	return f == AWS_FILE_CREDENTIALS ? creds_section(c->creds_file,
	    profile) : config_section(c->config_file, profile);
}

const char *
aws_config_file_name(const struct aws_config *c, enum aws_file f)
{
	return ini_name(file_ini(c, f));
}

int
aws_config_has_profile(const struct aws_config *c, const char *profile)
{
	return profile_section(c, AWS_FILE_CREDENTIALS, profile) >= 0 ||
	    profile_section(c, AWS_FILE_CONFIG, profile) >= 0;
}

const char *
aws_config_file_value(const struct aws_config *c, enum aws_file f,
    const char *profile, const char *key)
{
	long	sec = profile_section(c, f, profile);

	return sec < 0 ? NULL : ini_value(file_ini(c, f), (size_t)sec, key);
}

const char *
aws_config_value(const struct aws_config *c, const char *profile,
    const char *key)
{
	const char	*v;

	v = aws_config_file_value(c, AWS_FILE_CREDENTIALS, profile, key);
	return v != NULL ? v : aws_config_file_value(c, AWS_FILE_CONFIG,
	    profile, key);
}

char *
aws_config_where(const struct aws_config *c, const char *profile,
    const char *key)
{
	enum aws_file	f = AWS_FILE_CREDENTIALS;
	long		sec;

	if (aws_config_file_value(c, f, profile, key) == NULL)
		f = AWS_FILE_CONFIG;
	if ((sec = profile_section(c, f, profile)) < 0 ||
	    ini_value(file_ini(c, f), (size_t)sec, key) == NULL)
		return NULL;
	return xasprintf("%s:%d", ini_name(file_ini(c, f)),
	    ini_line(file_ini(c, f), (size_t)sec, key));
}

int
aws_config_has_sso_session(const struct aws_config *c, const char *name)
{
	return kind_section(c->config_file, "sso-session", name) >= 0;
}

const char *
aws_config_sso_session(const struct aws_config *c, const char *name,
    const char *key)
{
	long	sec = kind_section(c->config_file, "sso-session", name);

	return sec < 0 ? NULL : ini_value(c->config_file, (size_t)sec, key);
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
/*
 * The endpoint of a service (see aws_config.h). 0 with *out NULL: AWS's
 * own.
 */
static int
endpoint(const struct aws_config *c, const char *service, const char *flag,
    char **out)
{
	const char	*v = NULL, *from = NULL, *group;
	char		*idvar, *key, *p, *where = NULL;
	long		 sec;

	*out = NULL;
	idvar = xasprintf("AWS_ENDPOINT_URL_%s", service);
	key = xstrdup(service);
	for (p = idvar; *p != '\0'; p++)
		*p = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
	for (p = key; *p != '\0'; p++)
		if (*p == '-')
			*p = '_';
	if (flag != NULL) {
		v = flag;
		from = "--endpoint-url";
	} else if (aws_env_true("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))
		;
	else if ((v = aws_env(idvar)) != NULL)
		from = idvar;
	else if ((group = aws_config_file_value(c, AWS_FILE_CONFIG,
	    c->profile, "services")) != NULL && (sec = kind_section(
	    c->config_file, "services", group)) >= 0 &&
	    (v = ini_subvalue(c->config_file, (size_t)sec, key,
	    "endpoint_url")) != NULL && *v != '\0')
		from = where = xasprintf("%s, [services %s] %s",
		    ini_name(c->config_file), group, key);
	else if ((v = aws_env("AWS_ENDPOINT_URL")) != NULL)
		from = "AWS_ENDPOINT_URL";
	else if ((v = aws_config_file_value(c, AWS_FILE_CONFIG, c->profile,
	    "endpoint_url")) != NULL && *v != '\0')
		from = where = aws_config_where(c, c->profile, "endpoint_url");
	else
		v = NULL;
	if (v != NULL) {
		*out = clean_endpoint(v, from);
		if (*out != NULL)
			log_debug("%s endpoint %s (from %s)", service, *out,
			    from);
	}
	free(where);
	free(idvar);
	free(key);
	return v == NULL || *out != NULL ? 0 : -1;
}

struct aws_config *
aws_config_new(const char *profile, const char *region,
    const char *endpoint_url)
{
	struct aws_config	*c;
	const char		*v, *from = NULL;
	char			*where = NULL;
	size_t			 i;

	c = xcalloc(1, sizeof(*c));
	c->profile_flag = profile != NULL;
	if (profile == NULL)
		profile = aws_env("AWS_PROFILE");
	c->profile = xstrdup(profile != NULL ? profile : "default");
	if ((c->creds_file = load("AWS_SHARED_CREDENTIALS_FILE",
	    "credentials")) == NULL ||
	    (c->config_file = load("AWS_CONFIG_FILE", "config")) == NULL)
		goto fail;
	if (profile != NULL && !aws_config_has_profile(c, c->profile)) {
		log_usage("profile %s: not found in %s or %s%s", c->profile,
		    ini_name(c->creds_file), ini_name(c->config_file),
		    c->profile_flag ? "" : " (named by AWS_PROFILE)");
		goto fail;
	}

	if ((v = region) != NULL)
		from = "--region";
	else if ((v = aws_env("AWS_REGION")) != NULL)
		from = "AWS_REGION";
	else if ((v = aws_env("AWS_DEFAULT_REGION")) != NULL)
		from = "AWS_DEFAULT_REGION";
	else if ((v = aws_config_file_value(c, AWS_FILE_CONFIG, c->profile,
	    "region")) != NULL && *v != '\0')
		from = where = aws_config_where(c, c->profile, "region");
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
	for (i = 0; i < NSERVICES; i++)
		if (endpoint(c, services[i], strcmp(services[i], "s3") == 0 ?
		    endpoint_url : NULL, &c->endpoints[i]) == -1)
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
	size_t	i;

	if (c == NULL)
		return;
	free(c->profile);
	free(c->region);
	for (i = 0; i < NSERVICES; i++)
		free(c->endpoints[i]);
	ini_free(c->creds_file);
	ini_free(c->config_file);
	free(c);
}

const char *
aws_config_profile(const struct aws_config *c)
{
	return c->profile;
}

int
aws_config_profile_flag(const struct aws_config *c)
{
	return c->profile_flag;
}

const char *
aws_config_region(const struct aws_config *c)
{
	return c->region;
}

const char *
aws_config_endpoint(const struct aws_config *c, const char *service)
{
	size_t	i;

	for (i = 0; i < NSERVICES; i++)
		if (strcmp(services[i], service) == 0)
			return c->endpoints[i];
	return NULL;
}
