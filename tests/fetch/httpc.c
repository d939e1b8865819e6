/*
 * A command-line client over http.h, so that tests/fetch.test can check
 * what the S3 upload relies on (bodies streamed from a file, retries that
 * re-read them, redacted logs, kept headers, caps, timeouts) against the
 * loopback server.
 *
 * usage: httpc [-v]... [-X METHOD] [-H NAME:VALUE]... [-S NAME:VALUE]...
 *              [-k HEADER]... [-T FILE | -d DATA] [-o FILE] [-m MAX]
 *              [-r ATTEMPTS] [-c CONNECT_MS] [-t TOTAL_MS] URL
 *
 * -S adds a header marked secret. Prints "status", "attempts", "url",
 * each kept header, "body-bytes" and, for an in-memory body, "body".
 * Exit status 0 when a response arrived, 1 when the transfer failed.
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http.h"
#include "log.h"
#include "outfile.h"
#include "xalloc.h"

#define MAX_ARGS	16

static int
to_file(void *arg, const void *p, size_t n)
{
	return write_all(*(int *)arg, p, n) == -1 ? -1 : 0;
}

static void
add_header(struct http_header *h, size_t *n, char *arg, int secret)
{
	char	*colon = strchr(arg, ':');

	if (colon == NULL || *n == MAX_ARGS) {
		fprintf(stderr, "httpc: bad header %s\n", arg);
		exit(2);
	}
	*colon = '\0';
	h[*n].name = arg;
	h[*n].value = colon + 1 + (colon[1] == ' ');
	h[*n].secret = secret;
	(*n)++;
}

int
main(int argc, char *argv[])
{
	struct http_header	 headers[MAX_ARGS];
	const char		*want[MAX_ARGS + 1];
	struct http_request	 req;
	struct http_response	 resp;
	struct http		*h;
	struct stat		 st;
	size_t			 nwant = 0, i;
	int			 c, out = -1, rc, verbosity = 0;

	memset(&req, 0, sizeof(req));
	req.method = HTTP_GET;
	req.headers = headers;
	while ((c = getopt(argc, argv, "vX:H:S:k:T:d:o:m:r:c:t:")) != -1) {
		switch (c) {
		case 'v':
			verbosity++;
			break;
		case 'X':
			req.method = strcmp(optarg, "PUT") == 0 ? HTTP_PUT :
			    strcmp(optarg, "POST") == 0 ? HTTP_POST :
			    strcmp(optarg, "HEAD") == 0 ? HTTP_HEAD : HTTP_GET;
			break;
		case 'H':
		case 'S':
			add_header(headers, &req.nheaders, optarg, c == 'S');
			break;
		case 'k':
			if (nwant < MAX_ARGS)
				want[nwant++] = optarg;
			break;
		case 'T':
			if ((req.body_fd = open(optarg, O_RDONLY)) == -1 ||
			    fstat(req.body_fd, &st) == -1) {
				perror(optarg);
				return 2;
			}
			req.body_size = (uint64_t)st.st_size;
			req.progress_label = "upload";
			break;
		case 'd':
			req.body = optarg;
			req.body_len = strlen(optarg);
			break;
		case 'o':
			if ((out = open(optarg, O_WRONLY | O_CREAT | O_TRUNC,
			    0644)) == -1) {
				perror(optarg);
				return 2;
			}
			req.sink = to_file;
			req.sink_arg = &out;
			break;
		case 'm':
			req.body_max = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			req.retry = 1;
			req.attempts = atoi(optarg);
			break;
		case 'c':
			req.connect_ms = atol(optarg);
			break;
		case 't':
			req.total_ms = atol(optarg);
			break;
		default:
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: httpc [options] URL\n");
		return 2;
	}
	want[nwant] = NULL;
	req.want_headers = nwant > 0 ? want : NULL;
	req.url = argv[optind];
	log_set_level(verbosity);
	if ((h = http_new()) == NULL)
		return 1;
	rc = http_do(h, &req, &resp);
	printf("status %ld\nattempts %d\nurl %s\n", resp.status, resp.attempts,
	    resp.url ? resp.url : "");
	for (i = 0; i < resp.nheaders; i++)
		printf("header %s: %s\n", resp.headers[2 * i],
		    resp.headers[2 * i + 1]);
	printf("body-bytes %llu\n", (unsigned long long)resp.body_bytes);
	if (req.sink == NULL)
		printf("body %s", resp.body.data ? resp.body.data : "");
	http_response_free(&resp);
	http_free(h);
	if (out != -1)
		close(out);
	return rc == 0 ? 0 : 1;
}
