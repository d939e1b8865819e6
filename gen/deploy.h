/*
 * Deploying templates with CloudFormation change sets, deleting stacks,
 * and the commands built on them (cfngen deploy, destroy, bootstrap).
 *
 * The core is deploy_stack(): "deploy this template as stack S" through
 * one region's client (cloudformation.h). It keeps no global state and
 * prints only through log.h, each line prefixed with the spec's label, so
 * several threads may deploy to several regions at once, each with its
 * own struct cfn and struct http (the spinner is for one stack on a
 * terminal: leave it off in threads).
 *
 * Everything but the outputs goes to stderr: the change set as a table,
 * the stack events as they come, the reasons of a failure.
 */
#ifndef CFNGEN_DEPLOY_H
#define CFNGEN_DEPLOY_H

#include <stddef.h>

#include "cloudformation.h"

struct aws_config;
struct aws_credentials;
struct build_result;
struct http;
struct options;

/* CloudFormation takes a TemplateBody of at most this many bytes. */
#define DEPLOY_TEMPLATE_BODY_MAX	51200

struct deploy_tag {
	const char	*key;
	const char	*value;
};

struct deploy_spec {
	const char		*stack_name;
	const char		*label;		/* messages; NULL: stack_name */
	/* The template's text (always: it tells whether IAM is in it). */
	const char		*template_body;
	size_t			 template_len;
	/*
	 * Where the template was uploaded, for one larger than
	 * DEPLOY_TEMPLATE_BODY_MAX; NULL sends the body.
	 */
	const char		*template_url;
	const struct deploy_tag	*tags;		/* stack tags */
	size_t			 ntags;
	int			 no_execute;	/* create and show the change set */
	int			 no_wait;	/* refuse a stack that is busy */
	int			 spinner;	/* animate on stderr */
};

enum deploy_outcome {
	DEPLOY_DONE,		/* executed, the stack is *_COMPLETE */
	DEPLOY_NO_CHANGES,	/* nothing to change; the stack as it is */
	DEPLOY_REVIEW		/* --no-execute: the change set is made */
};

struct deploy_result {
	enum deploy_outcome	 outcome;
	char			*change_set;	/* its name */
	char			*change_set_id;	/* its ARN */
	struct cfn_stack	 stack;		/* at the end (not for REVIEW) */
};

/*
 * Deploys spec through c: DescribeStacks (CREATE or UPDATE; waits for an
 * operation in progress unless no_wait), CreateChangeSet, the changes as
 * a table, ExecuteChangeSet, the events until the stack settles. 0 with
 * *res filled (release with deploy_result_free()), -1 on failure (said:
 * the failed resources' reasons and the final status).
 */
int	 deploy_stack(struct cfn *, const struct deploy_spec *,
	    struct deploy_result *res);
void	 deploy_result_free(struct deploy_result *);	/* accepts NULL */

/*
 * Deletes stack name (a stack that does not exist is nothing to do) and
 * follows its events until it is gone. A stack whose export another stack
 * imports is not deleted: the message names the importer. -1 on failure.
 */
int	 deploy_delete(struct cfn *, const char *name, const char *label,
	    int spinner);

/*
 * The commands, with the AWS configuration and credentials main settled
 * before any work: 0, or -1 after reporting. deploy_command() deploys the
 * artifacts in b, uploaded to bucket, or the --template given (b and
 * bucket NULL); the outputs go to stdout (Key=Value lines, or a JSON
 * object with --format json) and --outputs-file.
 */
int	 deploy_command(const struct options *, const struct aws_config *,
	    const struct aws_credentials *, struct http *,
	    const struct build_result *b, const char *bucket);
int	 destroy_command(const struct options *, const struct aws_config *,
	    const struct aws_credentials *, struct http *);
int	 bootstrap_command(const struct options *, const struct aws_config *,
	    const struct aws_credentials *, struct http *);

#endif
