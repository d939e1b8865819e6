/*
 * S3 redirect targets (s3.c): whatever a Location or <Endpoint> says,
 * s3_redirect_region must not crash, and a region it returns must be a
 * valid region name that the input spells out after "s3." in a host of
 * S3's own domain. The first byte picks the region signed for (a partition
 * each). Seeds: tests/fuzz/corpus/redirect.
 */
#include "config.h"

#include "fuzz.h"
#include "options.h"
#include "s3.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const regions[] = {
		"us-east-1", "cn-north-1", "us-gov-west-1", "eu-central-1"
	};
	const char	*region;
	char		*where, *r, *at;

	fuzz_quiet();
	region = regions[size > 0 ? data[0] % 4 : 0];
	where = fuzz_cstr(data, size);
	if ((r = s3_redirect_region(where, "cfngen-test", region)) != NULL) {
		if (valid_region(r) == -1)
			abort();
		/* Only "s3.REGION." or "BUCKET.s3.REGION." hosts qualify. */
		at = strstr(where, r);
		if (at == NULL || at - where < 3 || strncmp(at - 3, "s3.", 3) != 0 ||
		    at[strlen(r)] != '.' || strchr(r, '/') != NULL)
			abort();
		free(r);
	}
	free(where);
	return 0;
}
