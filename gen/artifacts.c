/* Placeholder until the build module lands. */
#include "config.h"

#include "artifacts.h"
#include "log.h"

int
artifacts_build(const struct options *o, struct build_result *b)
{
	log_error("build: not implemented yet");
	return -1;
}

void
artifacts_free(struct build_result *b)
{
}
