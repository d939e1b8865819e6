/* Placeholder until the templates module lands. */
#include "config.h"

#include "output.h"
#include "log.h"

int
output_templates(const struct options *o, const struct build_result *b, const char *bucket)
{
	log_error("templates: not implemented yet");
	return -1;
}
