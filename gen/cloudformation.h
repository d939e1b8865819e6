/*
 * AWS CloudFormation over its query protocol: a form-encoded POST
 * ("Action=...&Version=2010-05-15&..."), signed with sigv4.h (service
 * "cloudformation", signed again for each attempt), answered in XML.
 * Connection errors, 5xx and throttling (Throttling, RequestLimitExceeded
 * ...) are retried with backoff by http.h.
 *
 * A struct cfn is one region's client with its own endpoint. It keeps no
 * global state, so threads may each use their own (each with its own
 * struct http). It keeps pointers to its arguments, which must outlive it.
 *
 * Endpoint: the one given (a custom endpoint URL, as aws_config_endpoint
 * resolves it, "http://127.0.0.1:5000"), else
 * https://cloudformation.<region>.amazonaws.com (.com.cn in China).
 */
#ifndef CFNGEN_CLOUDFORMATION_H
#define CFNGEN_CLOUDFORMATION_H

#include <stddef.h>

struct aws_credentials;
struct http;
struct xml;
struct cfn;

/* The API version every call names. */
#define CFN_API_VERSION	"2010-05-15"

/* One request parameter, as the API reference names it:
 * "StackName", "Capabilities.member.1", "Tags.member.2.Key". */
struct cfn_param {
	const char	*name;
	const char	*value;
};

/* What CloudFormation said when it refused a call (fields may be NULL). */
struct cfn_error {
	long	 status;		/* HTTP status */
	char	*code;			/* "ValidationError" */
	char	*message;
	char	*request_id;
};

struct cfn	*cfn_new(const char *region, const char *endpoint,
		    const struct aws_credentials *, struct http *);
void		 cfn_free(struct cfn *);		/* accepts NULL */
const char	*cfn_region(const struct cfn *);
/* The endpoint's origin, for messages: "https://cloudformation...". */
const char	*cfn_endpoint(const struct cfn *);

/*
 * Calls action with params (in that order, after Action and Version).
 * 0: a 2xx answer, parsed into *reply (caller frees with xml_free()).
 * 1: CloudFormation answered with an error and err is not NULL: it is in
 *    *err (release with cfn_error_free()), NOT reported, so the caller
 *    can tell "does not exist" from a failure.
 * -1: the call failed, reported (an error answer too when err is NULL).
 */
int		 cfn_call(struct cfn *, const char *action,
		    const struct cfn_param *, size_t nparams,
		    struct xml **reply, struct cfn_error *err);
/* Reports *err once: "CloudFormation <action> (<region>): Code: Message". */
void		 cfn_error_report(const struct cfn *, const char *action,
		    const struct cfn_error *);
void		 cfn_error_free(struct cfn_error *);	/* accepts NULL */

/* --- DescribeStacks ------------------------------------------------ */

struct cfn_output {
	char	*key;
	char	*value;
	char	*export_name;		/* NULL without an export */
};

struct cfn_stack {
	char			*name;
	char			*id;		/* the stack's ARN */
	char			*status;	/* "CREATE_COMPLETE" */
	char			*reason;	/* StackStatusReason, or NULL */
	struct cfn_output	*outputs;	/* in the answer's order */
	size_t			 noutputs;
};

/*
 * The stack named name (a name or an ARN). 0 and *st filled (release with
 * cfn_stack_free()), 1 when there is no such stack (nothing reported), -1
 * on error (reported).
 */
int		 cfn_describe_stack(struct cfn *, const char *name,
		    struct cfn_stack *st);
void		 cfn_stack_free(struct cfn_stack *);	/* accepts NULL */

/* A status no operation will change any more ("CREATE_COMPLETE" ...): 1. */
int		 cfn_status_settled(const char *status);

/*
 * Sleeps *delay_ms between two polls of an operation, then doubles it up
 * to max_ms for the next one.
 */
void		 cfn_poll_sleep(long *delay_ms, long max_ms);

#endif
