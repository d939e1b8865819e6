#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "elf.h"
#include "xalloc.h"

#define PREFIX_MAX	(1u << 20)	/* headers and .dynstr live here */
#define RANGE_MAX	(1u << 20)	/* largest table we keep */
#define RANGES		8
#define PHNUM_MAX	1024
#define SHNUM_MAX	16384
#define VERNEED_MAX	4096		/* entries walked, needs and aux */
#define VERNEED_WINDOW	(64u << 10)	/* kept around a distant .gnu.version_r */

#define PT_LOAD		1
#define PT_DYNAMIC	2
#define DT_NULL		0
#define DT_STRTAB	5
#define DT_STRSZ	10
#define DT_VERNEED	0x6ffffffeULL
#define DT_VERNEEDNUM	0x6fffffffULL
#define SHT_GNU_VERNEED	0x6ffffffe

struct range {
	uint64_t	 off;
	size_t		 len;
	size_t		 have;		/* bytes kept, from off on */
	unsigned char	*buf;
};

struct elf_scan {
	uint64_t	 size;
	struct range	 prefix;
	struct range	 ranges[RANGES];
	int		 nranges;
};

/* One run of the parse over a flat image or what a scan kept. */
struct parse {
	const unsigned char	*flat;
	struct elf_scan		*scan;
	uint64_t		 size;
	int			 big_endian;
	int			 c64;
	enum elf_status		 status;
	const char		*why;
	uint64_t		 miss_off;	/* ELF_MORE: what to offer */
	uint64_t		 miss_len;
};

static const unsigned char *
fail(struct parse *ps, const char *why)
{
	if (ps->status == ELF_OK) {
		ps->status = ELF_BAD;
		ps->why = why;
	}
	return NULL;
}

/*
 * The len bytes at off, or NULL: beyond the file (ELF_BAD with oob) or not
 * kept (ELF_MORE, asking for window bytes from off when that is larger).
 */
static const unsigned char *
get_window(struct parse *ps, uint64_t off, uint64_t len, uint64_t window,
    const char *oob)
{
	const struct range	*r;
	int			 i;

	if (ps->status != ELF_OK)
		return NULL;
	if (len > ps->size || off > ps->size - len)
		return fail(ps, oob);
	if (len > RANGE_MAX)
		return fail(ps, "a table larger than 1 MB");
	if (ps->flat != NULL)
		return ps->flat + off;
	r = &ps->scan->prefix;
	if (off + len <= r->have)
		return r->buf + off;
	for (i = 0; i < ps->scan->nranges; i++) {
		r = &ps->scan->ranges[i];
		if (off >= r->off && off + len <= r->off + r->have)
			return r->buf + (off - r->off);
	}
	if (window < len)
		window = len;
	if (window > RANGE_MAX)
		window = RANGE_MAX;
	if (window > ps->size - off)
		window = ps->size - off;
	ps->status = ELF_MORE;
	ps->miss_off = off;
	ps->miss_len = window;
	return NULL;
}

static const unsigned char *
get(struct parse *ps, uint64_t off, uint64_t len, const char *oob)
{
	return get_window(ps, off, len, len, oob);
}

static uint64_t
u16(const struct parse *ps, const unsigned char *p)
{
	return ps->big_endian ? (uint64_t)p[0] << 8 | p[1] :
	    (uint64_t)p[1] << 8 | p[0];
}

static uint64_t
u32(const struct parse *ps, const unsigned char *p)
{
	if (ps->big_endian)
		return (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 |
		    (uint64_t)p[2] << 8 | p[3];
	return (uint64_t)p[3] << 24 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[1] << 8 | p[0];
}

static uint64_t
u64(const struct parse *ps, const unsigned char *p)
{
	if (ps->big_endian)
		return u32(ps, p) << 32 | u32(ps, p + 4);
	return u32(ps, p + 4) << 32 | u32(ps, p);
}

/* An address, offset or size: 4 or 8 bytes by class. */
static uint64_t
word(const struct parse *ps, const unsigned char *p)
{
	return ps->c64 ? u64(ps, p) : u32(ps, p);
}

/* Keeps the highest GLIBC_x.y[.z] seen. */
static void
note_version(struct elf_info *info, const char *s)
{
	long	v[3] = { 0, 0, 0 };
	int	n = 0;

	if (strncmp(s, "GLIBC_", 6) != 0)
		return;
	s += 6;
	for (;;) {
		if (*s < '0' || *s > '9')
			return;
		while (*s >= '0' && *s <= '9') {
			v[n] = v[n] * 10 + (*s++ - '0');
			if (v[n] > 99999)
				return;
		}
		n++;
		if (*s != '.' || n == 3)
			break;
		s++;
	}
	if (*s != '\0' || n < 2)
		return;
	if (v[0] > info->glibc_major ||
	    (v[0] == info->glibc_major && (v[1] > info->glibc_minor ||
	    (v[1] == info->glibc_minor && v[2] > info->glibc_patch)))) {
		info->glibc_major = (int)v[0];
		info->glibc_minor = (int)v[1];
		info->glibc_patch = (int)v[2];
	}
}

/*
 * Walks the version-needs at off (num entries, 0 when unknown, inside
 * [off, end)) with their names in the string table at stroff.
 */
static void
walk_verneed(struct parse *ps, struct elf_info *info, uint64_t off,
    uint64_t num, uint64_t end, uint64_t stroff, uint64_t strsz)
{
	const unsigned char	*str, *v, *a;
	uint64_t		 i, j, cnt, aux, next, name, anext, aoff;
	size_t			 visited = 0;

	if (strsz > RANGE_MAX) {
		fail(ps, "a string table larger than 1 MB");
		return;
	}
	if ((str = get(ps, stroff, strsz,
	    "string table beyond the end of the file")) == NULL)
		return;
	for (i = 0; num == 0 || i < num; i++) {
		if (++visited > VERNEED_MAX) {
			fail(ps, "too many version-needs entries");
			return;
		}
		if (off > end || end - off < 16) {
			fail(ps, "version-needs entry outside its section");
			return;
		}
		if ((v = get_window(ps, off, 16, VERNEED_WINDOW,
		    "version-needs entry beyond the end of the file")) == NULL)
			return;
		if (u16(ps, v) != 1) {
			fail(ps, "unknown version-needs revision");
			return;
		}
		cnt = u16(ps, v + 2);
		aux = u32(ps, v + 8);
		next = u32(ps, v + 12);
		if (cnt > 0 && aux < 16) {
			fail(ps, "overlapping version-needs entries");
			return;
		}
		aoff = off + aux;
		for (j = 0; j < cnt; j++) {
			if (++visited > VERNEED_MAX) {
				fail(ps, "too many version-needs entries");
				return;
			}
			if ((a = get_window(ps, aoff, 16, VERNEED_WINDOW,
			    "version-needs entry beyond the end of the file")) ==
			    NULL)
				return;
			name = u32(ps, a + 8);
			anext = u32(ps, a + 12);
			if (name >= strsz) {
				fail(ps, "version name outside the string table");
				return;
			}
			if (memchr(str + name, '\0', strsz - name) == NULL) {
				fail(ps, "unterminated version name");
				return;
			}
			note_version(info, (const char *)str + name);
			if (anext == 0)
				break;
			if (anext < 16) {
				fail(ps, "overlapping version-needs entries");
				return;
			}
			aoff += anext;
		}
		if (next == 0)
			break;
		if (next < 16) {
			fail(ps, "overlapping version-needs entries");
			return;
		}
		off += next;
	}
}

/* The file offset of [vaddr, vaddr + len) through the PT_LOAD segments. */
static int
map_vaddr(struct parse *ps, const unsigned char *ph, uint64_t phnum,
    uint64_t phentsize, uint64_t vaddr, uint64_t len, uint64_t *off)
{
	const unsigned char	*p;
	uint64_t		 i, va, fo, fsz;

	for (i = 0; i < phnum; i++) {
		p = ph + i * phentsize;
		if (u32(ps, p) != PT_LOAD)
			continue;
		if (ps->c64) {
			fo = u64(ps, p + 8);
			va = u64(ps, p + 16);
			fsz = u64(ps, p + 32);
		} else {
			fo = u32(ps, p + 4);
			va = u32(ps, p + 8);
			fsz = u32(ps, p + 16);
		}
		if (vaddr >= va && vaddr - va < fsz &&
		    len <= fsz - (vaddr - va)) {
			*off = fo + (vaddr - va);
			return 0;
		}
	}
	return -1;
}

/* Version-needs through the dynamic segment. 0 when it has none. */
static int
from_dynamic(struct parse *ps, struct elf_info *info, const unsigned char *ph,
    uint64_t phnum, uint64_t phentsize, uint64_t dynoff, uint64_t dynsz)
{
	const unsigned char	*d;
	uint64_t		 ent = ps->c64 ? 16 : 8, n, i, tag, val;
	uint64_t		 strtab = 0, strsz = 0, verneed = 0, vernum = 0;
	uint64_t		 stroff, vnoff;
	int			 has_strtab = 0, has_strsz = 0, has_verneed = 0;

	n = dynsz / ent;
	if (n * ent > RANGE_MAX) {
		fail(ps, "a dynamic segment larger than 1 MB");
		return -1;
	}
	if ((d = get(ps, dynoff, n * ent,
	    "dynamic segment beyond the end of the file")) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		tag = word(ps, d + i * ent);
		val = word(ps, d + i * ent + ent / 2);
		if (tag == DT_NULL)
			break;
		if (tag == DT_STRTAB) {
			strtab = val;
			has_strtab = 1;
		} else if (tag == DT_STRSZ) {
			strsz = val;
			has_strsz = 1;
		} else if (tag == DT_VERNEED) {
			verneed = val;
			has_verneed = 1;
		} else if (tag == DT_VERNEEDNUM)
			vernum = val;
	}
	if (!has_verneed)
		return 0;
	if (!has_strtab || !has_strsz) {
		fail(ps, "DT_VERNEED without DT_STRTAB and DT_STRSZ");
		return -1;
	}
	if (map_vaddr(ps, ph, phnum, phentsize, strtab, strsz, &stroff) == -1) {
		fail(ps, "DT_STRTAB outside the loaded segments");
		return -1;
	}
	if (map_vaddr(ps, ph, phnum, phentsize, verneed, 16, &vnoff) == -1) {
		fail(ps, "DT_VERNEED outside the loaded segments");
		return -1;
	}
	walk_verneed(ps, info, vnoff, vernum, UINT64_MAX, stroff, strsz);
	return ps->status == ELF_OK ? 1 : -1;
}

/* Version-needs through the section headers (SHT_GNU_verneed). */
static void
from_sections(struct parse *ps, struct elf_info *info, uint64_t shoff,
    uint64_t shnum, uint64_t shentsize)
{
	const unsigned char	*sh, *p, *l;
	uint64_t		 i, off, size, link, num;

	if (shentsize < (ps->c64 ? 64u : 40u)) {
		fail(ps, "section header entries too small");
		return;
	}
	if (shnum > SHNUM_MAX || shnum * shentsize > RANGE_MAX) {
		fail(ps, "too many section headers");
		return;
	}
	if ((sh = get(ps, shoff, shnum * shentsize,
	    "section headers beyond the end of the file")) == NULL)
		return;
	for (i = 0; i < shnum; i++) {
		p = sh + i * shentsize;
		if (u32(ps, p + 4) != SHT_GNU_VERNEED)
			continue;
		off = word(ps, p + (ps->c64 ? 24 : 16));
		size = word(ps, p + (ps->c64 ? 32 : 20));
		link = u32(ps, p + (ps->c64 ? 40 : 24));
		num = u32(ps, p + (ps->c64 ? 44 : 28));
		if (link == 0 || link >= shnum) {
			fail(ps, "version-needs section without a string table");
			return;
		}
		if (off > ps->size || size > ps->size - off) {
			fail(ps, "version-needs section beyond the end of the file");
			return;
		}
		l = sh + link * shentsize;
		walk_verneed(ps, info, off, num, off + size,
		    word(ps, l + (ps->c64 ? 24 : 16)),
		    word(ps, l + (ps->c64 ? 32 : 20)));
		return;
	}
}

static void
parse(struct parse *ps, struct elf_info *info)
{
	const unsigned char	*e, *ph = NULL, *p;
	uint64_t		 phoff, phentsize, phnum, shoff, shentsize, shnum;
	uint64_t		 i, dynoff = 0, dynsz = 0;
	int			 has_dyn = 0;

	memset(info, 0, sizeof(*info));
	ps->status = ELF_OK;
	if (ps->size < 4 ||
	    ((e = get(ps, 0, 4, "")) != NULL && memcmp(e, "\177ELF", 4) != 0)) {
		ps->status = ELF_NOT_ELF;
		ps->why = "not an ELF file";
		return;
	}
	if ((e = get(ps, 0, 16, "truncated ELF header")) == NULL)
		return;
	if (e[4] != 1 && e[4] != 2) {
		fail(ps, "unknown ELF class");
		return;
	}
	if (e[5] != 1 && e[5] != 2) {
		fail(ps, "unknown ELF byte order");
		return;
	}
	if (e[6] != 1) {
		fail(ps, "unknown ELF version");
		return;
	}
	ps->c64 = e[4] == 2;
	ps->big_endian = e[5] == 2;
	info->elf_class = ps->c64 ? 64 : 32;
	info->big_endian = ps->big_endian;
	if ((e = get(ps, 0, ps->c64 ? 64 : 52, "truncated ELF header")) == NULL)
		return;
	info->type = (int)u16(ps, e + 16);
	info->machine = (int)u16(ps, e + 18);
	if (ps->c64) {
		phoff = u64(ps, e + 32);
		shoff = u64(ps, e + 40);
		phentsize = u16(ps, e + 54);
		phnum = u16(ps, e + 56);
		shentsize = u16(ps, e + 58);
		shnum = u16(ps, e + 60);
	} else {
		phoff = u32(ps, e + 28);
		shoff = u32(ps, e + 32);
		phentsize = u16(ps, e + 42);
		phnum = u16(ps, e + 44);
		shentsize = u16(ps, e + 46);
		shnum = u16(ps, e + 48);
	}
	if (phnum > 0) {
		if (phentsize < (ps->c64 ? 56u : 32u)) {
			fail(ps, "program header entries too small");
			return;
		}
		if (phnum > PHNUM_MAX) {
			fail(ps, "too many program headers");
			return;
		}
		if ((ph = get(ps, phoff, phnum * phentsize,
		    "program headers beyond the end of the file")) == NULL)
			return;
		for (i = 0; i < phnum && !has_dyn; i++) {
			p = ph + i * phentsize;
			if (u32(ps, p) != PT_DYNAMIC)
				continue;
			has_dyn = 1;
			dynoff = ps->c64 ? u64(ps, p + 8) : u32(ps, p + 4);
			dynsz = ps->c64 ? u64(ps, p + 32) : u32(ps, p + 16);
		}
	}
	if (has_dyn) {
		from_dynamic(ps, info, ph, phnum, phentsize, dynoff, dynsz);
		return;
	}
	if (shnum > 0 && shoff != 0)
		from_sections(ps, info, shoff, shnum, shentsize);
}

struct elf_scan *
elf_scan_new(uint64_t size)
{
	struct elf_scan	*s = xcalloc(1, sizeof(*s));

	s->size = size;
	s->prefix.len = size < PREFIX_MAX ? (size_t)size : PREFIX_MAX;
	s->prefix.buf = xmalloc(s->prefix.len + 1);
	return s;
}

void
elf_scan_free(struct elf_scan *s)
{
	int	i;

	if (s == NULL)
		return;
	free(s->prefix.buf);
	for (i = 0; i < s->nranges; i++)
		free(s->ranges[i].buf);
	free(s);
}

/* Copies what of [off, off + n) continues r; 1 when that completes r. */
static int
fill(struct range *r, uint64_t off, const unsigned char *p, size_t n)
{
	uint64_t	at = r->off + r->have;
	size_t		k;

	if (r->have == r->len || at < off || at - off >= n)
		return 0;
	k = n - (size_t)(at - off);
	if (k > r->len - r->have)
		k = r->len - r->have;
	memcpy(r->buf + r->have, p + (at - off), k);
	r->have += k;
	return r->have == r->len;
}

/* Runs the parse on what is kept; on ELF_MORE, keeps a range for it. */
static enum elf_status
scan_parse(struct elf_scan *s, struct elf_info *info, struct parse *ps)
{
	struct range	*r = NULL;
	int		 i;

	memset(ps, 0, sizeof(*ps));
	ps->scan = s;
	ps->size = s->size;
	parse(ps, info);
	if (ps->status != ELF_MORE)
		return ps->status;
	if (ps->miss_off + ps->miss_len <= s->prefix.len) {
		/* Within the prefix: it fills from where it stopped. */
		ps->miss_off = s->prefix.have;
		ps->miss_len = s->prefix.len - s->prefix.have;
		return ELF_MORE;
	}
	for (i = 0; i < s->nranges; i++) {
		r = &s->ranges[i];
		if (ps->miss_off >= r->off &&
		    ps->miss_off + ps->miss_len <= r->off + r->len)
			break;
	}
	if (i == s->nranges) {
		if (s->nranges == RANGES) {
			ps->status = ELF_BAD;
			ps->why = "tables scattered over too many places";
			return ELF_BAD;
		}
		r = &s->ranges[s->nranges++];
		r->off = ps->miss_off;
		r->len = (size_t)ps->miss_len;
		r->have = 0;
		r->buf = xmalloc(r->len + 1);
	}
	ps->miss_off = r->off + r->have;
	ps->miss_len = r->len - r->have;
	return ELF_MORE;
}

void
elf_scan_feed(struct elf_scan *s, uint64_t off, const void *data, size_t n)
{
	struct elf_info	 info;
	struct parse	 ps;
	int		 i, done, rounds;

	if (off >= s->size)
		return;
	if (n > s->size - off)
		n = (size_t)(s->size - off);
	/*
	 * Whenever a kept range completes, parse again: what it asks for next
	 * (the dynamic segment, typically) may still lie ahead in this pass.
	 */
	for (rounds = 0; rounds <= RANGES + 1; rounds++) {
		done = fill(&s->prefix, off, data, n);
		for (i = 0; i < s->nranges; i++)
			done |= fill(&s->ranges[i], off, data, n);
		if (!done || scan_parse(s, &info, &ps) != ELF_MORE)
			break;
	}
}

enum elf_status
elf_scan_result(struct elf_scan *s, struct elf_info *info, const char **why,
    uint64_t *off, uint64_t *len)
{
	struct parse	ps;
	enum elf_status	st;

	st = scan_parse(s, info, &ps);
	*why = ps.why;
	*off = ps.miss_off;
	*len = ps.miss_len;
	return st;
}

enum elf_status
elf_parse_buf(const void *buf, size_t size, struct elf_info *info,
    const char **why)
{
	struct parse	ps;

	memset(&ps, 0, sizeof(ps));
	ps.flat = buf;
	ps.size = size;
	parse(&ps, info);
	*why = ps.why;
	return ps.status;
}

const char *
elf_machine_name(int machine)
{
	switch (machine) {
	case ELF_EM_X86_64:
		return "x86_64";
	case ELF_EM_AARCH64:
		return "arm64 (aarch64)";
	case ELF_EM_386:
		return "32-bit x86";
	case ELF_EM_ARM:
		return "32-bit ARM";
	case 8:
		return "MIPS";
	case 20:
		return "32-bit PowerPC";
	case 21:
		return "64-bit PowerPC";
	case 22:
		return "IBM S/390";
	case 243:
		return "RISC-V";
	case 258:
		return "LoongArch";
	default:
		return NULL;
	}
}
