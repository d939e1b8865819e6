#include "config.h"

#include "elf.h"
#include "tap.h"

int
main(void)
{
	struct elf_info	 info;
	const char	*why;

	ok(elf_parse_buf("#!/bin/sh\n", 10, &info, &why) == ELF_NOT_ELF,
	    "a script is not ELF");
	return tap_end();
}
