#include "config.h"

#include <string.h>

#include "assets.h"

const struct asset *
asset_get(const char *name)
{
	size_t	i;

	for (i = 0; i < assets_count; i++)
		if (strcmp(assets_table[i].name, name) == 0)
			return &assets_table[i];
	return NULL;
}
