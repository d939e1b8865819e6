/*
 * StackSets (stackset.h): the calls as the CloudFormation API reference
 * names their parameters (Accounts.member.N,
 * DeploymentTargets.OrganizationalUnitIds.member.N, Regions.member.N,
 * OperationPreferences.RegionOrder.member.N ...), one operation at a time.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cloudformation.h"
#include "log.h"
#include "stackset.h"
#include "xalloc.h"
#include "xml.h"

#define POLL_FIRST_MS	500
#define POLL_MAX_MS	5000

/* A request's parameters; the strings are owned here. */
struct params {
	struct cfn_param	*p;
	char			**own;
	size_t			 n, cap;
};

static void
param(struct params *ps, char *name, const char *value)
{
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 16;
		ps->p = xreallocarray(ps->p, ps->cap, sizeof(*ps->p));
		ps->own = xreallocarray(ps->own, ps->cap * 2,
		    sizeof(*ps->own));
	}
	ps->own[ps->n * 2] = name;
	ps->own[ps->n * 2 + 1] = xstrdup(value);
	ps->p[ps->n].name = name;
	ps->p[ps->n].value = ps->own[ps->n * 2 + 1];
	ps->n++;
}

static void
params_free(struct params *ps)
{
	size_t	i;

	for (i = 0; i < ps->n * 2; i++)
		free(ps->own[i]);
	free(ps->own);
	free(ps->p);
	memset(ps, 0, sizeof(*ps));
}

/* name.member.1 ... for a list */
static void
param_list(struct params *ps, const char *name, char *const *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		param(ps, xasprintf("%s.member.%zu", name, i + 1), v[i]);
}

int
stackset_valid_preference(const char *v, int min)
{
	size_t	n = strspn(v, "0123456789");
	long	x;

	if (n == 0 || n > 5 || (v[n] != '\0' && strcmp(v + n, "%") != 0))
		return -1;
	x = strtol(v, NULL, 10);
	if (x < min || (v[n] == '%' && x > 100))
		return -1;
	return 0;
}

static void
preference(struct params *ps, const char *what, const char *v)
{
	size_t	n = strspn(v, "0123456789");
	char	*num = xstrndup(v, n);

	param(ps, xasprintf("OperationPreferences.%s%s", what,
	    v[n] == '%' ? "Percentage" : "Count"), num);
	free(num);
}

/* Operation preferences: region order as given, concurrency, tolerance. */
static void
preferences(struct params *ps, const struct stackset_spec *s)
{
	param_list(ps, "OperationPreferences.RegionOrder", s->regions,
	    s->nregions);
	if (s->max_concurrent != NULL)
		preference(ps, "MaxConcurrent", s->max_concurrent);
	if (s->failure_tolerance != NULL)
		preference(ps, "FailureTolerance", s->failure_tolerance);
}

static int
has_iam(const struct stackset_spec *s)
{
	return memmem(s->template_body, s->template_len, "AWS::IAM::", 10) !=
	    NULL;
}

/* The template, and what it needs acknowledged. */
static void
template_params(struct params *ps, const struct stackset_spec *s)
{
	char	*body = xstrndup(s->template_body, s->template_len);

	param(ps, xstrdup("TemplateBody"), body);
	free(body);
	if (has_iam(s))
		param(ps, xstrdup("Capabilities.member.1"), "CAPABILITY_IAM");
}

/*
 * Waits until operation id of the stack set ends, with a line per status
 * change. 0 when it SUCCEEDED, -1 otherwise (reported).
 */
static int
wait_operation(struct cfn *c, const struct stackset_spec *s, const char *id,
    const char *what)
{
	struct cfn_param	 p[2];
	struct xml		*x = NULL;
	char			*last = NULL;
	const char		*st, *why;
	time_t			 t0 = time(NULL);
	const char		*knob = getenv("CFNGEN_STACKSET_POLL_MS");
	long			 delay = POLL_FIRST_MS, max = POLL_MAX_MS;
	int			 rc = -1;

	/* A testing knob: a fixed delay. */
	if (knob != NULL && *knob != '\0')
		delay = max = strtol(knob, NULL, 10);
	p[0] = (struct cfn_param){ "StackSetName", s->name };
	p[1] = (struct cfn_param){ "OperationId", id };
	for (;;) {
		if (cfn_call(c, "DescribeStackSetOperation", p, 2, &x, NULL) != 0)
			break;
		st = xml_get(x, "DescribeStackSetOperationResponse/"
		    "DescribeStackSetOperationResult/StackSetOperation/Status");
		why = xml_get(x, "DescribeStackSetOperationResponse/"
		    "DescribeStackSetOperationResult/StackSetOperation/"
		    "StatusReason");
		if (st == NULL) {
			log_error("StackSet %s: DescribeStackSetOperation %s: "
			    "no Status in the answer", s->name, id);
			break;
		}
		if ((last == NULL || strcmp(last, st) != 0) &&
		    strcmp(st, "FAILED") != 0 && strcmp(st, "STOPPED") != 0) {
			log_info("StackSet %s: %s (operation %s): %s (%lld s)",
			    s->name, what, id, st, (long long)(time(NULL) - t0));
			free(last);
			last = xstrdup(st);
		}
		if (strcmp(st, "SUCCEEDED") == 0) {
			rc = 0;
			break;
		}
		if (strcmp(st, "FAILED") == 0 || strcmp(st, "STOPPED") == 0) {
			log_error("StackSet %s: %s (operation %s) %s%s%s",
			    s->name, what, id, st, why ? ": " : "",
			    why ? why : "");
			break;
		}
		xml_free(x);
		x = NULL;
		cfn_poll_sleep(&delay, max);
	}
	xml_free(x);
	free(last);
	return rc;
}

/* Calls action (which starts an operation) and waits for it. */
static int
operation(struct cfn *c, const struct stackset_spec *s, const char *action,
    const struct params *ps, const char *what)
{
	struct xml	*x = NULL;
	char		*path;
	const char	*id;
	int		 rc = -1;

	if (cfn_call(c, action, ps->p, ps->n, &x, NULL) != 0)
		return -1;
	path = xasprintf("%sResponse/%sResult/OperationId", action, action);
	if ((id = xml_get(x, path)) == NULL || *id == '\0')
		log_error("StackSet %s: %s: no OperationId in the answer",
		    s->name, action);
	else
		rc = wait_operation(c, s, id, what);
	free(path);
	xml_free(x);
	return rc;
}

/* One stack instance, as ListStackInstances summarises it. */
struct instance {
	char	*account;
	char	*region;
	char	*ou;		/* service-managed: its OU */
	char	*status;	/* CURRENT, OUTDATED, INOPERABLE */
	char	*detail;	/* StackInstanceStatus/DetailedStatus */
	char	*reason;
};

struct instances {
	struct instance	*v;
	size_t		 n;
};

static char *
dup_or_empty(const char *s)
{
	return xstrdup(s != NULL ? s : "");
}

static void
instances_free(struct instances *is)
{
	size_t	i;

	for (i = 0; i < is->n; i++) {
		free(is->v[i].account);
		free(is->v[i].region);
		free(is->v[i].ou);
		free(is->v[i].status);
		free(is->v[i].detail);
		free(is->v[i].reason);
	}
	free(is->v);
	memset(is, 0, sizeof(*is));
}

/* Every stack instance, through the pages of ListStackInstances. */
static int
list_instances(struct cfn *c, const struct stackset_spec *s,
    struct instances *is)
{
	struct cfn_param	 p[2];
	struct xml		*x = NULL;
	char			*token = NULL;
	const char		*next;
	size_t			 np;
	int			 m, pages = 0;

	memset(is, 0, sizeof(*is));
	do {
		np = 0;
		p[np++] = (struct cfn_param){ "StackSetName", s->name };
		if (token != NULL)
			p[np++] = (struct cfn_param){ "NextToken", token };
		if (cfn_call(c, "ListStackInstances", p, np, &x, NULL) != 0) {
			free(token);
			instances_free(is);
			return -1;
		}
		for (m = xml_find(x, -1, "ListStackInstancesResponse/"
		    "ListStackInstancesResult/Summaries/member"); m != -1;
		    m = xml_next(x, m)) {
			struct instance	*in;

			is->v = xreallocarray(is->v, is->n + 1,
			    sizeof(*is->v));
			in = &is->v[is->n++];
			in->account = dup_or_empty(xml_find_text(x, m,
			    "Account"));
			in->region = dup_or_empty(xml_find_text(x, m, "Region"));
			in->ou = dup_or_empty(xml_find_text(x, m,
			    "OrganizationalUnitId"));
			in->status = dup_or_empty(xml_find_text(x, m, "Status"));
			in->detail = dup_or_empty(xml_find_text(x, m,
			    "StackInstanceStatus/DetailedStatus"));
			in->reason = dup_or_empty(xml_find_text(x, m,
			    "StatusReason"));
		}
		next = xml_get(x, "ListStackInstancesResponse/"
		    "ListStackInstancesResult/NextToken");
		free(token);
		token = next != NULL && *next != '\0' ? xstrdup(next) : NULL;
		xml_free(x);
		x = NULL;
	} while (token != NULL && ++pages < 1000);
	free(token);
	return 0;
}

static int
has_instance(const struct instances *is, const struct stackset_spec *s,
    const char *target, const char *region)
{
	size_t	i;

	for (i = 0; i < is->n; i++)
		if (strcmp(is->v[i].region, region) == 0 &&
		    strcmp(s->service_managed ? is->v[i].ou : is->v[i].account,
		    target) == 0)
			return 1;
	return 0;
}

static void
targets(struct params *ps, const struct stackset_spec *s, char *const *t,
    size_t n)
{
	param_list(ps, s->service_managed ?
	    "DeploymentTargets.OrganizationalUnitIds" : "Accounts", t, n);
}

/*
 * CreateStackInstances for the targets and regions that lack an instance:
 * the targets missing one somewhere, in the regions where one is missing
 * (the call takes a cross product; CloudFormation leaves the instances
 * that exist as they are).
 */
static int
create_missing(struct cfn *c, const struct stackset_spec *s,
    const struct instances *is)
{
	struct params	 ps;
	char		**t, **r;
	size_t		 nt = 0, nr = 0, i, j;
	int		 rc = 0, miss;

	t = xcalloc(s->ntargets, sizeof(*t));
	r = xcalloc(s->nregions, sizeof(*r));
	for (i = 0; i < s->ntargets; i++) {
		for (miss = 0, j = 0; j < s->nregions && !miss; j++)
			miss = !has_instance(is, s, s->targets[i], s->regions[j]);
		if (miss)
			t[nt++] = s->targets[i];
	}
	for (j = 0; j < s->nregions; j++) {
		for (miss = 0, i = 0; i < s->ntargets && !miss; i++)
			miss = !has_instance(is, s, s->targets[i], s->regions[j]);
		if (miss)
			r[nr++] = s->regions[j];
	}
	if (nt > 0 && nr > 0) {
		memset(&ps, 0, sizeof(ps));
		param(&ps, xstrdup("StackSetName"), s->name);
		targets(&ps, s, t, nt);
		param_list(&ps, "Regions", r, nr);
		preferences(&ps, s);
		log_info("StackSet %s: creating stack instances: %zu %s in %zu "
		    "region%s", s->name, nt, s->service_managed ?
		    (nt == 1 ? "organizational unit" : "organizational units") :
		    (nt == 1 ? "account" : "accounts"), nr, nr == 1 ? "" : "s");
		rc = operation(c, s, "CreateStackInstances", &ps,
		    "CreateStackInstances");
		params_free(&ps);
	}
	free(t);
	free(r);
	return rc;
}

/* The table of instances, targets' only; -1 when one is not CURRENT. */
static int
report(const struct stackset_spec *s, const struct instances *is)
{
	size_t	i, j, w[3] = { 7, 6, 6 };
	int	rc = 0, mine;

	for (i = 0; i < is->n; i++) {
		w[0] = strlen(is->v[i].account) > w[0] ?
		    strlen(is->v[i].account) : w[0];
		w[1] = strlen(is->v[i].region) > w[1] ?
		    strlen(is->v[i].region) : w[1];
		w[2] = strlen(is->v[i].status) > w[2] ?
		    strlen(is->v[i].status) : w[2];
	}
	log_info("StackSet %s: %zu stack instance%s", s->name, is->n,
	    is->n == 1 ? "" : "s");
	log_info("  %-*s  %-*s  %-*s  %s", (int)w[0], "ACCOUNT", (int)w[1],
	    "REGION", (int)w[2], "STATUS", "DETAIL");
	for (i = 0; i < is->n; i++) {
		const struct instance	*in = &is->v[i];

		for (mine = 0, j = 0; j < s->ntargets && !mine; j++)
			mine = strcmp(s->service_managed ? in->ou : in->account,
			    s->targets[j]) == 0;
		for (j = 0; j < s->nregions && mine; j++)
			if (strcmp(in->region, s->regions[j]) == 0)
				break;
		mine = mine && j < s->nregions;
		if (mine && strcmp(in->status, "CURRENT") != 0)
			rc = -1;
		log_info("  %-*s  %-*s  %-*s  %s%s%s", (int)w[0], in->account,
		    (int)w[1], in->region, (int)w[2], in->status, in->detail,
		    *in->reason ? ": " : "", in->reason);
	}
	if (rc == -1)
		log_error("StackSet %s: not every stack instance is CURRENT",
		    s->name);
	return rc;
}

int
stackset_deploy(struct cfn *c, const struct stackset_spec *s)
{
	struct cfn_param	 p[1];
	struct cfn_error	 err;
	struct params		 ps;
	struct instances	 is;
	struct xml		*x = NULL;
	int			 r, rc = -1;

	memset(&ps, 0, sizeof(ps));
	memset(&is, 0, sizeof(is));
	memset(&err, 0, sizeof(err));
	p[0] = (struct cfn_param){ "StackSetName", s->name };
	r = cfn_call(c, "DescribeStackSet", p, 1, &x, &err);
	if (r == -1)
		goto out;
	if (r == 1 && (err.code == NULL ||
	    strcmp(err.code, "StackSetNotFoundException") != 0)) {
		cfn_error_report(c, "DescribeStackSet", &err);
		goto out;
	}
	param(&ps, xstrdup("StackSetName"), s->name);
	template_params(&ps, s);
	if (r == 1) {
		param(&ps, xstrdup("Description"), "Deno custom runtime for "
		    "AWS Lambda as a layer (cfngen)");
		param(&ps, xstrdup("PermissionModel"), s->service_managed ?
		    "SERVICE_MANAGED" : "SELF_MANAGED");
		if (s->service_managed) {
			/* accounts that join the OUs get the layer too */
			param(&ps, xstrdup("AutoDeployment.Enabled"), "true");
			param(&ps, xstrdup(
			    "AutoDeployment.RetainStacksOnAccountRemoval"),
			    "false");
		}
		xml_free(x);
		x = NULL;
		if (cfn_call(c, "CreateStackSet", ps.p, ps.n, &x, NULL) != 0)
			goto out;
		log_info("StackSet %s: created (%s)", s->name,
		    s->service_managed ? "SERVICE_MANAGED" : "SELF_MANAGED");
	} else {
		/* the new template, to every instance */
		preferences(&ps, s);
		if (operation(c, s, "UpdateStackSet", &ps, "UpdateStackSet")
		    == -1)
			goto out;
	}
	if (list_instances(c, s, &is) == -1)
		goto out;
	r = create_missing(c, s, &is);
	instances_free(&is);
	/* The table, after a failed operation too: it says where and why. */
	if (list_instances(c, s, &is) == -1)
		goto out;
	if (report(s, &is) == 0 && r == 0)
		rc = 0;
out:
	cfn_error_free(&err);
	params_free(&ps);
	instances_free(&is);
	xml_free(x);
	return rc;
}
