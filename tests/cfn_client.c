/*
 * One CloudFormation call from the shell, for the deploy tests: the
 * client of gen/cloudformation.c with the credentials of the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN).
 *
 * usage: cfn_client ENDPOINT REGION describe NAME
 *        cfn_client ENDPOINT REGION call ACTION [NAME=VALUE...] [-- PATH]
 *
 * describe prints "status=...", "id=..." and one "output KEY=VALUE" line
 * per output; exit 3 when the stack does not exist. call prints the text
 * at PATH (below the reply's root, '/'-separated) for every match of the
 * last segment, or "ok"; an error answer prints "error CODE: MESSAGE" and
 * exits 4 (a failed call exits 1).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_config.h"
#include "credentials.h"
#include "cloudformation.h"
#include "http.h"
#include "xalloc.h"
#include "xml.h"

static int
describe(struct cfn *c, const char *name)
{
	struct cfn_stack	st;
	size_t			i;
	int			rc;

	if ((rc = cfn_describe_stack(c, name, &st)) != 0)
		return rc == 1 ? 3 : 1;
	printf("status=%s\nid=%s\n", st.status, st.id);
	for (i = 0; i < st.noutputs; i++)
		printf("output %s=%s\n", st.outputs[i].key, st.outputs[i].value);
	cfn_stack_free(&st);
	return 0;
}

static int
call(struct cfn *c, int argc, char **argv)
{
	struct cfn_param	*p = xcalloc((size_t)argc + 1, sizeof(*p));
	struct cfn_error	 e;
	struct xml		*x = NULL;
	const char		*path = NULL, *t;
	char			*eq;
	size_t			 n = 0;
	int			 i, rc, el;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			path = i + 1 < argc ? argv[i + 1] : NULL;
			break;
		}
		if ((eq = strchr(argv[i], '=')) == NULL) {
			fprintf(stderr, "cfn_client: %s: not NAME=VALUE\n",
			    argv[i]);
			free(p);
			return 2;
		}
		*eq = '\0';
		p[n].name = argv[i];
		p[n++].value = eq + 1;
	}
	rc = cfn_call(c, argv[0], p, n, &x, &e);
	if (rc == 1) {
		printf("error %s: %s\n", e.code != NULL ? e.code : "-",
		    e.message != NULL ? e.message : "");
		cfn_error_free(&e);
		rc = 4;
	} else if (rc == 0 && path != NULL) {
		for (el = xml_find(x, -1, path); el >= 0; el = xml_next(x, el))
			if ((t = xml_text(x, el)) != NULL)
				printf("%s\n", t);
	} else if (rc == 0)
		printf("ok\n");
	else
		rc = 1;
	xml_free(x);
	free(p);
	return rc;
}

int
main(int argc, char **argv)
{
	struct aws_credentials	 cr;
	struct http		*h;
	struct cfn		*c;
	const char		*ep;
	int			 rc;

	if (argc < 5) {
		fprintf(stderr, "usage: cfn_client ENDPOINT REGION describe NAME"
		    " | call ACTION [NAME=VALUE...] [-- PATH]\n");
		return 2;
	}
	memset(&cr, 0, sizeof(cr));
	cr.access_key_id = getenv("AWS_ACCESS_KEY_ID");
	cr.secret_access_key = getenv("AWS_SECRET_ACCESS_KEY");
	cr.session_token = getenv("AWS_SESSION_TOKEN");
	if (cr.access_key_id == NULL || cr.secret_access_key == NULL) {
		fprintf(stderr, "cfn_client: no AWS_ACCESS_KEY_ID or "
		    "AWS_SECRET_ACCESS_KEY\n");
		return 2;
	}
	ep = strcmp(argv[1], "-") == 0 ? NULL : argv[1];
	h = http_new();
	c = cfn_new(argv[2], ep, &cr, h);
	if (strcmp(argv[3], "describe") == 0)
		rc = describe(c, argv[4]);
	else if (strcmp(argv[3], "call") == 0)
		rc = call(c, argc - 4, argv + 4);
	else {
		fprintf(stderr, "cfn_client: %s: unknown command\n", argv[3]);
		rc = 2;
	}
	cfn_free(c);
	http_free(h);
	if (fclose(stdout) != 0)
		rc = 1;
	return rc;
}
