/*
 * What credential providers read from other programs, endpoints and files
 * (credentials.c, sts.c, sso.c, proc.c): credential_process and
 * container/instance JSON replies, STS AssumeRole replies, SSO token cache
 * files, the credential_process command line split, and Expiration times.
 * Whatever the bytes, no crash or leak; accepted credentials are complete.
 */
#include "config.h"

#include "aws_config.h"
#include "credentials.h"
#include "fuzz.h"
#include "proc.h"
#include "sso.h"
#include "sts.h"

static void
check(const uint8_t *data, size_t size, const char *token_key, int process)
{
	struct aws_credentials	cr;

	memset(&cr, 0, sizeof(cr));
	if (aws_credentials_from_json((const char *)data, size, "fuzz",
	    token_key, process, &cr) == 1 &&
	    (cr.access_key_id == NULL || *cr.access_key_id == '\0' ||
	    cr.secret_access_key == NULL || *cr.secret_access_key == '\0'))
		abort();
	aws_credentials_free(&cr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aws_credentials	  cr;
	struct sso_token	  t;
	const char		 *why = NULL;
	char			 *s, **argv;
	size_t			  i;

	fuzz_quiet();
	check(data, size, "SessionToken", 1);
	check(data, size, "Token", 0);
	if (sts_parse_role_reply((const char *)data, size, "AssumeRole",
	    "fuzz", "fuzz", &cr) == 0 && (cr.access_key_id == NULL ||
	    cr.secret_access_key == NULL || cr.session_token == NULL))
		abort();
	aws_credentials_free(&cr);
	if (sso_token_parse((const char *)data, size, "fuzz", "fuzz",
	    &t) == 0 && t.access_token == NULL)
		abort();
	sso_token_free(&t);
	s = fuzz_cstr(data, size);
	if ((argv = proc_split_command(s, &why)) != NULL) {
		for (i = 0; argv[i] != NULL; i++)
			free(argv[i]);
		free(argv);
	} else if (why == NULL)
		abort();
	(void)aws_parse_time(s);
	free(s);
	return 0;
}
