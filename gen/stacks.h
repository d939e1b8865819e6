/*
 * The stacks: settings + artifacts + the skeletons in templates/ (compiled
 * in) -> a CloudFormation document. No I/O besides reading the embedded
 * skeletons.
 */
#ifndef CFNGEN_STACKS_H
#define CFNGEN_STACKS_H

#include "doc.h"
#include "target.h"

struct build_result;

#define STACKS_LAYER_STACK	"DenoRuntimeLayerStack"
#define STACKS_EXAMPLE_STACK	"DenoExampleFnStack"
/* The qualifier of the CDK bootstrap resources (its assets bucket ...). */
#define STACKS_CDK_QUALIFIER	"hnb659fds"

/*
 * What the templates are made of besides the artifacts: the settings they
 * carry (options_stacks_spec() fills it from the options). The strings are
 * borrowed and must outlive the calls.
 */
struct stacks_spec {
	enum stack_sel		 stack;		/* --stack, or STACK_UNSET */
	int			 create_example;
	enum lambda_runtime	 runtime;
	const char		*layer_name;	/* the layer's LayerName */
	/* the stack whose LayerArn output the example function uses */
	const char		*layer_stack_name;
	const char		*layer_arn;	/* the example's layer or NULL */
	const char		*share;		/* --share, or NULL */
	const char		*bucket_pattern; /* or NULL */
	int			 multi_region;	/* --regions */
	int			 export_layer_arn;
	int			 cdk_compat;	/* the CDK app's logical IDs */
	int			 log_retention;	/* days */
	enum url_auth		 url_auth;	/* of the function URL */
};

/* The stack --stack (or its default) selects: never STACK_UNSET. */
enum stack_sel	 stacks_selected(const struct stacks_spec *);

/*
 * The template of one stack (STACK_LAYER, STACK_EXAMPLE or STACK_ALL: both
 * in one template). bucket is the S3 bucket of the artifacts, or NULL for
 * the CDK bootstrap assets bucket of the deploying account and region.
 * Returns a new document (caller frees), NULL on error (reported).
 */
struct doc	*stacks_build(const struct stacks_spec *,
		    const struct build_result *, enum stack_sel,
		    const char *bucket);

#endif
