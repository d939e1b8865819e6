#include "config.h"

#include <sys/stat.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "builds.h"
#include "cache.h"
#include "digest.h"
#include "layer.h"
#include "log.h"
#include "xalloc.h"

#define BUILD_MAGIC	"cfngen-build 1"

char *
builds_key(const char *deno_sha256, int from_zip, enum arch arch,
    enum lambda_runtime runtime)
{
	struct stat	 st;
	unsigned char	 md[SHA256_LEN];
	char		*exe, *text, *libs, *key;

	if (stat("/proc/self/exe", &st) == -1)
		return NULL;
	exe = cache_identity_name(&st);
	libs = layer_zip_libraries();
	text = xasprintf(BUILD_MAGIC "\ncfngen %s %s\n%s\ndeno %s %s\n"
	    "arch %s\nruntime %s\n", PACKAGE_VERSION, exe, libs,
	    from_zip ? "zip" : "bin", deno_sha256, arch_lambda_name(arch),
	    runtime_name(runtime));
	sha256_buf(text, strlen(text), md);
	key = xmalloc(SHA256_HEX_LEN + 1);
	hex_encode(md, SHA256_LEN, key);
	free(exe);
	free(text);
	free(libs);
	return key;
}

int
builds_recall(struct cache *c, const char *key, const char *prefix,
    struct artifact *layer)
{
	unsigned char	 md[SHA256_LEN];
	char		 hex[SHA256_HEX_LEN + 1];
	char		*text;
	uint64_t	 size, unzipped;
	int		 i, rc = -1;

	if ((text = cache_get(c, "builds", key, BUILD_MAGIC)) == NULL)
		goto out;
	if (cache_field_hex(text, "sha256", hex) == -1 ||
	    cache_field_u64(text, "size", UINT64_MAX, &size) == -1 ||
	    cache_field_u64(text, "unzipped", LAMBDA_UNZIPPED_MAX, &unzipped) ==
	    -1) {
		log_verbose("builds/%s: not a valid record; ignoring it", key);
		goto out;
	}
	for (i = 0; i < SHA256_LEN; i++)
		md[i] = (unsigned char)(hex_digit(hex[2 * i]) << 4 |
		    hex_digit(hex[2 * i + 1]));
	artifact_set(layer, "layer", NULL, size, md, unzipped, prefix);
	log_verbose("layer: built before from the same inputs (builds/%s)",
	    key);
	rc = 0;
out:
	free(text);
	return rc;
}

void
builds_record(struct cache *c, const char *key, const struct artifact *layer)
{
	char	*text;

	text = xasprintf(BUILD_MAGIC "\nsha256 %s\nsize %" PRIu64 "\n"
	    "unzipped %" PRIu64 "\n", layer->sha256, layer->size,
	    layer->unzipped_size);
	cache_put(c, "builds", key, text);
	free(text);
}
