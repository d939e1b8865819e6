/*
 * Test helper: reads JSON on stdin, prints it as YAML (yamlio_emit) or JSON
 * (json_emit) on stdout, so tests/templates.test can check what another
 * YAML reader makes of cfngen's output. usage: doc_convert yaml|json
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "doc.h"
#include "json.h"
#include "outfile.h"
#include "xalloc.h"
#include "yamlio.h"

int
main(int argc, char *argv[])
{
	struct buf	 in, out;
	struct doc	*d;
	char		 chunk[65536];
	ssize_t		 n;
	int		 rc = 1;

	if (argc != 2 || (strcmp(argv[1], "yaml") != 0 &&
	    strcmp(argv[1], "json") != 0)) {
		fputs("usage: doc_convert yaml|json <json\n", stderr);
		return 2;
	}
	buf_init(&in, 0);
	buf_init(&out, 0);
	while ((n = read(STDIN_FILENO, chunk, sizeof(chunk))) > 0)
		if (buf_add(&in, chunk, (size_t)n) == -1)
			abort();
	if (n == 0 && (d = json_parse(in.data, in.len, "stdin")) != NULL) {
		if ((strcmp(argv[1], "yaml") == 0 ? yamlio_emit(d, NULL, &out) :
		    json_emit(d, &out)) == 0 &&
		    write_all(STDOUT_FILENO, out.data, out.len) == 0)
			rc = 0;
		doc_free(d);
	}
	buf_free(&in);
	buf_free(&out);
	return rc;
}
