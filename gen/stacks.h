/*
 * The stacks: options + artifacts + the skeletons in templates/ (compiled
 * in) -> a CloudFormation document. No I/O besides reading the embedded
 * skeletons.
 */
#ifndef CFNGEN_STACKS_H
#define CFNGEN_STACKS_H

#include "artifacts.h"
#include "doc.h"
#include "options.h"

#define STACKS_LAYER_STACK	"DenoRuntimeLayerStack"
#define STACKS_EXAMPLE_STACK	"DenoExampleFnStack"
/* The qualifier of the CDK bootstrap resources (its assets bucket ...). */
#define STACKS_CDK_QUALIFIER	"hnb659fds"

/* The stack --stack (or its default) selects: never STACK_UNSET. */
enum stack_sel	 stacks_selected(const struct options *);

/*
 * The template of one stack (STACK_LAYER, STACK_EXAMPLE or STACK_ALL: both
 * in one template). bucket is the S3 bucket of the artifacts, or NULL for
 * the CDK bootstrap assets bucket of the deploying account and region.
 * Returns a new document (caller frees), NULL on error (reported).
 */
struct doc	*stacks_build(const struct options *,
		    const struct build_result *, enum stack_sel,
		    const char *bucket);

#endif
