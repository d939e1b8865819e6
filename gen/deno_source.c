#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "deno_source.h"
#include "log.h"
#include "xalloc.h"

int
deno_source_resolve(const struct options *o, struct deno_input *in)
{
	memset(in, 0, sizeof(*in));
	if (strcmp(o->deno_version, "latest") == 0 &&
	    (o->deno_bin || o->deno_zip)) {
		log_usage("--deno latest: give the version of the Deno in %s",
		    o->deno_bin ? o->deno_bin : o->deno_zip);
		return -1;
	}
	in->version = xstrdup(o->deno_version);
	if (o->deno_bin) {
		in->bin_path = xstrdup(o->deno_bin);
		return 0;
	}
	if (o->deno_zip) {
		in->zip_path = xstrdup(o->deno_zip);
		return 0;
	}
	log_error("Deno %s: downloading and the cache are not implemented yet; "
	    "pass --deno-zip or --deno-bin", o->deno_version);
	deno_input_free(in);
	return -1;
}

int
deno_source_fetch(const struct options *o)
{
	log_error("fetch: not implemented yet");
	return -1;
}

void
deno_input_free(struct deno_input *in)
{
	if (in == NULL)
		return;
	free(in->zip_path);
	free(in->bin_path);
	free(in->version);
	free(in->zip_sha256);
	memset(in, 0, sizeof(*in));
}
