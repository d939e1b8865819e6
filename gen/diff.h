/*
 * Unified diffs of two texts, line by line, for --check. No file I/O; the
 * one failure (out is full) is reported through log.h.
 */
#ifndef CFNGEN_DIFF_H
#define CFNGEN_DIFF_H

#include <stddef.h>

#include "buf.h"

/*
 * Appends to out a unified diff (3 lines of context, "---"/"+++" headers
 * naming a_name and b_name) that turns text a into text b. Returns 0 when
 * the texts are equal (nothing appended), 1 when they differ, -1 when out
 * is full (reported).
 */
int	diff_unified(const char *a, size_t alen, const char *b, size_t blen,
	    const char *a_name, const char *b_name, struct buf *out);

#endif
