#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <isa-l/igzip_lib.h>
#include <zip.h>
#include <zlib.h>

#include "layer_input.h"
#include "log.h"
#include "outfile.h"
#include "xalloc.h"

#define IO_CHUNK	(1 << 18)


static uint64_t
le16(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8;
}

static uint64_t
le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

static uint64_t
le64(const unsigned char *p)
{
	return le32(p) | le32(p + 4) << 32;
}

/*
 * Where the compressed bytes of entry idx start: through the end of central
 * directory record (Zip64 too), the entry's central header and its local
 * header. libzip has checked the archive already (ZIP_CHECKCONS); this
 * only locates, checking every bound it relies on. -1 when it cannot, and
 * the caller goes through libzip instead.
 */
static int
entry_data_offset(int fd, uint64_t fsize, uint64_t idx, uint64_t comp_size,
    int64_t *out)
{
	unsigned char	*tail, h[56], *x;
	uint64_t	 tlen, eocd, n, cdsize, cdoff, off, i, lho = 0, data;
	uint64_t	 nl, el, cl, f, flen;
	size_t		 p;
	int		 rc = -1, found = 0;

	tlen = fsize < 22 + 65535 ? fsize : 22 + 65535;
	if (tlen < 22)
		return -1;
	tail = xmalloc((size_t)tlen);
	if (pread_all(fd, tail, (size_t)tlen, fsize - tlen) == -1)
		goto out;
	for (p = (size_t)tlen - 22;; p--) {
		if (le32(tail + p) == 0x06054b50 &&
		    22 + le16(tail + p + 20) == tlen - p) {
			found = 1;
			break;
		}
		if (p == 0)
			break;
	}
	if (!found)
		goto out;
	eocd = fsize - tlen + p;
	n = le16(tail + p + 10);
	cdsize = le32(tail + p + 12);
	cdoff = le32(tail + p + 16);
	if (n == 0xffff || cdsize == 0xffffffff || cdoff == 0xffffffff) {
		if (eocd < 20 || pread_all(fd, h, 20, eocd - 20) == -1 ||
		    le32(h) != 0x07064b50)
			goto out;
		off = le64(h + 8);
		if (off > fsize - 56 || pread_all(fd, h, 56, off) == -1 ||
		    le32(h) != 0x06064b50)
			goto out;
		n = le64(h + 32);
		cdsize = le64(h + 40);
		cdoff = le64(h + 48);
	}
	if (idx >= n || cdoff > fsize || cdsize > fsize - cdoff)
		goto out;
	for (i = 0, off = cdoff; i <= idx; i++) {
		if (cdoff + cdsize - off < 46 ||
		    pread_all(fd, h, 46, off) == -1 || le32(h) != 0x02014b50)
			goto out;
		nl = le16(h + 28);
		el = le16(h + 30);
		cl = le16(h + 32);
		if (cdoff + cdsize - off - 46 < nl + el + cl)
			goto out;
		if (i == idx) {
			lho = le32(h + 42);
			if (lho == 0xffffffff) {
				/* Zip64 extra: the 0xffffffff fields, in order. */
				x = xmalloc(el + 1);
				if (pread_all(fd, x, (size_t)el, off + 46 + nl) ==
				    -1) {
					free(x);
					goto out;
				}
				for (f = 0; f + 4 <= el; f += 4 + flen) {
					flen = le16(x + f + 2);
					if (le16(x + f) != 1 || f + 4 + flen > el)
						continue;
					p = (size_t)f + 4;
					if (le32(h + 24) == 0xffffffff)
						p += 8;
					if (le32(h + 20) == 0xffffffff)
						p += 8;
					if (p + 8 <= f + 4 + flen)
						lho = le64(x + p);
					break;
				}
				free(x);
			}
		}
		off += 46 + nl + el + cl;
	}
	if (lho > fsize - 30 || pread_all(fd, h, 30, lho) == -1 ||
	    le32(h) != 0x04034b50)
		goto out;
	data = lho + 30 + le16(h + 26) + le16(h + 28);
	if (data > fsize || comp_size > fsize - data)
		goto out;
	*out = (int64_t)data;
	rc = 0;
out:
	free(tail);
	return rc;
}

int
layer_input_probe(const char *path, const char **why)
{
	zip_t	*za;
	int	 err, rc = -1;

	if ((za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &err)) == NULL) {
		*why = err == ZIP_ER_NOZIP ? "not a zip archive" :
		    err == ZIP_ER_OPEN || err == ZIP_ER_READ ?
		    "cannot be read as a zip archive" : "a damaged zip archive";
		return -1;
	}
	if (zip_name_locate(za, "deno", 0) < 0)
		*why = "the zip archive holds no \"deno\"";
	else
		rc = 0;
	zip_discard(za);
	return rc;
}

struct layer_input *
layer_input_open(const char *path, const char *name, const char *what)
{
	struct layer_input	*in;
	zip_source_t		*src;
	zip_error_t		 ze;
	zip_stat_t		 st;
	struct stat		 fst;
	zip_int64_t		 idx;
	int			 code;

	in = xcalloc(1, sizeof(*in));
	in->path = xstrdup(path);
	in->what = xstrdup(what);
	in->fd = -1;
	in->data_off = -1;
	zip_error_init(&ze);
	if ((src = zip_source_file_create(path, 0, -1, &ze)) == NULL ||
	    (in->za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS,
	    &ze)) == NULL) {
		code = zip_error_code_zip(&ze);
		if (code == ZIP_ER_OPEN || code == ZIP_ER_READ ||
		    code == ZIP_ER_MEMORY)
			log_error("%s: %s", what, zip_error_strerror(&ze));
		else if (code == ZIP_ER_NOZIP)
			log_usage("%s: not a zip archive (or a truncated one)",
			    what);
		else
			log_usage("%s: a damaged zip archive (%s)", what,
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
	in->crc = st.crc;
	in->method = st.comp_method;
	if ((in->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(in->fd, &fst) == -1) {
		log_error("%s: %s", what, strerror(errno));
		goto fail;
	}
	if (entry_data_offset(in->fd, (uint64_t)fst.st_size, in->idx,
	    in->comp_size, &in->data_off) == -1)
		in->data_off = -1;
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

/* The end of an inflate: the size and CRC-32 the zip promised. */
static int
inflate_done(const struct layer_input *in, uint64_t size, uint32_t crc,
    char **err)
{
	if (size != in->size)
		*err = xasprintf("%s: deno inflates to %" PRIu64 " bytes, but "
		    "its zip entry says %" PRIu64, in->what, size, in->size);
	else if (crc != in->crc)
		*err = xasprintf("%s: deno is damaged (CRC-32 %08" PRIx32
		    ", expected %08" PRIx32 ")", in->what, crc, in->crc);
	else
		return 0;
	return -1;
}

/* ISA-L on the compressed bytes read straight from the file. */
static int
inflate_isal(struct layer_input *in,
    int (*fn)(void *, uint64_t, const void *, size_t), void *arg, char **err)
{
	struct inflate_state	*st;
	unsigned char		*ibuf, *obuf;
	uint64_t		 read_off = 0, out_off = 0;
	size_t			 n;
	int			 r, rc = -1;

	st = xmalloc(sizeof(*st));
	ibuf = xmalloc(IO_CHUNK);
	obuf = xmalloc(IO_CHUNK);
	isal_inflate_init(st);
	st->crc_flag = ISAL_GZIP_NO_HDR;	/* raw deflate, CRC-32 of output */
	for (;;) {
		if (st->avail_in == 0 && read_off < in->comp_size) {
			n = in->comp_size - read_off < IO_CHUNK ?
			    (size_t)(in->comp_size - read_off) : IO_CHUNK;
			if (pread_all(in->fd, ibuf, n,
			    (uint64_t)in->data_off + read_off) == -1) {
				*err = xasprintf("%s: %s", in->what, errno ?
				    strerror(errno) : "file shrank");
				goto out;
			}
			read_off += n;
			st->next_in = ibuf;
			st->avail_in = (uint32_t)n;
		}
		st->next_out = obuf;
		st->avail_out = IO_CHUNK;
		r = isal_inflate(st);
		n = IO_CHUNK - st->avail_out;
		if (r < 0) {
			*err = xasprintf("%s: deno is damaged (bad deflate "
			    "data, ISA-L error %d)", in->what, r);
			goto out;
		}
		if (n > in->size - out_off) {
			*err = xasprintf("%s: deno inflates to more than the %"
			    PRIu64 " bytes its zip entry says", in->what,
			    in->size);
			goto out;
		}
		if (n > 0 && fn(arg, out_off, obuf, n) == -1)
			goto out;
		out_off += n;
		if (st->block_state == ISAL_BLOCK_FINISH)
			break;
		if (n == 0 && st->avail_in == 0 && read_off == in->comp_size) {
			*err = xasprintf("%s: deno is damaged (its deflate "
			    "data ends early)", in->what);
			goto out;
		}
	}
	rc = inflate_done(in, out_off, st->crc, err);
out:
	free(obuf);
	free(ibuf);
	free(st);
	return rc;
}

/* A stored entry: its bytes as they are, CRC-32 checked. */
static int
inflate_stored(struct layer_input *in,
    int (*fn)(void *, uint64_t, const void *, size_t), void *arg, char **err)
{
	unsigned char	*buf = xmalloc(IO_CHUNK);
	uint64_t	 off = 0;
	uLong		 crc = crc32(0, Z_NULL, 0);
	size_t		 n;
	int		 rc = -1;

	while (off < in->size) {
		n = in->size - off < IO_CHUNK ? (size_t)(in->size - off) :
		    IO_CHUNK;
		if (pread_all(in->fd, buf, n, (uint64_t)in->data_off + off) ==
		    -1) {
			*err = xasprintf("%s: %s", in->what, errno ?
			    strerror(errno) : "file shrank");
			goto out;
		}
		crc = crc32(crc, buf, (uInt)n);
		if (fn(arg, off, buf, n) == -1)
			goto out;
		off += n;
	}
	rc = inflate_done(in, off, (uint32_t)crc, err);
out:
	free(buf);
	return rc;
}

/* Through libzip, on a zip_t of its own (this may run in another thread). */
static int
inflate_libzip(struct layer_input *in,
    int (*fn)(void *, uint64_t, const void *, size_t), void *arg, char **err)
{
	zip_t		*za;
	zip_file_t	*zf = NULL;
	unsigned char	*buf = NULL;
	uint64_t	 off = 0;
	zip_int64_t	 n;
	int		 code, rc = -1;

	if ((za = zip_open(in->path, ZIP_RDONLY, &code)) == NULL) {
		*err = xasprintf("%s: cannot open it again (libzip error %d)",
		    in->what, code);
		return -1;
	}
	if ((zf = zip_fopen_index(za, in->idx, 0)) == NULL) {
		*err = xasprintf("%s: %s", in->what, zip_strerror(za));
		goto out;
	}
	buf = xmalloc(IO_CHUNK);
	/* libzip checks the CRC-32 when the entry has been read to its end. */
	while ((n = zip_fread(zf, buf, IO_CHUNK)) > 0) {
		if ((uint64_t)n > in->size - off) {
			*err = xasprintf("%s: deno inflates to more than the %"
			    PRIu64 " bytes its zip entry says", in->what,
			    in->size);
			goto out;
		}
		if (fn(arg, off, buf, (size_t)n) == -1)
			goto out;
		off += (uint64_t)n;
	}
	if (n < 0) {
		*err = xasprintf("%s: deno is damaged (%s)", in->what,
		    zip_file_strerror(zf));
		goto out;
	}
	rc = inflate_done(in, off, in->crc, err);
out:
	free(buf);
	if (zf != NULL)
		zip_fclose(zf);
	zip_discard(za);
	return rc;
}

int
layer_input_inflate(struct layer_input *in,
    int (*fn)(void *, uint64_t, const void *, size_t), void *arg, char **err)
{
	*err = NULL;
	if (in->data_off < 0)
		return inflate_libzip(in, fn, arg, err);
	if (in->method == ZIP_CM_STORE)
		return inflate_stored(in, fn, arg, err);
	return inflate_isal(in, fn, arg, err);
}

void
layer_input_close(struct layer_input *in)
{
	if (in == NULL)
		return;
	if (in->za != NULL)
		zip_discard(in->za);
	if (in->fd != -1)
		close(in->fd);
	free(in->what);
	free(in->path);
	free(in);
}
