#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "layer_input.h"
#include "log.h"
#include "source.h"
#include "xalloc.h"

int
source_open(const struct deno_source_spec *ds, struct cache *c,
    struct source *s)
{
	struct stat	st;

	if (deno_source_resolve(ds, c, &s->in) == -1)
		return -1;
	if (s->in.bin_path != NULL) {
		s->what = xasprintf("--deno-bin %s", s->in.bin_path);
		if (stat(s->in.bin_path, &st) == -1) {
			log_usage("%s: %s", s->what, strerror(errno));
			return -1;
		}
		s->size = (uint64_t)st.st_size;
		return 0;
	}
	s->what = ds->zip != NULL ? xasprintf("--deno-zip %s", ds->zip) :
	    xstrdup(s->in.zip_path);
	if ((s->zip = layer_input_open(s->in.zip_path, "deno", s->what)) == NULL)
		return -1;
	s->size = layer_input_size(s->zip);
	return 0;
}

void
source_close(struct source *s)
{
	layer_input_close(s->zip);
	deno_input_free(&s->in);
	free(s->what);
}

const char *
source_path(const struct source *s)
{
	return s->in.bin_path != NULL ? s->in.bin_path : s->in.zip_path;
}

int
source_known(struct cache *c, struct source *s)
{
	struct stat	 st;
	char		*name, *text;
	int		 rc = 0;

	if (s->in.bin_path == NULL && s->in.zip_sha256 != NULL &&
	    valid_sha256_hex(s->in.zip_sha256) == 0) {
		memcpy(s->sha256, s->in.zip_sha256, SHA256_HEX_LEN + 1);
		return 1;
	}
	if (stat(source_path(s), &st) == -1)
		return 0;
	name = cache_identity_name(&st);
	if ((text = cache_get(c, "digests", name, "cfngen-digest 1")) !=
	    NULL && cache_field_hex(text, "sha256", s->sha256) == 0) {
		log_verbose("%s: SHA-256 remembered (digests/%s)",
		    source_path(s), name);
		rc = 1;
	}
	free(text);
	free(name);
	return rc;
}

static int
same_file_state(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

int
source_digest(struct cache *c, struct source *s)
{
	struct stat	 before, after;
	unsigned char	 md[SHA256_LEN];
	char		*name, *text;
	int		 settled;

	settled = stat(source_path(s), &before) == 0;
	if (sha256_file(source_path(s), md, NULL) == -1)
		return -1;
	hex_encode(md, SHA256_LEN, s->sha256);
	/*
	 * A file written in the last seconds could be written again within
	 * the resolution of its timestamps: remember settled files only.
	 */
	settled = settled && stat(source_path(s), &after) == 0 &&
	    same_file_state(&before, &after) && cache_settled(&after);
	if (settled) {
		name = cache_identity_name(&after);
		text = xasprintf("cfngen-digest 1\nsha256 %s\n", s->sha256);
		cache_put(c, "digests", name, text);
		free(text);
		free(name);
	}
	return 0;
}
