/*
 * Templates out: builds the stack documents (stacks.h) for the artifacts
 * and writes them as YAML or JSON beside the artifacts (--out-dir, or
 * cfngen build's directory), to stdout or -o FILE, or compares them with
 * --check FILE.
 *
 * bucket: where the artifacts are (after an upload), or NULL for
 * --bucket / the CDK bootstrap bucket of the deploying account.
 */
#ifndef CFNGEN_OUTPUT_H
#define CFNGEN_OUTPUT_H

#include "stacks.h"
#include "target.h"

struct buf;
struct build_result;
struct outset;

/*
 * Where the templates go and in what form (options_output_spec() fills it
 * from the options). The strings are borrowed and must outlive the calls.
 */
struct output_spec {
	struct stacks_spec	 stacks;	/* what they hold */
	enum format		 format;
	const char		*out_dir;	/* --out-dir, or NULL */
	const char		*bucket;	/* --bucket, or NULL */
	const char		*check;		/* --check FILE, or NULL */
	const char		*output;	/* -o; NULL or "-": stdout */
};

/*
 * The stack templates for the output directory (--out-dir), staged in out
 * to land with the artifacts; nothing without an output directory.
 * Reports; -1 on error.
 */
int	output_stage(const struct output_spec *, const struct build_result *,
	    struct outset *out, const char *bucket);
/*
 * The selected template to stdout or -o FILE, or compared with --check
 * FILE. Returns 0, -1 on error, or 1 when --check found a difference.
 */
int	output_templates(const struct output_spec *,
	    const struct build_result *, const char *bucket);

/* The text of one stack's template in the chosen format, appended to out. */
int	output_render(const struct output_spec *, const struct build_result *,
	    enum stack_sel, const char *bucket, struct buf *out);

#endif
