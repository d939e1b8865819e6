/* Shared by the libFuzzer targets: quiet logging, a NUL-terminated copy. */
#ifndef CFNGEN_FUZZ_H
#define CFNGEN_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Diagnostics would drown the fuzzer's own output. */
static void __attribute__((unused))
fuzz_quiet(void)
{
	log_set_level(LOG_SILENT);
}

static char * __attribute__((unused))
fuzz_cstr(const uint8_t *data, size_t size)
{
	char	*s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
