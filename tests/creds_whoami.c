/*
 * Who cfngen signs as, for the credential tests: the AWS configuration
 * and credential chain of gen/credentials.c, then STS GetCallerIdentity.
 * Prints the ARN on stdout; diagnostics as cfngen prints them.
 *
 * usage: creds_whoami [-v] [-v] [--profile NAME]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_config.h"
#include "credentials.h"
#include "http.h"
#include "log.h"
#include "sts.h"

int
main(int argc, char **argv)
{
	struct aws_config	*c = NULL;
	struct aws_credentials	 cr;
	struct sts_identity	 id;
	struct http		*h = NULL;
	const char		*profile = NULL;
	int			 i, level = LOG_NORMAL, rc = 1;

	memset(&cr, 0, sizeof(cr));
	memset(&id, 0, sizeof(id));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0)
			level++;
		else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc)
			profile = argv[++i];
		else {
			fprintf(stderr, "usage: creds_whoami [-v] [-v] "
			    "[--profile NAME]\n");
			return 2;
		}
	}
	log_set_level(level);
	if ((c = aws_config_new(profile, NULL, NULL)) == NULL)
		goto out;
	if ((h = http_new()) == NULL)
		goto out;
	if (aws_credentials_load(c, h, &cr) == -1)
		goto out;
	if (sts_caller_identity(c, &cr, h, &id) == -1)
		goto out;
	printf("%s\n", id.arn);
	rc = 0;
out:
	sts_identity_free(&id);
	aws_credentials_free(&cr);
	http_free(h);
	aws_config_free(c);
	return rc == 0 ? 0 : log_exit_status();
}
