#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>
#include <zlib.h>

#include "digest.h"
#include "layer.h"
#include "log.h"
#include "outfile.h"
#include "xalloc.h"

#define IO_CHUNK	(1 << 18)

struct layer_input {
	char		*path;
	char		*what;		/* how the user named it */
	zip_t		*za;
	zip_uint64_t	 idx;
	uint64_t	 size;
	uint64_t	 comp_size;
};

struct layer_input *
layer_input_open(const char *path, const char *name, const char *what)
{
	struct layer_input	*in;
	zip_source_t		*src;
	zip_error_t		 ze;
	zip_stat_t		 st;
	zip_int64_t		 idx;
	int			 code;

	in = xcalloc(1, sizeof(*in));
	in->path = xstrdup(path);
	in->what = xstrdup(what);
	zip_error_init(&ze);
	if ((src = zip_source_file_create(path, 0, -1, &ze)) == NULL ||
	    (in->za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS,
	    &ze)) == NULL) {
		code = zip_error_code_zip(&ze);
		if (code == ZIP_ER_OPEN || code == ZIP_ER_READ ||
		    code == ZIP_ER_MEMORY)
			log_error("%s: %s", what, zip_error_strerror(&ze));
		else
			log_usage("%s: not a readable zip archive (%s)", what,
			    zip_error_strerror(&ze));
		zip_source_free(src);
		zip_error_fini(&ze);
		goto fail;
	}
	zip_error_fini(&ze);
	if ((idx = zip_name_locate(in->za, name, 0)) < 0) {
		log_usage("%s: no '%s' in this zip; expected a Deno release "
		    "zip (deno-<arch>-unknown-linux-gnu.zip)", what, name);
		goto fail;
	}
	in->idx = (zip_uint64_t)idx;
	if (zip_stat_index(in->za, in->idx, 0, &st) == -1) {
		log_usage("%s: %s", what, zip_strerror(in->za));
		goto fail;
	}
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
	    st.encryption_method != ZIP_EM_NONE) {
		log_usage("%s: '%s' is encrypted", what, name);
		goto fail;
	}
	if (st.comp_method != ZIP_CM_DEFLATE && st.comp_method != ZIP_CM_STORE) {
		log_usage("%s: '%s' uses compression method %d; expected "
		    "deflate or stored", what, name, (int)st.comp_method);
		goto fail;
	}
	in->size = st.size;
	in->comp_size = st.comp_size;
	return in;
fail:
	layer_input_close(in);
	return NULL;
}

uint64_t
layer_input_size(const struct layer_input *in)
{
	return in->size;
}

uint64_t
layer_input_comp_size(const struct layer_input *in)
{
	return in->comp_size;
}

int
layer_input_inflate(struct layer_input *in,
    int (*fn)(void *, uint64_t, const void *, size_t), void *arg)
{
	zip_file_t	*zf;
	unsigned char	*buf;
	uint64_t	 off = 0;
	zip_int64_t	 n;
	int		 rc = -1;

	if ((zf = zip_fopen_index(in->za, in->idx, 0)) == NULL) {
		log_usage("%s: %s", in->what, zip_strerror(in->za));
		return -1;
	}
	buf = xmalloc(IO_CHUNK);
	/* libzip checks the CRC-32 when the entry has been read to its end. */
	while ((n = zip_fread(zf, buf, IO_CHUNK)) > 0) {
		if ((uint64_t)n > in->size - off) {
			log_usage("%s: deno is larger than its zip entry says",
			    in->what);
			goto out;
		}
		if (fn(arg, off, buf, (size_t)n) == -1)
			goto out;
		off += (uint64_t)n;
	}
	if (n < 0) {
		log_usage("%s: deno: %s", in->what, zip_file_strerror(zf));
		goto out;
	}
	if (off != in->size) {
		log_usage("%s: deno is %llu bytes, but its zip entry says %llu",
		    in->what, (unsigned long long)off,
		    (unsigned long long)in->size);
		goto out;
	}
	rc = 0;
out:
	free(buf);
	zip_fclose(zf);
	return rc;
}

void
layer_input_close(struct layer_input *in)
{
	if (in == NULL)
		return;
	if (in->za != NULL)
		zip_discard(in->za);
	free(in->what);
	free(in->path);
	free(in);
}

/*
 * The output side: libzip writes through a source of our own onto the
 * outfile's temporary file, so no temporary name of libzip's can be left
 * behind and the file is ours to hash and commit.
 */
struct sink {
	int		 fd;
	const char	*path;
	uint64_t	 pos;
	uint64_t	 end;
	zip_error_t	 error;
};

static zip_int64_t
sink_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	struct sink	*k = ud;
	zip_int64_t	 off;
	ssize_t		 w;
	size_t		 done;

	switch (cmd) {
	case ZIP_SOURCE_SUPPORTS:
		return ZIP_SOURCE_SUPPORTS_WRITABLE;
	case ZIP_SOURCE_STAT:
		/* A new archive: libzip reads nothing back. */
		zip_error_set(&k->error, ZIP_ER_READ, ENOENT);
		return -1;
	case ZIP_SOURCE_ERROR:
		return zip_error_to_data(&k->error, data, len);
	case ZIP_SOURCE_FREE:
		return 0;
	case ZIP_SOURCE_BEGIN_WRITE:
		k->pos = k->end = 0;
		return 0;
	case ZIP_SOURCE_WRITE:
		for (done = 0; done < len; done += (size_t)w) {
			w = pwrite(k->fd, (const char *)data + done, len - done,
			    (off_t)(k->pos + done));
			if (w == -1 && errno == EINTR) {
				w = 0;
				continue;
			}
			if (w <= 0) {
				zip_error_set(&k->error, ZIP_ER_WRITE,
				    w == -1 ? errno : ENOSPC);
				return -1;
			}
		}
		k->pos += len;
		if (k->pos > k->end)
			k->end = k->pos;
		return (zip_int64_t)len;
	case ZIP_SOURCE_SEEK_WRITE:
		off = zip_source_seek_compute_offset(k->pos, k->end, data, len,
		    &k->error);
		if (off < 0)
			return -1;
		k->pos = (uint64_t)off;
		return 0;
	case ZIP_SOURCE_TELL_WRITE:
		return (zip_int64_t)k->pos;
	case ZIP_SOURCE_COMMIT_WRITE:
		if (ftruncate(k->fd, (off_t)k->end) == -1) {
			zip_error_set(&k->error, ZIP_ER_WRITE, errno);
			return -1;
		}
		return 0;
	case ZIP_SOURCE_ROLLBACK_WRITE:
	case ZIP_SOURCE_REMOVE:
		return 0;
	default:
		zip_error_set(&k->error, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

struct layer_zip {
	struct outfile	*of;
	char		*path;
	zip_t		*za;
	struct sink	 sink;
	int		 finished;
};

struct layer_zip *
layer_zip_new(const char *path)
{
	struct layer_zip	*z;
	zip_source_t		*src;
	zip_error_t		 ze;

	z = xcalloc(1, sizeof(*z));
	z->path = xstrdup(path);
	if ((z->of = outfile_open(path, 0644)) == NULL)
		goto fail;
	z->sink.fd = outfile_fd(z->of);
	z->sink.path = z->path;
	zip_error_init(&z->sink.error);
	zip_error_init(&ze);
	if ((src = zip_source_function_create(sink_cb, &z->sink, &ze)) == NULL) {
		log_error("%s: %s", path, zip_error_strerror(&ze));
		zip_error_fini(&ze);
		goto fail;
	}
	if ((z->za = zip_open_from_source(src, ZIP_CREATE | ZIP_TRUNCATE,
	    &ze)) == NULL) {
		log_error("%s: %s", path, zip_error_strerror(&ze));
		zip_error_fini(&ze);
		zip_source_free(src);
		goto fail;
	}
	zip_error_fini(&ze);
	return z;
fail:
	layer_zip_abort(z);
	return NULL;
}

/* Fixes what makes an entry depend on the host: time, mode, extras. */
static int
set_entry(struct layer_zip *z, zip_int64_t idx, const char *name,
    unsigned int mode, int level)
{
	zip_uint64_t	i = (zip_uint64_t)idx;
	zip_int16_t	n;

	if (zip_file_set_dostime(z->za, i, LAYER_DOS_TIME, LAYER_DOS_DATE,
	    0) == -1 ||
	    zip_file_set_external_attributes(z->za, i, 0, ZIP_OPSYS_UNIX,
	    ((zip_uint32_t)mode | S_IFREG) << 16) == -1 ||
	    (level >= 0 &&
	    zip_set_file_compression(z->za, i, ZIP_CM_DEFLATE,
	    (zip_uint32_t)level) == -1)) {
		log_error("%s: %s: %s", z->path, name, zip_strerror(z->za));
		return -1;
	}
	/* libzip adds none today; make sure no host-dependent field slips in. */
	while ((n = zip_file_extra_fields_count(z->za, i, ZIP_FL_LOCAL |
	    ZIP_FL_CENTRAL)) > 0)
		if (zip_file_extra_field_delete(z->za, i, ZIP_EXTRA_FIELD_ALL,
		    ZIP_FL_LOCAL | ZIP_FL_CENTRAL) == -1) {
			log_error("%s: %s: %s", z->path, name,
			    zip_strerror(z->za));
			return -1;
		}
	return 0;
}

static int
add_source(struct layer_zip *z, const char *name, zip_source_t *src,
    unsigned int mode, int level)
{
	zip_int64_t	idx;

	if (src == NULL) {
		log_error("%s: %s: %s", z->path, name, zip_strerror(z->za));
		return -1;
	}
	if ((idx = zip_file_add(z->za, name, src, ZIP_FL_ENC_UTF_8)) < 0) {
		log_error("%s: %s: %s", z->path, name, zip_strerror(z->za));
		zip_source_free(src);
		return -1;
	}
	return set_entry(z, idx, name, mode, level);
}

int
layer_zip_add_buf(struct layer_zip *z, const char *name, const void *data,
    size_t n, unsigned int mode)
{
	return add_source(z, name, zip_source_buffer(z->za, data, n, 0), mode,
	    9);
}

int
layer_zip_add_file(struct layer_zip *z, const char *name, const char *path,
    unsigned int mode)
{
	return add_source(z, name, zip_source_file(z->za, path, 0, -1), mode,
	    6);
}

int
layer_zip_add_entry(struct layer_zip *z, const char *name,
    struct layer_input *in, unsigned int mode)
{
	return add_source(z, name, zip_source_zip(z->za, in->za, in->idx,
	    ZIP_FL_COMPRESSED, 0, -1), mode, -1);
}

static int
hash_fd(int fd, const char *path, uint64_t size, unsigned char *out)
{
	struct sha256	*s = sha256_new();
	unsigned char	*buf = xmalloc(IO_CHUNK);
	uint64_t	 off = 0;
	ssize_t		 r;
	int		 rc = -1;

	while (off < size) {
		r = pread(fd, buf, size - off < IO_CHUNK ? (size_t)(size - off) :
		    IO_CHUNK, (off_t)off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			log_error("%s: %s", path, r == 0 ? "file shrank" :
			    strerror(errno));
			goto out;
		}
		sha256_update(s, buf, (size_t)r);
		off += (uint64_t)r;
	}
	sha256_final(s, out);
	rc = 0;
out:
	free(buf);
	sha256_free(s);
	return rc;
}

int
layer_zip_finish(struct layer_zip *z, uint64_t *size,
    unsigned char sha256[SHA256_LEN])
{
	if (zip_close(z->za) == -1) {
		log_error("%s: %s", z->path, zip_strerror(z->za));
		return -1;
	}
	z->za = NULL;
	z->finished = 1;
	*size = z->sink.end;
	return hash_fd(z->sink.fd, z->path, z->sink.end, sha256);
}

int
layer_zip_commit(struct layer_zip *z)
{
	int	rc = -1;

	if (z->finished) {
		rc = outfile_commit(z->of);
		z->of = NULL;
	} else
		log_error("%s: not finished", z->path);
	layer_zip_abort(z);
	return rc;
}

void
layer_zip_abort(struct layer_zip *z)
{
	if (z == NULL)
		return;
	if (z->za != NULL)
		zip_discard(z->za);
	outfile_abort(z->of);
	zip_error_fini(&z->sink.error);
	free(z->path);
	free(z);
}

char *
layer_zip_libraries(void)
{
	return xasprintf("libzip %s zlib %s", zip_libzip_version(),
	    zlibVersion());
}
