/*
 * The AWS config/credentials INI reader (ini.c): whatever the bytes, no
 * crash or leak; every section and value it reports can be read back.
 */
#include "config.h"

#include "fuzz.h"
#include "ini.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ini	*ini;
	size_t		 i;

	fuzz_quiet();
	if ((ini = ini_parse((const char *)data, size, "fuzz")) == NULL)
		return 0;
	for (i = 0; i < ini_nsections(ini); i++) {
		if (ini_section_name(ini, i) == NULL)
			abort();
		(void)ini_value(ini, i, "aws_access_key_id");
		(void)ini_value(ini, i, "region");
		(void)ini_subvalue(ini, i, "s3", "addressing_style");
		(void)ini_line(ini, i, "region");
	}
	ini_free(ini);
	return 0;
}
