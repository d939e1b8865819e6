#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>
#include <zlib.h>

#include "assets.h"
#include "digest.h"
#include "layer.h"
#include "layer_input.h"
#include "log.h"
#include "outfile.h"
#include "xalloc.h"

#define IO_CHUNK	(1 << 18)
#define COPY_CHUNK	(1 << 20)
#define LOCAL_HEADER	30		/* a local header without name, extras */
#define ALIGN_BLOCK	65536		/* see align_entry() */
#define ALIGN_PAGE	4096
#define PAD_FIELD_ID	0x6663		/* "cf": cfngen's padding extra field */
#define EXTRA_MAX	65535		/* one header's extra fields, in bytes */

/*
 * The output side: libzip writes through a source of our own onto the
 * outfile's temporary file, so no temporary name of libzip's can be left
 * behind and the file is ours to hash and commit.
 *
 * The raw entry (Deno's compressed bytes) is not pumped through user
 * space: its source tells the sink which bytes of which file it handed to
 * libzip, and when libzip writes that very buffer back unchanged (it
 * copies a compressed entry as is), the sink copies those bytes file to
 * file in the kernel instead (copy_file_range), in one go.
 */
struct sink {
	int		 fd;
	const char	*path;
	uint64_t	 pos;
	uint64_t	 end;
	zip_error_t	 error;
	/* What the raw source last handed libzip. */
	const void	*pass_buf;
	size_t		 pass_len;
	int		 pass_fd;
	uint64_t	 pass_from;
	/* The in-kernel copy being gathered. */
	int		 copy_fd;
	uint64_t	 copy_from;
	uint64_t	 copy_to;
	uint64_t	 copy_len;
};

/* Plain read and write, where copy_file_range cannot go. */
static int
copy_by_hand(int in, uint64_t from, int out, uint64_t to, uint64_t len)
{
	unsigned char	*buf = xmalloc(COPY_CHUNK);
	size_t		 n;
	int		 rc = -1;

	while (len > 0) {
		n = len < COPY_CHUNK ? (size_t)len : COPY_CHUNK;
		if (pread_all(in, buf, n, from) == -1) {
			if (errno == 0)
				errno = EIO;
			goto out;
		}
		if (pwrite(out, buf, n, (off_t)to) != (ssize_t)n) {
			if (errno == 0)
				errno = ENOSPC;
			goto out;
		}
		from += n;
		to += n;
		len -= n;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

static int
sink_flush(struct sink *k)
{
	loff_t	in = (loff_t)k->copy_from, out = (loff_t)k->copy_to;
	ssize_t	n;

	while (k->copy_len > 0) {
		n = copy_file_range(k->copy_fd, &in, k->fd, &out,
		    (size_t)(k->copy_len < (1u << 30) ? k->copy_len : 1u << 30),
		    0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == -1 && errno != EXDEV && errno != EINVAL &&
			    errno != ENOSYS && errno != EOPNOTSUPP &&
			    errno != EBADF) {
				zip_error_set(&k->error, ZIP_ER_WRITE, errno);
				return -1;
			}
			if (copy_by_hand(k->copy_fd, (uint64_t)in, k->fd,
			    (uint64_t)out, k->copy_len) == -1) {
				zip_error_set(&k->error, ZIP_ER_WRITE, errno);
				return -1;
			}
			break;
		}
		k->copy_len -= (uint64_t)n;
	}
	k->copy_len = 0;
	return 0;
}

/* libzip writes back what the raw source handed it: copy in the kernel. */
static zip_int64_t
sink_pass(struct sink *k, const void *data, zip_uint64_t len)
{
	if (data != k->pass_buf || len != k->pass_len) {
		/* Not the bytes as they were: never write a buffer we left empty. */
		zip_error_set(&k->error, ZIP_ER_INTERNAL, 0);
		return -1;
	}
	k->pass_buf = NULL;
	if (k->copy_len > 0 && (k->copy_fd != k->pass_fd ||
	    k->copy_from + k->copy_len != k->pass_from ||
	    k->copy_to + k->copy_len != k->pos) && sink_flush(k) == -1)
		return -1;
	if (k->copy_len == 0) {
		k->copy_fd = k->pass_fd;
		k->copy_from = k->pass_from;
		k->copy_to = k->pos;
	}
	k->copy_len += len;
	k->pos += len;
	if (k->pos > k->end)
		k->end = k->pos;
	return (zip_int64_t)len;
}

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
		k->pos = k->end = k->copy_len = 0;
		return 0;
	case ZIP_SOURCE_WRITE:
		if (k->pass_buf != NULL)
			return sink_pass(k, data, len);
		if (sink_flush(k) == -1)
			return -1;
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
		if (sink_flush(k) == -1)
			return -1;
		if (ftruncate(k->fd, (off_t)k->end) == -1) {
			zip_error_set(&k->error, ZIP_ER_WRITE, errno);
			return -1;
		}
		return 0;
	case ZIP_SOURCE_ROLLBACK_WRITE:
		k->copy_len = 0;
		return 0;
	case ZIP_SOURCE_REMOVE:
		return 0;
	default:
		zip_error_set(&k->error, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

/*
 * Bytes already deflated, as a libzip source: an input's entry (read by the
 * sink itself, with copy_file_range) or a buffer (an embedded asset).
 */
struct rawsrc {
	uint64_t	 size;
	uint64_t	 comp_size;
	uint32_t	 crc;
	const void	*mem;		/* the bytes, or NULL: */
	int		 fd;		/* in this file, */
	uint64_t	 off;		/* from here */
	struct sink	*sink;
	uint64_t	 pos;
	zip_error_t	 error;
};

static zip_int64_t
raw_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	struct rawsrc	*r = ud;
	zip_stat_t	*st;
	uint64_t	 n;

	switch (cmd) {
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN,
		    ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
		    ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
	case ZIP_SOURCE_OPEN:
		r->pos = 0;
		return 0;
	case ZIP_SOURCE_READ:
		n = r->comp_size - r->pos;
		if (n > len)
			n = len;
		if (n > 0 && r->mem != NULL)
			memcpy(data, (const char *)r->mem + r->pos, (size_t)n);
		else if (n > 0) {
			/* Left unfilled: the sink copies these bytes itself. */
			r->sink->pass_buf = data;
			r->sink->pass_len = (size_t)n;
			r->sink->pass_fd = r->fd;
			r->sink->pass_from = r->off + r->pos;
		}
		r->pos += n;
		return (zip_int64_t)n;
	case ZIP_SOURCE_CLOSE:
		return 0;
	case ZIP_SOURCE_STAT:
		if ((st = ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len,
		    &r->error)) == NULL)
			return -1;
		zip_stat_init(st);
		st->valid = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_CRC |
		    ZIP_STAT_COMP_METHOD | ZIP_STAT_ENCRYPTION_METHOD;
		st->size = r->size;
		st->comp_size = r->comp_size;
		st->crc = r->crc;
		st->comp_method = ZIP_CM_DEFLATE;
		st->encryption_method = ZIP_EM_NONE;
		return sizeof(*st);
	case ZIP_SOURCE_ERROR:
		return zip_error_to_data(&r->error, data, len);
	case ZIP_SOURCE_FREE:
		zip_error_fini(&r->error);
		free(r);
		return 0;
	default:
		zip_error_set(&r->error, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

struct layer_zip {
	struct outfile	*of;
	char		*path;
	zip_t		*za;
	struct sink	 sink;
	int		 finished;
	uint64_t	 deflating;	/* bytes of files to deflate */
	char		*label;		/* progress: the first of them */
	int64_t		 next_off;	/* of the next local header; -1: unknown */
};

struct layer_zip *
layer_zip_new(const char *path)
{
	struct layer_zip	*z;
	zip_source_t		*src;
	zip_error_t		 ze;

	z = xcalloc(1, sizeof(*z));
	z->path = xstrdup(path);
	zip_error_init(&z->sink.error);
	if ((z->of = outfile_open(path, 0644)) == NULL)
		goto fail;
	/* cfngen rebuilds its zips rather than trusting them after a crash. */
	outfile_no_fsync(z->of);
	z->sink.fd = outfile_fd(z->of);
	z->sink.path = z->path;
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

/* Adds src as name; -1 when that fails (reported), else 0. */
static int
add_source(struct layer_zip *z, const char *name, zip_source_t *src,
    unsigned int mode, int level, zip_int64_t *idxp)
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
	if (idxp != NULL)
		*idxp = idx;
	return set_entry(z, idx, name, mode, level);
}

/* A source of bytes already deflated (r is the source's from then on). */
static zip_source_t *
raw_source(struct layer_zip *z, const char *name, struct rawsrc *r)
{
	zip_source_t	*src;
	zip_error_t	 ze;

	r->sink = &z->sink;
	zip_error_init(&r->error);
	zip_error_init(&ze);
	if ((src = zip_source_function_create(raw_cb, r, &ze)) == NULL) {
		log_error("%s: %s: %s", z->path, name, zip_error_strerror(&ze));
		zip_error_fini(&r->error);
		free(r);
	}
	zip_error_fini(&ze);
	return src;
}

/*
 * Where the next entry's local header goes, now that one whose header and
 * data take len bytes has been added; unknown (-1) once an entry of
 * unknown compressed size is in.
 */
static void
advance(struct layer_zip *z, int64_t len)
{
	z->next_off = z->next_off < 0 || len < 0 ? -1 : z->next_off + len;
}

int
layer_zip_add_asset(struct layer_zip *z, const char *name,
    const struct asset *a, unsigned int mode)
{
	struct rawsrc	*r;
	zip_source_t	*src;

	r = xcalloc(1, sizeof(*r));
	r->size = a->size;
	r->comp_size = a->deflated_size;
	r->crc = a->crc;
	r->mem = a->deflated;
	if ((src = raw_source(z, name, r)) == NULL ||
	    add_source(z, name, src, mode, -1, NULL) == -1)
		return -1;
	advance(z, LOCAL_HEADER + (int64_t)strlen(name) +
	    (int64_t)a->deflated_size);
	return 0;
}

int
layer_zip_add_file(struct layer_zip *z, const char *name, const char *path,
    unsigned int mode)
{
	struct stat	st;

	/* Deflating 100 MB takes seconds: layer_zip_finish shows progress. */
	if (stat(path, &st) == 0)
		z->deflating += (uint64_t)st.st_size;
	if (z->label == NULL)
		z->label = xasprintf("%s: deflating", name);
	advance(z, -1);
	return add_source(z, name, zip_source_file(z->za, path, 0, -1), mode,
	    6, NULL);
}

/*
 * Pads the local header of entry idx, whose header starts at z->next_off,
 * so that its data starts at the same offset within a 64 KiB block as the
 * bytes it is copied from (from). The kernel's in-file copy then fills the
 * page cache in large folios: 41.6 MB took 14 ms so placed, and 18 to 21 ms
 * at any other offset tried, including the same offset within a 4 KiB
 * page (Linux 6.18, ext4). The padding is a field of cfngen's own (ID
 * 0x6663, "cf", zeros) in the local header only; unzip tools skip extra
 * fields they do not know. When it would not fit an extra field's 16-bit
 * length, the data starts at the same offset within a page instead.
 * Returns the field's length in bytes.
 */
static int64_t
align_entry(struct layer_zip *z, zip_int64_t idx, const char *name,
    uint64_t from)
{
	unsigned char	*pad;
	uint64_t	 data, need;
	int		 rc;

	/* after the header and the field's ID and length (4) */
	data = (uint64_t)z->next_off + LOCAL_HEADER + strlen(name) + 4;
	need = (from % ALIGN_BLOCK + ALIGN_BLOCK - data % ALIGN_BLOCK) %
	    ALIGN_BLOCK;
	if (need > EXTRA_MAX - 4)
		need %= ALIGN_PAGE;
	pad = xcalloc(1, (size_t)need + 1);
	rc = zip_file_extra_field_set(z->za, (zip_uint64_t)idx, PAD_FIELD_ID,
	    ZIP_EXTRA_FIELD_NEW, pad, (zip_uint16_t)need, ZIP_FL_LOCAL);
	free(pad);
	if (rc == -1) {
		log_error("%s: %s: %s", z->path, name, zip_strerror(z->za));
		return -1;
	}
	return 4 + (int64_t)need;
}

int
layer_zip_add_entry(struct layer_zip *z, const char *name,
    struct layer_input *in, unsigned int mode)
{
	struct rawsrc	*r;
	zip_source_t	*src;
	zip_int64_t	 idx;
	int64_t		 extra = 0;

	if (in->data_off < 0 || in->method != ZIP_CM_DEFLATE) {
		advance(z, -1);
		return add_source(z, name, zip_source_zip(z->za, in->za,
		    in->idx, ZIP_FL_COMPRESSED, 0, -1), mode, -1, NULL);
	}
	r = xcalloc(1, sizeof(*r));
	r->size = in->size;
	r->comp_size = in->comp_size;
	r->crc = in->crc;
	r->fd = in->fd;
	r->off = (uint64_t)in->data_off;
	if ((src = raw_source(z, name, r)) == NULL ||
	    add_source(z, name, src, mode, -1, &idx) == -1)
		return -1;
	if (z->next_off >= 0 &&
	    (extra = align_entry(z, idx, name, (uint64_t)in->data_off)) == -1)
		return -1;
	advance(z, LOCAL_HEADER + (int64_t)strlen(name) + extra +
	    (int64_t)in->comp_size);
	return 0;
}

static int
hash_fd(int fd, const char *path, uint64_t size, unsigned char *out)
{
	struct sha256	*s = sha256_new();
	unsigned char	*buf = xmalloc(IO_CHUNK);
	uint64_t	 off = 0;
	size_t		 n;
	int		 rc = -1;

	while (off < size) {
		n = size - off < IO_CHUNK ? (size_t)(size - off) : IO_CHUNK;
		if (pread_all(fd, buf, n, off) == -1) {
			log_error("%s: %s", path, errno ? strerror(errno) :
			    "file shrank");
			goto out;
		}
		sha256_update(s, buf, n);
		off += n;
	}
	sha256_final(s, out);
	rc = 0;
out:
	free(buf);
	sha256_free(s);
	return rc;
}

struct finish_progress {
	struct progress	*p;
	uint64_t	 total;
};

static void
finish_progress(zip_t *za UNUSED, double done, void *arg)
{
	struct finish_progress	*fp = arg;

	progress_update(fp->p, (uint64_t)(done * (double)fp->total));
}

int
layer_zip_finish(struct layer_zip *z, uint64_t *size,
    unsigned char sha256[SHA256_LEN])
{
	struct finish_progress	fp;

	memset(&fp, 0, sizeof(fp));
	if (z->deflating > 0) {
		fp.total = z->deflating;
		if ((fp.p = progress_start(z->label, fp.total)) != NULL)
			zip_register_progress_callback_with_state(z->za, 0.001,
			    finish_progress, NULL, &fp);
	}
	if (zip_close(z->za) == -1) {
		log_error("%s: %s", z->path, zip_strerror(z->za));
		progress_end(fp.p, 0);
		return -1;
	}
	if (fp.p != NULL)
		progress_update(fp.p, fp.total);
	progress_end(fp.p, 1);
	z->za = NULL;
	z->finished = 1;
	*size = z->sink.end;
	if (sha256 == NULL)
		return 0;
	return hash_fd(z->sink.fd, z->path, z->sink.end, sha256);
}

int
layer_zip_hash(struct layer_zip *z, unsigned char sha256[SHA256_LEN])
{
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
	free(z->label);
	free(z->path);
	free(z);
}

char *
layer_zip_libraries(void)
{
	return xasprintf("libzip %s zlib %s", zip_libzip_version(),
	    zlibVersion());
}
