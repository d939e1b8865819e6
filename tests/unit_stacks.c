/* The stacks (stacks.c), from a hand-filled build result. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "artifacts.h"
#include "doc.h"
#include "options.h"
#include "stacks.h"
#include "tap.h"

#define LAYER_KEY	"pre/1111111111111111111111111111111111111111111111111111111111111111.zip"
#define EXAMPLE_KEY	"pre/2222222222222222222222222222222222222222222222222222222222222222.zip"

static struct build_result	b;
static struct stacks_spec	sp;

/* What stacks.h receives of o, as the callers fill it. */
static const struct stacks_spec *
spec(const struct options *o)
{
	options_stacks_spec(o, &sp);
	return &sp;
}

static void
result(enum arch arch, int fits_al2)
{
	memset(&b, 0, sizeof(b));
	b.layer.key = LAYER_KEY;
	b.layer.sha256 = "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789";
	b.example.key = EXAMPLE_KEY;
	b.has_example = 1;
	b.deno_version = "v2.9.5";
	b.arch = arch;
	b.fits_al2 = fits_al2;
}

/* The value at a path like "Resources/Layer/Properties/LayerName". */
static struct doc *
at(struct doc *d, const char *path)
{
	char	*copy = strdup(path), *p, *save = NULL;

	for (p = strtok_r(copy, "/", &save); p && d;
	    p = strtok_r(NULL, "/", &save))
		d = doc_type(d) == DOC_SEQ ? doc_seq_at(d, (size_t)atoi(p)) :
		    doc_map_get(d, p);
	free(copy);
	return d;
}

static const char *
str_at(struct doc *d, const char *path)
{
	return doc_str_val(at(d, path));
}

static struct doc *
build(struct options *o, enum stack_sel which, const char *bucket)
{
	struct doc	*d = stacks_build(spec(o), &b, which, bucket);

	ok(d != NULL, "stack %d builds", (int)which);
	return d;
}

/*
 * Every Ref, GetAtt and ${...} in d names a resource of root or a pseudo
 * parameter; returns the number that do not.
 */
static int
dangling(const struct doc *root, const struct doc *d)
{
	const struct doc	*res = doc_map_get(root, "Resources");
	const char		*name, *s, *open, *close;
	int			 bad = 0;
	size_t			 i;

	switch (doc_type(d)) {
	case DOC_FN:
		name = doc_fn_name(d);
		if (strcmp(name, "Ref") == 0)
			s = doc_str_val(doc_fn_arg(d));
		else if (strcmp(name, "Fn::GetAtt") == 0)
			s = doc_str_val(doc_seq_at(doc_fn_arg(d), 0));
		else if (strcmp(name, "Fn::Sub") == 0) {
			for (s = doc_str_val(doc_fn_arg(d));
			    (open = strstr(s, "${")) != NULL &&
			    (close = strchr(open, '}')) != NULL; s = close + 1) {
				char	*v = strndup(open + 2,
				    (size_t)(close - open - 2));

				if (strchr(v, '.'))
					*strchr(v, '.') = '\0';
				if (strncmp(v, "AWS::", 5) != 0 &&
				    doc_map_get(res, v) == NULL) {
					printf("# dangling ${%s}\n", v);
					bad++;
				}
				free(v);
			}
			return bad;
		} else
			return dangling(root, doc_fn_arg(d));
		if (s == NULL || (strncmp(s, "AWS::", 5) != 0 &&
		    doc_map_get(res, s) == NULL)) {
			printf("# dangling %s %s\n", name, s ? s : "(null)");
			bad++;
		}
		return bad;
	case DOC_MAP:
		for (i = 0; i < doc_len(d); i++)
			bad += dangling(root, doc_map_val_at(d, i));
		return bad;
	case DOC_SEQ:
		for (i = 0; i < doc_len(d); i++)
			bad += dangling(root, doc_seq_at(d, i));
		return bad;
	default:
		return 0;
	}
}

static void
test_layer(void)
{
	struct options	 o;
	struct doc	*d, *v;

	options_init(&o);
	result(ARCH_ARM64, 0);
	d = build(&o, STACK_LAYER, NULL);
	is_str(str_at(d, "Resources/Layer/Type"), "AWS::Lambda::LayerVersion",
	    "layer resource");
	is_str(str_at(d, "Resources/Layer/Properties/LayerName"),
	    "deno-runtime", "default layer name");
	is_str(str_at(d, "Resources/Layer/Properties/Content/S3Key"),
	    LAYER_KEY, "layer key");
	v = at(d, "Resources/Layer/Properties/Content/S3Bucket");
	ok(doc_type(v) == DOC_FN && strcmp(doc_fn_name(v), "Fn::Sub") == 0 &&
	    strcmp(doc_str_val(doc_fn_arg(v)), "cdk-hnb659fds-assets-"
	    "${AWS::AccountId}-${AWS::Region}") == 0,
	    "no bucket: the CDK bootstrap assets bucket");
	is_str(str_at(d, "Resources/Layer/Properties/CompatibleArchitectures/0"),
	    "arm64", "architecture");
	ok(doc_len(at(d, "Resources/Layer/Properties/CompatibleRuntimes")) == 1,
	    "only provided.al2023 when Deno does not fit provided.al2");
	is_str(str_at(d, "Resources/Layer/Properties/LicenseInfo"), "MIT",
	    "license");
	ok(strstr(str_at(d, "Resources/Layer/Properties/Description"),
	    "v2.9.5") != NULL && strstr(str_at(d,
	    "Resources/Layer/Properties/Description"), "arm64") != NULL,
	    "description names version and architecture");
	ok(doc_fn_name(at(d, "Outputs/LayerArn/Value")) != NULL &&
	    strcmp(doc_fn_name(at(d, "Outputs/LayerArn/Value")), "Ref") == 0,
	    "LayerArn is a Ref");
	ok(at(d, "Outputs/LayerArn/Export") == NULL, "no Export by default");
	is_str(str_at(d, "Outputs/LayerArch/Value"), "arm64", "LayerArch");
	is_str(str_at(d, "Outputs/DenoVersion/Value"), "v2.9.5", "DenoVersion");
	ok(dangling(d, d) == 0, "every reference resolves");
	doc_free(d);

	result(ARCH_X86_64, 1);
	options_set(&o, "layer-name", "my_layer-2");
	options_set(&o, "export-layer-arn", NULL);
	d = build(&o, STACK_LAYER, "my-bucket");
	is_str(str_at(d, "Resources/Layer/Properties/Content/S3Bucket"),
	    "my-bucket", "bucket is a literal");
	is_str(str_at(d, "Resources/Layer/Properties/LayerName"),
	    "my_layer-2", "--layer-name");
	is_str(str_at(d, "Resources/Layer/Properties/CompatibleRuntimes/1"),
	    "provided.al2", "provided.al2 too when Deno fits its glibc");
	is_str(str_at(d, "Outputs/LayerArch/Value"), "x86_64", "x86_64");
	ok(at(d, "Outputs/LayerArn/Export/Name") != NULL,
	    "--export-layer-arn adds the Export");
	doc_free(d);

	options_set(&o, "runtime", "provided.al2");
	d = build(&o, STACK_LAYER, NULL);
	ok(doc_len(at(d, "Resources/Layer/Properties/CompatibleRuntimes")) == 1
	    && strcmp(str_at(d, "Resources/Layer/Properties/"
	    "CompatibleRuntimes/0"), "provided.al2") == 0,
	    "--runtime provided.al2 lists it once");
	doc_free(d);
	ok(stacks_build(spec(&o), &b, STACK_EXAMPLE, NULL) == NULL,
	    "no example function on provided.al2");

	options_set(&o, "regions", "eu-west-1,us-east-1");
	d = build(&o, STACK_LAYER, "my-bucket");
	v = at(d, "Resources/Layer/Properties/Content/S3Bucket");
	ok(doc_type(v) == DOC_FN && strcmp(doc_fn_name(v), "Fn::Sub") == 0 &&
	    strcmp(doc_str_val(doc_fn_arg(v)), "cdk-hnb659fds-assets-"
	    "${AWS::AccountId}-${AWS::Region}") == 0,
	    "--regions: the bucket of each region, not the literal");
	doc_free(d);
	options_free(&o);
}

static void
test_example(void)
{
	struct options	 o;
	struct doc	*d, *v;

	options_init(&o);
	result(ARCH_ARM64, 0);
	d = build(&o, STACK_EXAMPLE, NULL);
	ok(at(d, "Resources/Layer") == NULL, "example stack has no layer");
	is_str(str_at(d, "Resources/Function/Properties/Runtime"),
	    "provided.al2023", "default runtime");
	is_str(str_at(d, "Resources/Function/Properties/Handler"),
	    "mod.handler", "handler");
	ok(doc_int_val(at(d, "Resources/Function/Properties/MemorySize")) ==
	    256 && doc_int_val(at(d, "Resources/Function/Properties/Timeout"))
	    == 15, "memory and timeout");
	is_str(str_at(d, "Resources/Function/Properties/Code/S3Key"),
	    EXAMPLE_KEY, "example key");
	v = at(d, "Resources/Function/Properties/Layers/0");
	ok(doc_type(v) == DOC_FN &&
	    strcmp(doc_fn_name(v), "Fn::GetStackOutput") == 0 &&
	    strcmp(str_at(doc_fn_arg(v), "StackName"),
	    "DenoRuntimeLayerStack") == 0 &&
	    strcmp(str_at(doc_fn_arg(v), "OutputName"), "LayerArn") == 0,
	    "separate stack: a weak GetStackOutput of LayerArn");
	ok(strstr(str_at(d, "Resources/Function/Properties/Description"),
	    "abcdef012345") != NULL, "the description names the layer build, "
	    "so a new layer changes the template");
	ok(doc_int_val(at(d, "Resources/FunctionLogGroup/Properties/"
	    "RetentionInDays")) == 30, "log retention 30 days");
	is_str(str_at(d, "Resources/FunctionUrl/Properties/AuthType"), "NONE",
	    "public URL");
	is_str(str_at(d, "Resources/FunctionUrlPermission/Properties/Action"),
	    "lambda:InvokeFunctionUrl", "InvokeFunctionUrl permission");
	is_str(str_at(d, "Resources/FunctionUrlPermission/Properties/"
	    "FunctionUrlAuthType"), "NONE", "... with FunctionUrlAuthType NONE");
	is_str(str_at(d, "Resources/FunctionUrlPermission/Properties/"
	    "Principal"), "*", "... for everyone");
	is_str(str_at(d, "Resources/FunctionInvokePermission/Properties/"
	    "Action"), "lambda:InvokeFunction", "InvokeFunction permission");
	ok(doc_type(at(d, "Resources/FunctionInvokePermission/Properties/"
	    "InvokedViaFunctionUrl")) == DOC_BOOL && doc_bool_val(at(d,
	    "Resources/FunctionInvokePermission/Properties/"
	    "InvokedViaFunctionUrl")), "... with InvokedViaFunctionUrl true");
	is_str(str_at(d, "Resources/FunctionInvokePermission/Properties/"
	    "Principal"), "*", "... for everyone");
	ok(at(d, "Outputs/TestFunctionName") && at(d, "Outputs/TestFunctionUrl"),
	    "outputs");
	ok(dangling(d, d) == 0, "every reference resolves");
	doc_free(d);

	options_set(&o, "layer-stack-name", "OtherStack");
	options_set(&o, "url-auth", "AWS_IAM");
	options_set(&o, "log-retention", "365");
	d = build(&o, STACK_EXAMPLE, NULL);
	is_str(str_at(doc_fn_arg(at(d, "Resources/Function/Properties/Layers/0")),
	    "StackName"), "OtherStack", "--layer-stack-name");
	is_str(str_at(d, "Resources/FunctionUrl/Properties/AuthType"),
	    "AWS_IAM", "--url-auth AWS_IAM");
	ok(at(d, "Resources/FunctionUrlPermission") == NULL &&
	    at(d, "Resources/FunctionInvokePermission") == NULL,
	    "AWS_IAM: no public permissions");
	ok(doc_int_val(at(d, "Resources/FunctionLogGroup/Properties/"
	    "RetentionInDays")) == 365, "--log-retention");
	doc_free(d);

	options_set(&o, "layer-arn",
	    "arn:aws:lambda:eu-west-1:123456789012:layer:deno:7");
	d = build(&o, STACK_EXAMPLE, NULL);
	is_str(str_at(d, "Resources/Function/Properties/Layers/0"),
	    "arn:aws:lambda:eu-west-1:123456789012:layer:deno:7",
	    "--layer-arn is a literal");
	ok(strstr(str_at(d, "Resources/Function/Properties/Description"),
	    "abcdef012345") == NULL, "... and the description stays plain");
	doc_free(d);
	d = build(&o, STACK_ALL, NULL);
	is_str(str_at(d, "Resources/Function/Properties/Layers/0"),
	    "arn:aws:lambda:eu-west-1:123456789012:layer:deno:7",
	    "--layer-arn is honoured with both stacks in one template");
	doc_free(d);

	b.has_example = 0;
	ok(stacks_build(spec(&o), &b, STACK_EXAMPLE, NULL) == NULL,
	    "no example zip: refused");
	b.layer.key = NULL;
	ok(stacks_build(spec(&o), &b, STACK_LAYER, NULL) == NULL,
	    "no layer zip: refused");
	options_free(&o);
}

static void
test_all(void)
{
	struct options	 o;
	struct doc	*d, *v;

	options_init(&o);
	options_set(&o, "create-example", NULL);
	ok(stacks_selected(spec(&o)) == STACK_ALL, "--create-example means all");
	result(ARCH_ARM64, 0);
	d = build(&o, STACK_ALL, NULL);
	ok(at(d, "Resources/Layer") && at(d, "Resources/Function"),
	    "layer and function in one template");
	v = at(d, "Resources/Function/Properties/Layers/0");
	ok(doc_type(v) == DOC_FN && strcmp(doc_fn_name(v), "Ref") == 0 &&
	    strcmp(doc_str_val(doc_fn_arg(v)), "Layer") == 0,
	    "same template: !Ref Layer");
	ok(at(d, "Outputs/LayerArn") && at(d, "Outputs/TestFunctionUrl"),
	    "outputs of both");
	is_str(doc_map_key_at(at(d, "Resources"), 0), "Layer",
	    "the layer comes first");
	ok(dangling(d, d) == 0, "every reference resolves");
	doc_free(d);
	options_free(&o);

	options_init(&o);
	ok(stacks_selected(spec(&o)) == STACK_LAYER, "default: the layer");
	options_free(&o);
}

static void
test_cdk_compat(void)
{
	static const char *const	ids[] = { "DenoRuntimeLayerDC35EB5F",
	    "DenoTestFnRole3E4D7B5D", "DenoTestFunctionFC6C8D1C",
	    "DenoTestFunctionFunctionUrl4B15A6AB",
	    "DenoTestFunctioninvokefunctionurlD20E2616",
	    "DenoTestFunctioninvokefunction34D33F7B", NULL };
	struct options	 o;
	struct doc	*d, *v;
	size_t		 i;

	options_init(&o);
	options_set(&o, "cdk-compat", NULL);
	result(ARCH_ARM64, 0);
	d = build(&o, STACK_ALL, NULL);
	for (i = 0; ids[i] != NULL; i++)
		ok(at(at(d, "Resources"), ids[i]) != NULL, "CDK ID %s", ids[i]);
	ok(at(d, "Resources/Layer") == NULL && at(d, "Resources/Function") ==
	    NULL, "short IDs gone");
	ok(dangling(d, d) == 0, "every reference follows the rename");
	v = at(d, "Resources/DenoTestFunctionFC6C8D1C/Properties/LoggingConfig/"
	    "LogGroup");
	ok(v != NULL && strcmp(doc_fn_name(v), "Ref") == 0,
	    "the function logs to the stack's own log group");
	ok(strstr(doc_str_val(doc_fn_arg(at(d, "Resources/FunctionLogGroup/"
	    "Properties/LogGroupName"))), "DenoTestFunctionFC6C8D1C") == NULL,
	    "whose name is not the CDK function's (it exists already)");
	doc_free(d);
	options_free(&o);
}

int
main(void)
{
	test_layer();
	test_example();
	test_all();
	test_cdk_compat();
	return tap_end();
}
