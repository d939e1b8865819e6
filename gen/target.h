/*
 * What a run makes: for which architecture, Lambda runtime and Deno
 * version; which stacks, in which template format, with which function URL
 * auth. options.h sets these; the modules that act on them (stacks.h,
 * output.h, deno_source.h ...) receive them in their own small structs and
 * need not see struct options.
 */
#ifndef CFNGEN_TARGET_H
#define CFNGEN_TARGET_H

enum arch {
	ARCH_ARM64,
	ARCH_X86_64
};

enum lambda_runtime {
	RUNTIME_AL2023,
	RUNTIME_AL2
};

enum stack_sel {
	STACK_UNSET,		/* layer, or all with --create-example */
	STACK_LAYER,
	STACK_EXAMPLE,
	STACK_ALL
};

enum format {
	FORMAT_YAML,
	FORMAT_JSON
};

enum url_auth {
	URL_AUTH_NONE,
	URL_AUTH_AWS_IAM
};

/* Names as AWS and Deno spell them. Static strings. */
const char	*arch_lambda_name(enum arch);	/* "arm64", "x86_64" */
const char	*arch_deno_name(enum arch);	/* "aarch64", "x86_64" */
const char	*runtime_name(enum lambda_runtime); /* "provided.al2023" */

/*
 * The one rule for a Deno version, wherever it comes from (--deno, a
 * binary's --version, the release site's newest): "latest", or
 * [v]MAJOR.MINOR.PATCH with an optional -pre.release suffix. 0 when valid;
 * then *normalised (if not NULL) is a new copy, with the leading "v" of
 * a version (the caller frees it). -1, and *normalised NULL, if not.
 */
int		 valid_deno_version(const char *, char **normalised);

#endif
