/*
 * The AWS settings chain: which source wins for the region, the endpoints
 * and the credentials (files and environment only; the providers that
 * need a server or a process are in tests/s3.test), how credential_process
 * is split into words (as Python's shlex.split, which the AWS CLI uses),
 * and the ISO 8601 times of Expiration.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws_config.h"
#include "buf.h"
#include "credentials.h"
#include "proc.h"
#include "log.h"
#include "tap.h"
#include "xalloc.h"

static char	dir[] = "/tmp/cfngen-unit-aws.XXXXXX";
static char	*creds_path, *config_path;

static void
put(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* A clean environment: no AWS_ variable but the two file paths. */
static void
clean_env(void)
{
	static const char *const vars[] = {
		"AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
		"AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL",
		"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_STS",
		"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI",
	};
	size_t	i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
	setenv("AWS_SHARED_CREDENTIALS_FILE", creds_path, 1);
	setenv("AWS_CONFIG_FILE", config_path, 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
}

static const char credentials[] =
    "[default]\n"
    "aws_access_key_id = AKIADEFAULTCREDFILE0\n"
    "aws_secret_access_key = default-secret-credfile\n"
    "[dev]\n"
    "aws_access_key_id = AKIADEVCREDFILE00000\n"
    "aws_secret_access_key = dev-secret-credfile\n"
    "aws_session_token = dev-token\n";

static const char config[] =
    "[default]\n"
    "region = eu-west-1\n"
    "endpoint_url = http://default.example:9000/\n"
    "[profile dev]\n"
    "region = eu-west-2\n"
    "aws_access_key_id = AKIADEVCONFIGFILE000\n"
    "aws_secret_access_key = dev-secret-configfile\n"
    "[profile \t cfgonly]\n"
    "region = ap-south-1\n"
    "aws_access_key_id = AKIACFGONLY000000000\n"
    "aws_secret_access_key = cfgonly-secret\n";

static void
test_region_endpoint(void)
{
	struct aws_config	*c;

	clean_env();
	c = aws_config_new(NULL, NULL, NULL);
	is_str(c ? aws_config_region(c) : NULL, "eu-west-1",
	    "region: the default profile's");
	is_str(c ? aws_config_endpoint(c, "s3") : NULL,
	    "http://default.example:9000", "endpoint: the profile's endpoint_url, "
	    "trailing slash dropped");
	is_str(c ? aws_config_endpoint(c, "sts") : NULL,
	    "http://default.example:9000", "  for STS too");
	aws_config_free(c);

	setenv("AWS_DEFAULT_REGION", "us-west-1", 1);
	c = aws_config_new(NULL, NULL, NULL);
	is_str(c ? aws_config_region(c) : NULL, "us-west-1",
	    "region: AWS_DEFAULT_REGION beats the profile");
	aws_config_free(c);
	setenv("AWS_REGION", "us-west-2", 1);
	c = aws_config_new(NULL, NULL, NULL);
	is_str(c ? aws_config_region(c) : NULL, "us-west-2",
	    "region: AWS_REGION beats AWS_DEFAULT_REGION");
	aws_config_free(c);
	c = aws_config_new(NULL, "ca-central-1", NULL);
	is_str(c ? aws_config_region(c) : NULL, "ca-central-1",
	    "region: --region beats AWS_REGION");
	aws_config_free(c);

	setenv("AWS_ENDPOINT_URL", "http://all.example", 1);
	c = aws_config_new(NULL, NULL, NULL);
	is_str(c ? aws_config_endpoint(c, "s3") : NULL, "http://all.example",
	    "endpoint: AWS_ENDPOINT_URL beats the profile");
	aws_config_free(c);
	setenv("AWS_ENDPOINT_URL_S3", "https://s3only.example/", 1);
	setenv("AWS_ENDPOINT_URL_STS", "https://stsonly.example", 1);
	c = aws_config_new(NULL, NULL, NULL);
	is_str(c ? aws_config_endpoint(c, "s3") : NULL,
	    "https://s3only.example", "endpoint: AWS_ENDPOINT_URL_S3 beats "
	    "AWS_ENDPOINT_URL");
	is_str(c ? aws_config_endpoint(c, "sts") : NULL,
	    "https://stsonly.example", "endpoint: AWS_ENDPOINT_URL_STS for STS");
	aws_config_free(c);
	c = aws_config_new(NULL, NULL, "http://127.0.0.1:5000");
	is_str(c ? aws_config_endpoint(c, "s3") : NULL, "http://127.0.0.1:5000",
	    "endpoint: --endpoint-url beats AWS_ENDPOINT_URL_S3");
	is_str(c ? aws_config_endpoint(c, "sts") : NULL,
	    "https://stsonly.example", "  and is for S3 only");
	aws_config_free(c);
	c = aws_config_new(NULL, NULL, "http://user:pw@127.0.0.1:5000");
	ok(c == NULL, "endpoint: a URL with a user is refused");
	c = aws_config_new(NULL, NULL, "http://127.0.0.1:5000/?x=1");
	ok(c == NULL, "endpoint: a URL with a query is refused");
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE", 1);
	c = aws_config_new(NULL, NULL, NULL);
	ok(c != NULL && aws_config_endpoint(c, "s3") == NULL &&
	    aws_config_endpoint(c, "sts") == NULL,
	    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: AWS's own endpoints");
	aws_config_free(c);

	clean_env();
	setenv("AWS_PROFILE", "cfgonly", 1);
	c = aws_config_new(NULL, NULL, NULL);
	is_str(c ? aws_config_profile(c) : NULL, "cfgonly",
	    "profile: AWS_PROFILE");
	is_str(c ? aws_config_region(c) : NULL, "ap-south-1",
	    "  its region, from \"[profile <blanks> NAME]\"");
	ok(c != NULL && aws_config_endpoint(c, "s3") == NULL,
	    "  no endpoint_url there: AWS's own");
	aws_config_free(c);
	c = aws_config_new("dev", NULL, NULL);
	is_str(c ? aws_config_profile(c) : NULL, "dev",
	    "profile: --profile beats AWS_PROFILE");
	aws_config_free(c);
}

/* The credentials that win, as "key-id secret token". */
static char *
winner(const char *profile)
{
	struct aws_config	*c;
	struct aws_credentials	 cr;
	char			*r;

	if ((c = aws_config_new(profile, "us-east-1", NULL)) == NULL)
		return xstrdup("(config failed)");
	if (aws_credentials_load(c, NULL, &cr) == -1)
		r = xstrdup("(none)");
	else
		r = xasprintf("%s %s %s", cr.access_key_id,
		    cr.secret_access_key,
		    cr.session_token ? cr.session_token : "-");
	aws_credentials_free(&cr);
	aws_config_free(c);
	return r;
}

static void
check_winner(const char *profile, const char *want, const char *what)
{
	char	*got = winner(profile);

	is_str(got, want, what);
	free(got);
}

static void
test_credentials(void)
{
	clean_env();
	setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00000", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
	setenv("AWS_SESSION_TOKEN", "env-token", 1);
	check_winner(NULL, "AKIAENVIRONMENT00000 env-secret env-token",
	    "credentials: the environment first");
	setenv("AWS_PROFILE", "dev", 1);
	check_winner(NULL, "AKIAENVIRONMENT00000 env-secret env-token",
	    "credentials: the environment beats AWS_PROFILE's");
	check_winner("dev", "AKIADEVCREDFILE00000 dev-secret-credfile dev-token",
	    "credentials: --profile skips the environment; credentials "
	    "file first");
	clean_env();
	check_winner(NULL, "AKIADEFAULTCREDFILE0 default-secret-credfile -",
	    "credentials: the default profile of the credentials file");
	check_winner("cfgonly", "AKIACFGONLY000000000 cfgonly-secret -",
	    "credentials: then the config file");
	setenv("AWS_SECURITY_TOKEN", "old-name-token", 1);
	setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00000", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
	check_winner(NULL, "AKIAENVIRONMENT00000 env-secret old-name-token",
	    "credentials: AWS_SECURITY_TOKEN, the older name of the token");
	clean_env();
	setenv("AWS_ACCESS_KEY_ID", "AKIA with blank", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "s", 1);
	check_winner(NULL, "(none)", "credentials: a key with a blank refused");
	clean_env();
	check_winner("nosuch", "(config failed)",
	    "a profile in neither file is an error");
}

static void
test_split(void)
{
	/* Each expected vector is what Python's shlex.split returns. */
	static const struct {
		const char	*in;
		const char	*want;	/* words joined by '|' */
	} t[] = {
		{ "a b  c", "a|b|c" },
		{ "\"a b\" c", "a b|c" },
		{ "a\"b c\"d", "ab cd" },
		{ "'x y' z", "x y|z" },
		{ "a\\ b", "a b" },
		{ "\"a\\\"b\"", "a\"b" },
		{ "\"a\\\\b\"", "a\\b" },
		{ "\"a\\nb\"", "a\\nb" },
		{ "'a\\b'", "a\\b" },
		{ "\"\" x", "|x" },
		{ "a\\\\", "a\\" },
		{ "\tx\ny ", "x|y" },
		{ "\"$HOME\" *", "$HOME|*" },
		{ "a#b #c", "a#b|#c" },
		{ "x\\\"y", "x\"y" },
	};
	static const struct {
		const char	*in;
		const char	*why;
	} bad[] = {
		{ "\"abc", "a \" quote is not closed" },
		{ "'abc", "a ' quote is not closed" },
		{ "abc\\", "a backslash at the end" },
		{ "", "no command" },
		{ " \t", "no command" },
	};
	size_t	i, j;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char	*why = NULL;
		char		**v = proc_split_command(t[i].in, &why), *what;
		struct buf	 b;

		buf_init(&b, 0);
		for (j = 0; v != NULL && v[j] != NULL; j++) {
			if ((j > 0 && buf_addc(&b, '|') == -1) ||
			    buf_adds(&b, v[j]) == -1)
				abort();
			free(v[j]);
		}
		free(v);
		what = xasprintf("split [%s] as shlex.split does", t[i].in);
		for (j = 0; what[j] != '\0'; j++)
			if (what[j] == '\n' || what[j] == '\t')
				what[j] = ' ';
		is_str(b.data, t[i].want, what);
		free(what);
		buf_free(&b);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char	*why = NULL;
		char		**v = proc_split_command(bad[i].in, &why);

		ok(v == NULL && why != NULL && strcmp(why, bad[i].why) == 0,
		    "split refuses [%s]: %s", bad[i].in, bad[i].why);
	}
}

static void
test_time(void)
{
	static const struct {
		const char	*in;
		long long	 want;
	} t[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2024-05-01T12:00:00Z", 1714564800 },
		{ "2024-05-01T12:00:00.123456Z", 1714564800 },
		{ "2024-05-01T14:00:00+02:00", 1714564800 },
		{ "2024-05-01T07:30:00-04:30", 1714564800 },
		{ "2024-05-01T12:00:00", -1 },
		{ "2024-05-01 12:00:00Z", -1 },
		{ "2024-13-01T12:00:00Z", -1 },
		{ "2024-05-01T12:00:00Zjunk", -1 },
		{ "2024-05-01T12:00:00.Z", -1 },
		{ "yesterday", -1 },
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ok(aws_parse_time(t[i].in) == t[i].want, "time %s -> %lld",
		    t[i].in, t[i].want);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		return 1;
	}
	log_set_level(LOG_SILENT);
	creds_path = xasprintf("%s/credentials", dir);
	config_path = xasprintf("%s/config", dir);
	put(creds_path, credentials);
	put(config_path, config);
	test_region_endpoint();
	test_credentials();
	test_split();
	test_time();
	unlink(creds_path);
	unlink(config_path);
	rmdir(dir);
	free(creds_path);
	free(config_path);
	return tap_end();
}
