#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "doc.h"
#include "json.h"
#include "manifest.h"
#include "outfile.h"
#include "outset.h"
#include "xalloc.h"

static struct doc *
manifest_artifact(const struct artifact *a)
{
	struct doc	*d = doc_map();

	/* Relative to the directory that holds manifest.json. */
	doc_map_set(d, "name", doc_str(a->name));
	doc_map_set(d, "path", doc_str(strrchr(a->path, '/') + 1));
	doc_map_set(d, "size", doc_int((long long)a->size));
	doc_map_set(d, "sha256", doc_str(a->sha256));
	doc_map_set(d, "unzippedSize", doc_int((long long)a->unzipped_size));
	return d;
}

int
manifest_write(struct outset *out, const struct build_result *b,
    const char *deno_path, enum lambda_runtime runtime)
{
	struct doc	*root, *inputs, *list;
	struct buf	 text;
	char		*glibc;
	const char	*base;
	int		 rc = -1;

	base = strrchr(deno_path, '/');
	base = base != NULL ? base + 1 : deno_path;
	glibc = xasprintf("%d.%d", b->glibc_major, b->glibc_minor);
	root = doc_map();
	inputs = doc_map();
	doc_map_set(inputs, "arch", doc_str(arch_lambda_name(b->arch)));
	doc_map_set(inputs, "denoVersion", doc_str(b->deno_version));
	doc_map_set(inputs, "runtime", doc_str(runtime_name(runtime)));
	doc_map_set(inputs, "deno", doc_str(base));
	doc_map_set(inputs, "denoSha256", doc_str(b->deno_sha256));
	doc_map_set(inputs, "glibcNeeded", doc_str(glibc));
	doc_map_set(inputs, "fitsProvidedAl2", doc_bool(b->fits_al2));
	list = doc_seq();
	doc_seq_add(list, manifest_artifact(&b->layer));
	if (b->has_example)
		doc_seq_add(list, manifest_artifact(&b->example));
	doc_map_set(root, "generator", doc_str("cfngen " PACKAGE_VERSION));
	doc_map_set(root, "inputs", inputs);
	doc_map_set(root, "artifacts", list);
	buf_init(&text, 0);
	if (json_emit(root, &text) == 0 &&
	    outfile_put_unsynced(outset_add(out, MANIFEST_NAME), text.data,
	    text.len, 0644) == 0)
		rc = 0;
	buf_free(&text);
	doc_free(root);
	free(glibc);
	return rc;
}
