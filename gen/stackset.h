/*
 * CloudFormation StackSets: one template deployed as stack instances in
 * many accounts and regions by CloudFormation itself, over the query calls
 * of cloudformation.h (CreateStackSet, UpdateStackSet, CreateStackInstances,
 * DescribeStackSetOperation, ListStackInstances).
 *
 * Two permission models: SELF_MANAGED (targets are account IDs; the
 * AWSCloudFormationStackSetAdministrationRole in the calling account and
 * AWSCloudFormationStackSetExecutionRole in each target must exist) and
 * SERVICE_MANAGED (targets are organizational units; trusted access for
 * StackSets must be on in AWS Organizations).
 */
#ifndef CFNGEN_STACKSET_H
#define CFNGEN_STACKSET_H

#include <stddef.h>

struct cfn;

struct stackset_spec {
	const char		*name;
	const char		*template_body;
	size_t			 template_len;
	int			 service_managed;
	/* account IDs (self-managed) or OU IDs (service-managed) */
	char *const		*targets;
	size_t			 ntargets;
	char *const		*regions;	/* in deployment order */
	size_t			 nregions;
	/* "N" or "P%", or NULL for CloudFormation's default */
	const char		*max_concurrent;
	const char		*failure_tolerance;
};

/*
 * Creates the stack set, or updates it (template, and so every instance),
 * then creates the instances the targets and regions lack, waiting on
 * each operation with a line per status change; ends with the table of
 * stack instances on stderr. 0 when every operation succeeded and every
 * instance of the targets is CURRENT; -1 otherwise (reported).
 */
int	stackset_deploy(struct cfn *, const struct stackset_spec *);

/* "N" (1..n) or "P%" (0..100; at least 1 when min is 1): 0 when valid. */
int	stackset_valid_preference(const char *, int min);

#endif
