/*
 * The stacks (stacks.h). The skeletons in templates/ give each template its
 * structure, constant values and key order; this file only sets the values
 * that depend on the options and the artifacts, at paths that must already
 * exist in the skeleton, so the two cannot drift apart silently.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "artifacts.h"
#include "assets.h"
#include "buf.h"
#include "log.h"
#include "regions.h"
#include "stacks.h"
#include "xalloc.h"
#include "yamlio.h"

#define LAYER_SKELETON		"templates/layer.yaml"
#define EXAMPLE_SKELETON	"templates/example.yaml"

/* The CDK bootstrap assets bucket of the account and region deployed to. */
#define CDK_ASSETS_BUCKET \
	"cdk-" STACKS_CDK_QUALIFIER "-assets-${AWS::AccountId}-${AWS::Region}"

#define LAYER_ID	"Layer"

/*
 * --cdk-compat: the logical IDs the original CDK app synthesized, so a
 * stack it deployed is updated in place (same function, same URL).
 */
static const struct {
	const char	*id;
	const char	*cdk_id;
} cdk_ids[] = {
	{ LAYER_ID,			"DenoRuntimeLayerDC35EB5F" },
	{ "FunctionRole",		"DenoTestFnRole3E4D7B5D" },
	{ "Function",			"DenoTestFunctionFC6C8D1C" },
	{ "FunctionUrl",		"DenoTestFunctionFunctionUrl4B15A6AB" },
	{ "FunctionUrlPermission",	"DenoTestFunctioninvokefunctionurlD20E2616" },
	{ "FunctionInvokePermission",	"DenoTestFunctioninvokefunction34D33F7B" },
};

enum stack_sel
stacks_selected(const struct stacks_spec *s)
{
	if (s->stack != STACK_UNSET)
		return s->stack;
	return s->create_example ? STACK_ALL : STACK_LAYER;
}

static struct doc *
skeleton(const char *name)
{
	const struct asset	*a = asset_get(name);

	if (a == NULL) {
		log_error("%s: not compiled into this cfngen", name);
		return NULL;
	}
	return yamlio_parse((const char *)a->data, a->size, name);
}

/*
 * Replaces the value at path ("Resources/Layer/Properties/LayerName"),
 * which must exist. Takes ownership of val.
 */
static int
set_at(struct doc *root, const char *skel, const char *path, struct doc *val)
{
	struct doc	*d = root;
	char		*copy = xstrdup(path), *p = copy, *slash;
	int		 rc = -1;

	while ((slash = strchr(p, '/')) != NULL) {
		*slash = '\0';
		if ((d = doc_map_get(d, p)) == NULL)
			break;
		p = slash + 1;
	}
	if (d == NULL || doc_map_get(d, p) == NULL) {
		log_error("%s: no %s (the skeleton and cfngen disagree)", skel,
		    path);
		doc_free(val);
	} else
		rc = doc_map_set(d, p, val);
	free(copy);
	return rc;
}

static struct doc *
get_at(struct doc *root, const char *skel, const char *path)
{
	struct doc	*d = root;
	char		*copy = xstrdup(path), *p = copy, *slash;

	for (;;) {
		slash = strchr(p, '/');
		if (slash != NULL)
			*slash = '\0';
		if ((d = doc_map_get(d, p)) == NULL || slash == NULL)
			break;
		p = slash + 1;
	}
	if (d == NULL)
		log_error("%s: no %s (the skeleton and cfngen disagree)", skel,
		    path);
	free(copy);
	return d;
}

static struct doc *
seq_of(struct doc *item)
{
	struct doc	*s = doc_seq();

	doc_seq_add(s, item);
	return s;
}

/*
 * The artifacts' bucket: a !Sub of --bucket-pattern, so one text deploys in
 * any region; with --regions and no pattern the CDK bootstrap bucket of each
 * region, likewise; else the bucket given or uploaded to, else the CDK one.
 */
static struct doc *
bucket_value(const struct stacks_spec *s, const char *bucket)
{
	struct doc	*d;
	char		*sub;

	/* a bucket name has no '$': this is already a Sub (StackSets) */
	if (bucket != NULL && strstr(bucket, "${") != NULL)
		return doc_fn("Fn::Sub", doc_str(bucket));
	if (s->bucket_pattern != NULL) {
		sub = regions_pattern_sub(s->bucket_pattern);
		d = doc_fn("Fn::Sub", doc_str(sub));
		free(sub);
		return d;
	}
	if (bucket != NULL && !s->multi_region)
		return doc_str(bucket);
	return doc_fn("Fn::Sub", doc_str(CDK_ASSETS_BUCKET));
}

/*
 * --share: one AWS::Lambda::LayerVersionPermission per principal, bound to
 * this layer version, right after the layer in Resources. Public is '*';
 * an organization is '*' narrowed by OrganizationId.
 */
static int
add_shares(struct doc *d, const char *sk, const char *share)
{
	struct doc	*res, *r, *props;
	const char	*p = share;
	char		*item, *id;
	size_t		 n, pos = 1;
	int		 rc = 0;

	if ((res = get_at(d, sk, "Resources")) == NULL)
		return -1;
	while (rc == 0 && *p != '\0') {
		n = strcspn(p, ",");
		item = xstrndup(p, n);
		props = doc_map();
		doc_map_set(props, "Action", doc_str("lambda:GetLayerVersion"));
		doc_map_set(props, "LayerVersionArn", doc_fn("Ref",
		    doc_str(LAYER_ID)));
		if (strcmp(item, "public") == 0) {
			id = xstrdup(LAYER_ID "SharePublic");
			doc_map_set(props, "Principal", doc_str("*"));
		} else if (strncmp(item, "o-", 2) == 0) {
			/* logical IDs are alphanumeric: drop the "o-" */
			id = xasprintf(LAYER_ID "ShareOrg%s", item + 2);
			doc_map_set(props, "Principal", doc_str("*"));
			doc_map_set(props, "OrganizationId", doc_str(item));
		} else {
			id = xasprintf(LAYER_ID "ShareAccount%s", item);
			doc_map_set(props, "Principal", doc_str(item));
		}
		r = doc_map();
		doc_map_set(r, "Type",
		    doc_str("AWS::Lambda::LayerVersionPermission"));
		doc_map_set(r, "Properties", props);
		rc = doc_map_insert_at(res, pos++, id, r);
		free(id);
		free(item);
		p += n + (p[n] == ',');
	}
	return rc;
}

static struct doc *
layer_stack(const struct stacks_spec *s, const struct build_result *b,
    const char *bucket)
{
	struct doc	*d, *runtimes, *arn, *export;
	const char	*arch = arch_lambda_name(b->arch), *sk = LAYER_SKELETON;
	char		*desc;
	int		 rc = 0;

	if (b->layer.key == NULL || b->deno_version == NULL) {
		log_error("%s: the layer was not built", STACKS_LAYER_STACK);
		return NULL;
	}
	if ((d = skeleton(sk)) == NULL)
		return NULL;
	runtimes = seq_of(doc_str(runtime_name(s->runtime)));
	/* provided.al2 too, when Deno fits its glibc 2.26 */
	if (s->runtime != RUNTIME_AL2 && b->fits_al2)
		doc_seq_add(runtimes, doc_str(runtime_name(RUNTIME_AL2)));
	desc = xasprintf("Deno %s custom runtime for AWS Lambda (%s)",
	    b->deno_version, arch);
#define L "Resources/" LAYER_ID "/Properties/"
	rc |= set_at(d, sk, L "LayerName", doc_str(s->layer_name));
	rc |= set_at(d, sk, L "Description", doc_str(desc));
	rc |= set_at(d, sk, L "Content/S3Bucket", bucket_value(s, bucket));
	rc |= set_at(d, sk, L "Content/S3Key", doc_str(b->layer.key));
	rc |= set_at(d, sk, L "CompatibleArchitectures", seq_of(doc_str(arch)));
	rc |= set_at(d, sk, L "CompatibleRuntimes", runtimes);
#undef L
	rc |= set_at(d, sk, "Outputs/LayerArch/Value", doc_str(arch));
	rc |= set_at(d, sk, "Outputs/DenoVersion/Value",
	    doc_str(b->deno_version));
	free(desc);
	if (rc == 0 && s->export_layer_arn) {
		if ((arn = get_at(d, sk, "Outputs/LayerArn")) == NULL)
			rc = -1;
		else {
			export = doc_map();
			doc_map_set(export, "Name", doc_fn("Fn::Sub",
			    doc_str("${AWS::StackName}-LayerArn")));
			rc = doc_map_set(arn, "Export", export);
		}
	}
	if (rc == 0 && s->share != NULL)
		rc = add_shares(d, sk, s->share);
	if (rc != 0) {
		doc_free(d);
		return NULL;
	}
	return d;
}

/* How the example function names its layer. */
static struct doc *
layer_reference(const struct stacks_spec *s, enum stack_sel which)
{
	struct doc	*m;

	if (s->layer_arn != NULL)
		return doc_str(s->layer_arn);
	if (which == STACK_ALL)
		return doc_fn("Ref", doc_str(LAYER_ID));
	/* A weak reference: no export to block the next layer version. */
	m = doc_map();
	doc_map_set(m, "StackName", doc_str(s->layer_stack_name));
	doc_map_set(m, "OutputName", doc_str("LayerArn"));
	return doc_fn("Fn::GetStackOutput", m);
}

static struct doc *
example_stack(const struct stacks_spec *s, const struct build_result *b,
    enum stack_sel which, const char *bucket)
{
	struct doc	*d, *res;
	const char	*sk = EXAMPLE_SKELETON;
	int		 rc = 0;

	if (!b->has_example || b->example.key == NULL) {
		log_error("%s: the example function was not built",
		    STACKS_EXAMPLE_STACK);
		return NULL;
	}
	if (s->runtime == RUNTIME_AL2) {
		/* options_finish() refuses this; keep every template deployable */
		log_error("%s: Lambda no longer creates provided.al2 functions",
		    STACKS_EXAMPLE_STACK);
		return NULL;
	}
	if ((d = skeleton(sk)) == NULL)
		return NULL;
#define F "Resources/Function/Properties/"
	rc |= set_at(d, sk, F "Runtime", doc_str(runtime_name(s->runtime)));
	rc |= set_at(d, sk, F "Architectures",
	    seq_of(doc_str(arch_lambda_name(b->arch))));
	rc |= set_at(d, sk, F "Code/S3Bucket", bucket_value(s, bucket));
	rc |= set_at(d, sk, F "Code/S3Key", doc_str(b->example.key));
	rc |= set_at(d, sk, F "Layers", seq_of(layer_reference(s, which)));
	if (s->layer_arn == NULL && which != STACK_ALL) {
		/*
		 * Fn::GetStackOutput is resolved when the stack is updated,
		 * and "aws cloudformation deploy" skips a template that did
		 * not change; naming the layer build in the description makes
		 * a new layer a change, so the function picks it up.
		 */
		const char	*id = b->layer.sha256 ? b->layer.sha256 :
		    b->layer.key;
		char		*desc = xasprintf("Example Deno function on the "
		    "Deno custom runtime layer (layer %.12s)", id ? id : "?");

		rc |= set_at(d, sk, F "Description", doc_str(desc));
		free(desc);
	}
#undef F
	rc |= set_at(d, sk, "Resources/FunctionLogGroup/Properties/"
	    "RetentionInDays", doc_int(s->log_retention));
	rc |= set_at(d, sk, "Resources/FunctionUrl/Properties/AuthType",
	    doc_str(s->url_auth == URL_AUTH_AWS_IAM ? "AWS_IAM" : "NONE"));
	if (rc == 0 && s->cdk_compat) {
		/*
		 * The function CDK deployed has most likely run, so Lambda
		 * has made /aws/lambda/<its name> already, and creating a
		 * log group of that name would fail the update. Log to a
		 * group of our own instead, named without the function (which
		 * then refers to it).
		 */
		struct doc	*props, *lc = doc_map();

		doc_map_set(lc, "LogGroup", doc_fn("Ref",
		    doc_str("FunctionLogGroup")));
		rc |= set_at(d, sk, "Resources/FunctionLogGroup/Properties/"
		    "LogGroupName", doc_fn("Fn::Sub", doc_str(
		    "/aws/lambda/${AWS::StackName}-DenoTestFunction")));
		if ((props = get_at(d, sk, "Resources/Function/Properties"))
		    == NULL)
			rc = -1;
		rc |= doc_map_set(props, "LoggingConfig", lc);
	}
	if (rc == 0 && s->url_auth == URL_AUTH_AWS_IAM) {
		/* IAM callers are authorised by their own policies. */
		if ((res = get_at(d, sk, "Resources")) == NULL ||
		    doc_map_del(res, "FunctionUrlPermission") == -1 ||
		    doc_map_del(res, "FunctionInvokePermission") == -1)
			rc = -1;
	}
	if (rc != 0) {
		doc_free(d);
		return NULL;
	}
	return d;
}

/* Moves the entries of section (Resources, Outputs) of from into to. */
static int
merge_section(struct doc *to, const struct doc *from, const char *section)
{
	struct doc	*dst = doc_map_get(to, section);
	const struct doc *src = doc_map_get(from, section);
	size_t		 i;

	if (dst == NULL || src == NULL)
		return -1;
	for (i = 0; i < doc_len(src); i++) {
		const char	*k = doc_map_key_at(src, i);

		if (doc_map_get(dst, k) != NULL) {
			log_error("%s: %s %s is in both stacks", LAYER_SKELETON,
			    section, k);
			return -1;
		}
		doc_map_set(dst, k, doc_copy(doc_map_val_at(src, i)));
	}
	return 0;
}

static const char *
cdk_id(const char *id)
{
	size_t	i;

	for (i = 0; i < sizeof(cdk_ids) / sizeof(cdk_ids[0]); i++)
		if (strcmp(cdk_ids[i].id, id) == 0)
			return cdk_ids[i].cdk_id;
	return NULL;
}

static struct doc *
renamed_str(const char *s)
{
	const char	*n = cdk_id(s);

	return doc_str(n ? n : s);
}

/*
 * The ${Name} and ${Name.Attr} references of an Fn::Sub string, renamed;
 * NULL if the string does not fit in memory.
 */
static struct doc *
renamed_sub(const char *s)
{
	struct buf	 b;
	const char	*p = s, *open, *close, *dot, *n;
	struct doc	*d;
	char		*name;
	int		 rc = 0;

	buf_init(&b, 0);	/* no cap: these adds cannot fail */
	while (rc == 0 && (open = strstr(p, "${")) != NULL &&
	    (close = strchr(open, '}')) != NULL) {
		rc = buf_add(&b, p, (size_t)(open - p) + 2);
		p = open + 2;
		if (rc == 0 && *p != '!') {	/* ${!Literal} is text */
			dot = memchr(p, '.', (size_t)(close - p));
			name = xstrndup(p, (size_t)((dot ? dot : close) - p));
			if ((n = cdk_id(name)) != NULL) {
				rc = buf_adds(&b, n);
				p += strlen(name);
			}
			free(name);
		}
		if (rc == 0)
			rc = buf_add(&b, p, (size_t)(close - p) + 1);
		p = close + 1;
	}
	d = rc == 0 && buf_adds(&b, p) == 0 ? doc_str(b.data) : NULL;
	buf_free(&b);
	return d;
}

static struct doc	*renamed(const struct doc *);

/* Copies an intrinsic with the logical IDs it names renamed. */
static struct doc *
renamed_fn(const struct doc *d)
{
	const char	*name = doc_fn_name(d);
	struct doc	*arg = doc_fn_arg(d), *seq;
	size_t		 i;

	if (strcmp(name, "Ref") == 0 && doc_type(arg) == DOC_STR)
		return doc_fn(name, renamed_str(doc_str_val(arg)));
	if (strcmp(name, "Fn::Sub") == 0 && doc_type(arg) == DOC_STR)
		return doc_fn(name, renamed_sub(doc_str_val(arg)));
	if ((strcmp(name, "Fn::GetAtt") == 0 || strcmp(name, "Fn::Sub") == 0)
	    && doc_type(arg) == DOC_SEQ && doc_len(arg) > 0 &&
	    doc_type(doc_seq_at(arg, 0)) == DOC_STR) {
		seq = doc_seq();
		doc_seq_add(seq, name[4] == 'G' ?
		    renamed_str(doc_str_val(doc_seq_at(arg, 0))) :
		    renamed_sub(doc_str_val(doc_seq_at(arg, 0))));
		for (i = 1; i < doc_len(arg); i++)
			doc_seq_add(seq, renamed(doc_seq_at(arg, i)));
		return doc_fn(name, seq);
	}
	return doc_fn(name, renamed(arg));
}

/* A copy of d with the logical IDs it refers to renamed (--cdk-compat). */
static struct doc *
renamed(const struct doc *d)
{
	struct doc	*c;
	const char	*k;
	size_t		 i;

	switch (doc_type(d)) {
	case DOC_FN:
		return renamed_fn(d);
	case DOC_SEQ:
		c = doc_seq();
		for (i = 0; i < doc_len(d); i++)
			doc_seq_add(c, renamed(doc_seq_at(d, i)));
		return c;
	case DOC_MAP:
		c = doc_map();
		for (i = 0; i < doc_len(d); i++) {
			k = doc_map_key_at(d, i);
			if (strcmp(k, "DependsOn") == 0 &&
			    doc_type(doc_map_val_at(d, i)) == DOC_STR)
				doc_map_set(c, k, renamed_str(doc_str_val(
				    doc_map_val_at(d, i))));
			else if (strcmp(k, "DependsOn") == 0) {
				const struct doc	*v = doc_map_val_at(d, i);
				struct doc		*s = doc_seq();
				size_t			 j;

				for (j = 0; j < doc_len(v); j++)
					doc_seq_add(s, doc_type(doc_seq_at(v, j))
					    == DOC_STR ? renamed_str(doc_str_val(
					    doc_seq_at(v, j))) :
					    renamed(doc_seq_at(v, j)));
				doc_map_set(c, k, s);
			} else
				doc_map_set(c, k, renamed(doc_map_val_at(d, i)));
		}
		return c;
	default:
		return doc_copy(d);
	}
}

/* --cdk-compat: the CDK app's logical IDs, in the resources and every reference. */
static struct doc *
with_cdk_ids(struct doc *d)
{
	struct doc	*c, *res;
	size_t		 i;

	c = renamed(d);
	doc_free(d);
	res = doc_map_get(c, "Resources");
	for (i = 0; i < doc_len(res); i++) {
		const char	*n = cdk_id(doc_map_key_at(res, i));

		if (n != NULL)
			doc_map_rename(res, doc_map_key_at(res, i), n);
	}
	return c;
}

struct doc *
stacks_build(const struct stacks_spec *s, const struct build_result *b,
    enum stack_sel which, const char *bucket)
{
	struct doc	*d = NULL, *ex = NULL;

	switch (which) {
	case STACK_LAYER:
		d = layer_stack(s, b, bucket);
		break;
	case STACK_EXAMPLE:
		d = example_stack(s, b, which, bucket);
		break;
	case STACK_ALL:
		if ((d = layer_stack(s, b, bucket)) == NULL ||
		    (ex = example_stack(s, b, which, bucket)) == NULL ||
		    merge_section(d, ex, "Resources") == -1 ||
		    merge_section(d, ex, "Outputs") == -1 ||
		    doc_map_set(d, "Description", doc_str("Deno custom runtime "
		    "for AWS Lambda as a layer, and an example function on "
		    "it")) == -1) {
			doc_free(d);
			d = NULL;
		}
		doc_free(ex);
		break;
	default:
		log_error("templates: no stack selected");
		break;
	}
	if (d != NULL && s->cdk_compat)
		d = with_cdk_ids(d);
	return d;
}
