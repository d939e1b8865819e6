/*
 * The S3/STS reply reader (xml.c): whatever the bytes, no crash or leak,
 * and a failure always says why.
 */
#include "config.h"

#include "fuzz.h"
#include "xml.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xml	*x;
	const char	*why = NULL;
	int		 line = 0;

	fuzz_quiet();
	if ((x = xml_parse((const char *)data, size, &why, &line)) == NULL) {
		if (why == NULL)
			abort();
		return 0;
	}
	(void)xml_get(x, "Error/Code");
	(void)xml_get(x, "Error/Message");
	(void)xml_get(x, "GetCallerIdentityResponse/GetCallerIdentityResult/Account");
	xml_free(x);
	return 0;
}
