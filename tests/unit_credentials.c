/*
 * The pieces of signing in that need no server: the SSO token cache's
 * file name, the AWS CLI's role cache key, token expiry times, STS
 * AssumeRole replies, the SSO token file, and source_profile cycles.
 * The expected cache names and keys are what the AWS CLI's botocore
 * computes (sha1 of the session name or start URL; sha1 of
 * json.dumps(args, sort_keys=True)), written out here.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws_config.h"
#include "buf.h"
#include "credentials.h"
#include "log.h"
#include "sso.h"
#include "sts.h"
#include "tap.h"
#include "xalloc.h"

static void
test_names(void)
{
	char	*s;

	/* hashlib.sha1(b"corp").hexdigest() */
	s = sso_cache_name("corp");
	is_str(s, "ee0bfd2552fbd840c02cc48b6e823320543c450f.json",
	    "SSO cache name of a session: sha1 of its name");
	free(s);
	s = sso_cache_name("https://my-sso-portal.awsapps.com/start");
	is_str(s, "c7aaaf71fcc8777ae2475525ed049d39fe16c484.json",
	    "SSO cache name of a legacy profile: sha1 of the start URL");
	free(s);
	/* sha1(json.dumps({"RoleArn": ...}, sort_keys=True)) */
	s = aws_cli_cache_key("arn:aws:iam::123456789012:role/uploader", NULL,
	    NULL, NULL, 0);
	is_str(s, "84d4d7d94beef176227531ce16f4a63376e691d4", "CLI cache key: RoleArn alone");
	free(s);
	s = aws_cli_cache_key("arn:aws:iam::123456789012:role/uploader",
	    "deploy-1", "ext-id-42", "arn:aws:iam::123456789012:mfa/dev", 1800);
	is_str(s, "71d60c376df43707d09830952d2fc84332940950", "CLI cache key: every argument, sorted");
	free(s);
	s = aws_cli_cache_key("arn:aws:iam::123456789012:role/r\xc3\xa9le",
	    "a\"b\\c", NULL, NULL, 0);
	is_str(s, "2f15a1301af13d0b0e69004814f76df69bd8c47c", "CLI cache key: escapes and non-ASCII as "
	    "Python's json.dumps writes them");
	free(s);
}

static void
test_times(void)
{
	char	out[21];

	ok(aws_parse_time("2024-05-01T12:00:00Z") == 1714564800LL,
	    "expiry: Z");
	ok(aws_parse_time("2024-05-01T12:00:00UTC") == 1714564800LL,
	    "expiry: UTC, as the CLI's cache writes it");
	ok(aws_parse_time("2024-05-01T14:00:00+02:00") == 1714564800LL,
	    "expiry: +02:00");
	ok(aws_parse_time("2024-05-01T12:00:00.123456Z") == 1714564800LL,
	    "expiry: fractional seconds");
	ok(aws_parse_time("2024-05-01 12:00:00Z") == -1, "expiry: no T");
	ok(aws_parse_time("2024-13-01T12:00:00Z") == -1, "expiry: month 13");
	ok(aws_parse_time("2024-05-01T12:00:00") == -1, "expiry: no zone");
	ok(aws_parse_time("") == -1, "expiry: empty");
	aws_format_time(1714564800LL, out);
	is_str(out, "2024-05-01T12:00:00Z", "expiry written back");
}

static const char role_reply[] =
    "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
    "<AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::123456789012:"
    "assumed-role/uploader/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId>"
    "</AssumedRoleUser><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId>"
    "<SecretAccessKey>secret/+x</SecretAccessKey><SessionToken>tok=="
    "</SessionToken><Expiration>2030-01-02T03:04:05Z</Expiration>"
    "</Credentials></AssumeRoleResult><ResponseMetadata><RequestId>r"
    "</RequestId></ResponseMetadata></AssumeRoleResponse>";

static void
test_sts(void)
{
	struct aws_credentials	cr;
	char			*s;

	ok(sts_parse_role_reply(role_reply, sizeof(role_reply) - 1,
	    "AssumeRole", "test", "role uploader", &cr) == 0,
	    "AssumeRole reply: read");
	is_str(cr.access_key_id, "ASIAEXAMPLE", "AssumeRole reply: key id");
	is_str(cr.secret_access_key, "secret/+x", "AssumeRole reply: secret");
	is_str(cr.session_token, "tok==", "AssumeRole reply: session token");
	ok(cr.expiration == 1893553445LL, "AssumeRole reply: expiration");
	is_str(cr.source, "role uploader", "AssumeRole reply: its source");
	aws_credentials_free(&cr);
	ok(sts_parse_role_reply(role_reply, sizeof(role_reply) - 1,
	    "AssumeRoleWithWebIdentity", "test", "x", &cr) == -1,
	    "a reply to another action: refused");
	s = xstrdup(role_reply);
	memcpy(strstr(s, "<SessionToken>"), "<SessionTokeX>", 14);
	memcpy(strstr(s, "</SessionToken>"), "</SessionTokeX>", 15);
	ok(sts_parse_role_reply(s, strlen(s), "AssumeRole", "test", "x",
	    &cr) == -1, "a reply without a SessionToken: refused");
	free(s);
	ok(sts_parse_role_reply("<a>", 3, "AssumeRole", "test", "x",
	    &cr) == -1, "not XML: refused");
}

static void
test_sso_token(void)
{
	struct sso_token	t;
	static const char	good[] = "{\"startUrl\": \"u\", \"region\": "
	    "\"us-east-1\", \"accessToken\": \"at\", \"expiresAt\": "
	    "\"2030-01-01T00:00:00Z\", \"refreshToken\": \"rt\", \"clientId\": "
	    "\"ci\", \"clientSecret\": \"cs\", \"registrationExpiresAt\": "
	    "\"2030-02-01T00:00:00Z\"}";

	ok(sso_token_parse(good, sizeof(good) - 1, "f", "h", &t) == 0,
	    "SSO token: read");
	is_str(t.access_token, "at", "SSO token: accessToken");
	is_str(t.refresh_token, "rt", "SSO token: refreshToken");
	ok(t.expires_at == 1893456000LL, "SSO token: expiresAt");
	ok(t.registration_expires_at == 1896134400LL,
	    "SSO token: registrationExpiresAt");
	sso_token_free(&t);
	ok(sso_token_parse("{\"expiresAt\": \"2030-01-01T00:00:00Z\"}", 37,
	    "f", "h", &t) == -1, "SSO token without accessToken: refused");
	ok(sso_token_parse("{\"accessToken\": \"x\"}", 20, "f", "h", &t) == -1,
	    "SSO token without expiresAt: refused");
	ok(sso_token_parse("{\"accessToken\": ", 16, "f", "h", &t) == -1,
	    "SSO token cache that is not JSON: refused");
	ok(sso_token_parse("[]", 2, "f", "h", &t) == -1,
	    "SSO token cache that is not an object: refused");
}

static char	dir[] = "/tmp/cfngen-unit-creds.XXXXXX";

static void
put(const char *name, const char *text)
{
	char	*p = xasprintf("%s/%s", dir, name);
	FILE	*f = fopen(p, "w");

	if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0) {
		perror(p);
		exit(1);
	}
	free(p);
}

/* The chain stops at the cycle, before any request (there is no server). */
static void
test_cycles(void)
{
	struct aws_config	*c;
	struct aws_credentials	 cr;
	char			*p;

	p = xasprintf("%s/config", dir);
	setenv("AWS_CONFIG_FILE", p, 1);
	free(p);
	p = xasprintf("%s/credentials", dir);
	setenv("AWS_SHARED_CREDENTIALS_FILE", p, 1);
	free(p);
	setenv("HOME", dir, 1);
	setenv("AWS_REGION", "us-east-1", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1", 1);
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_PROFILE");
	put("credentials", "");
	put("config", "[default]\nrole_arn = arn:aws:iam::1:role/a\n"
	    "source_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/b\n"
	    "source_profile = c\n[profile c]\nrole_arn = arn:aws:iam::1:role/c\n"
	    "source_profile = default\n");
	c = aws_config_new(NULL, NULL, NULL);
	ok(c != NULL && aws_credentials_load(c, NULL, &cr) == -1,
	    "a -> b -> c -> a: refused");
	aws_config_free(c);
	put("config", "[default]\nrole_arn = arn:aws:iam::1:role/a\n"
	    "source_profile = default\n");
	c = aws_config_new(NULL, NULL, NULL);
	ok(c != NULL && aws_credentials_load(c, NULL, &cr) == -1,
	    "a profile naming itself without static keys: refused");
	aws_config_free(c);
	put("config", "[default]\nrole_arn = arn:aws:iam::1:role/a\n"
	    "source_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/b\n"
	    "credential_source = Environment\nsource_profile = c\n");
	c = aws_config_new(NULL, NULL, NULL);
	ok(c != NULL && aws_credentials_load(c, NULL, &cr) == -1,
	    "source_profile and credential_source together: refused");
	aws_config_free(c);
	p = xasprintf("rm -rf '%s'", dir);
	if (system(p) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(p);
}

int
main(void)
{
	log_set_level(LOG_SILENT);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_names();
	test_times();
	test_sts();
	test_sso_token();
	test_cycles();
	return tap_end();
}
