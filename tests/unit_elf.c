/*
 * elf.c on synthetic images: ELF32 and ELF64, both byte orders, version
 * needs through PT_DYNAMIC and through the section headers, and every
 * way a header can lie (truncation, offsets beyond the end, counts that
 * do not fit, DT_VERNEED outside the segments, overlapping chains). The
 * streaming scan must agree with the whole-buffer parse on every image,
 * including randomly damaged ones.
 *
 * usage: unit_elf                 the synthetic tests
 *        unit_elf --real FILE...  real binaries: the scan of the first
 *                                 megabyte asks for the dynamic segment
 *                                 and no more, and both parses agree
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf.h"
#include "tap.h"

#define IMG_SIZE	0x600
#define BASE		0x400000	/* vaddr of file offset 0 */
#define OFF_PH		0x40
#define OFF_STR		0x200
#define OFF_VN		0x300
#define OFF_DYN		0x400
#define OFF_SH		0x500

struct img {
	unsigned char	b[IMG_SIZE];
	int		c64;
	int		be;
};

static const char	strtab[] = "\0libc.so.6\0GLIBC_2.17\0GLIBC_2.27\0"
    "GLIBC_PRIVATE\0libm.so.6\0GLIBC_2.2.5\0";
/* Offsets of the names in strtab. */
#define S_LIBC		1
#define S_217		11
#define S_227		22
#define S_PRIV		33
#define S_LIBM		47
#define S_225		57

static void
put(struct img *m, size_t off, uint64_t v, int n)
{
	int	i;

	for (i = 0; i < n; i++)
		m->b[off + (m->be ? (size_t)(n - 1 - i) : (size_t)i)] =
		    (unsigned char)(v >> (8 * i));
}

static void
put_word(struct img *m, size_t off, uint64_t v)
{
	put(m, off, v, m->c64 ? 8 : 4);
}

/* Program header i: type, offset, vaddr, filesz. */
static void
put_ph(struct img *m, int i, uint32_t type, uint64_t off, uint64_t va,
    uint64_t sz)
{
	size_t	p = OFF_PH + (size_t)i * (m->c64 ? 56 : 32);

	put(m, p, type, 4);
	if (m->c64) {
		put(m, p + 8, off, 8);
		put(m, p + 16, va, 8);
		put(m, p + 24, va, 8);
		put(m, p + 32, sz, 8);
		put(m, p + 40, sz, 8);
	} else {
		put(m, p + 4, off, 4);
		put(m, p + 8, va, 4);
		put(m, p + 12, va, 4);
		put(m, p + 16, sz, 4);
		put(m, p + 20, sz, 4);
	}
}

/* Dynamic entry i. */
static void
put_dyn(struct img *m, int i, uint64_t tag, uint64_t val)
{
	size_t	e = m->c64 ? 16 : 8;

	put_word(m, OFF_DYN + (size_t)i * e, tag);
	put_word(m, OFF_DYN + (size_t)i * e + e / 2, val);
}

/* Section header i: type, offset, size, link, info. */
static void
put_sh(struct img *m, int i, uint32_t type, uint64_t off, uint64_t sz,
    uint32_t link, uint32_t info)
{
	size_t	p = OFF_SH + (size_t)i * (m->c64 ? 64 : 40);

	put(m, p + 4, type, 4);
	if (m->c64) {
		put(m, p + 24, off, 8);
		put(m, p + 32, sz, 8);
		put(m, p + 40, link, 4);
		put(m, p + 44, info, 4);
	} else {
		put(m, p + 16, off, 4);
		put(m, p + 20, sz, 4);
		put(m, p + 24, link, 4);
		put(m, p + 28, info, 4);
	}
}

/* Verneed at off: cnt, file, aux, next. Vernaux: name, next. */
static void
put_vn(struct img *m, size_t off, int cnt, uint32_t file, uint32_t aux,
    uint32_t next)
{
	put(m, off, 1, 2);
	put(m, off + 2, (uint64_t)cnt, 2);
	put(m, off + 4, file, 4);
	put(m, off + 8, aux, 4);
	put(m, off + 12, next, 4);
}

static void
put_vna(struct img *m, size_t off, uint32_t name, uint32_t next)
{
	put(m, off + 8, name, 4);
	put(m, off + 12, next, 4);
}

#define VN_NUM		2
#define PH_NUM		2
#define SH_NUM		3

/*
 * A dynamically linked executable needing GLIBC_2.17, GLIBC_2.27 and
 * GLIBC_PRIVATE from libc.so.6 and GLIBC_2.2.5 from libm.so.6.
 */
static void
make(struct img *m, int c64, int be, int machine)
{
	memset(m, 0, sizeof(*m));
	m->c64 = c64;
	m->be = be;
	memcpy(m->b, "\177ELF", 4);
	m->b[4] = c64 ? 2 : 1;
	m->b[5] = be ? 2 : 1;
	m->b[6] = 1;
	put(m, 16, 3, 2);			/* ET_DYN */
	put(m, 18, (uint64_t)machine, 2);
	put(m, 20, 1, 4);
	if (c64) {
		put(m, 32, OFF_PH, 8);
		put(m, 40, OFF_SH, 8);
		put(m, 52, 64, 2);
		put(m, 54, 56, 2);
		put(m, 56, PH_NUM, 2);
		put(m, 58, 64, 2);
		put(m, 60, SH_NUM, 2);
	} else {
		put(m, 28, OFF_PH, 4);
		put(m, 32, OFF_SH, 4);
		put(m, 40, 52, 2);
		put(m, 42, 32, 2);
		put(m, 44, PH_NUM, 2);
		put(m, 46, 40, 2);
		put(m, 48, SH_NUM, 2);
	}
	put_ph(m, 0, 1, 0, BASE, IMG_SIZE);		/* PT_LOAD */
	put_ph(m, 1, 2, OFF_DYN, BASE + OFF_DYN, 5 * (c64 ? 16 : 8));
	memcpy(m->b + OFF_STR, strtab, sizeof(strtab));
	put_vn(m, OFF_VN, 3, S_LIBC, 16, 64);
	put_vna(m, OFF_VN + 16, S_217, 16);
	put_vna(m, OFF_VN + 32, S_227, 16);
	put_vna(m, OFF_VN + 48, S_PRIV, 0);
	put_vn(m, OFF_VN + 64, 1, S_LIBM, 16, 0);
	put_vna(m, OFF_VN + 80, S_225, 0);
	put_dyn(m, 0, 5, BASE + OFF_STR);		/* DT_STRTAB */
	put_dyn(m, 1, 10, sizeof(strtab));		/* DT_STRSZ */
	put_dyn(m, 2, 0x6ffffffe, BASE + OFF_VN);	/* DT_VERNEED */
	put_dyn(m, 3, 0x6fffffff, VN_NUM);		/* DT_VERNEEDNUM */
	put_dyn(m, 4, 0, 0);				/* DT_NULL */
	put_sh(m, 1, 3, OFF_STR, sizeof(strtab), 0, 0);	/* .dynstr */
	put_sh(m, 2, 0x6ffffffe, OFF_VN, 96, 1, VN_NUM); /* .gnu.version_r */
}

/*
 * The streaming scan over the image, offered in chunks of the given size,
 * pass after pass as it asks; must never need more than a few passes.
 */
static enum elf_status
scan_stream(const unsigned char *b, size_t n, size_t chunk,
    struct elf_info *info, const char **why, int *passes)
{
	struct elf_scan	*s = elf_scan_new(n);
	enum elf_status	 st = ELF_MORE;
	uint64_t	 off, len;
	size_t		 i;

	for (*passes = 0; *passes < 4 && st == ELF_MORE; (*passes)++) {
		for (i = 0; i < n; i += chunk)
			elf_scan_feed(s, i, b + i, n - i < chunk ? n - i : chunk);
		st = elf_scan_result(s, info, why, &off, &len);
	}
	elf_scan_free(s);
	return st;
}

/* Both parses agree on status and result. */
static int
agree(const unsigned char *b, size_t n, size_t chunk)
{
	struct elf_info	 a, c;
	const char	*wa = NULL, *wc = NULL;
	enum elf_status	 sa, sc;
	int		 passes;

	sa = elf_parse_buf(b, n, &a, &wa);
	sc = scan_stream(b, n, chunk, &c, &wc, &passes);
	if (sa != sc)
		return 0;
	if (sa == ELF_OK)
		return memcmp(&a, &c, sizeof(a)) == 0;
	return wa != NULL && wc != NULL && strcmp(wa, wc) == 0;
}

static void
expect_ok(struct img *m, int major, int minor, int patch, const char *what)
{
	struct elf_info	 info;
	const char	*why = "";
	enum elf_status	 st;

	st = elf_parse_buf(m->b, IMG_SIZE, &info, &why);
	ok(st == ELF_OK && info.glibc_major == major &&
	    info.glibc_minor == minor && info.glibc_patch == patch,
	    "%s: GLIBC_%d.%d.%d", what, major, minor, patch);
	if (st != ELF_OK)
		printf("# status %d: %s\n", st, why);
	else if (info.glibc_major != major || info.glibc_minor != minor)
		printf("# got %d.%d.%d\n", info.glibc_major, info.glibc_minor,
		    info.glibc_patch);
	ok(agree(m->b, IMG_SIZE, 61), "%s: the stream scan agrees", what);
}

static void
expect_bad(const unsigned char *b, size_t n, const char *want,
    const char *what)
{
	struct elf_info	 info;
	const char	*why = NULL;
	enum elf_status	 st;

	st = elf_parse_buf(b, n, &info, &why);
	ok(st == ELF_BAD && why != NULL && strstr(why, want) != NULL,
	    "%s: rejected (%s)", what, want);
	if (st != ELF_BAD || why == NULL || strstr(why, want) == NULL)
		printf("# status %d: %s\n", st, why ? why : "(none)");
	ok(agree(b, n, 97), "%s: the stream scan agrees", what);
}

static void
test_good(void)
{
	struct img	m;
	struct elf_info	info;
	const char	*why;

	make(&m, 1, 0, ELF_EM_X86_64);
	expect_ok(&m, 2, 27, 0, "ELF64 little-endian x86_64");
	elf_parse_buf(m.b, IMG_SIZE, &info, &why);
	ok(info.elf_class == 64 && !info.big_endian &&
	    info.machine == ELF_EM_X86_64 && info.type == ELF_ET_DYN,
	    "ELF64 LE: class, byte order, machine, type");
	make(&m, 1, 1, 22);
	expect_ok(&m, 2, 27, 0, "ELF64 big-endian s390x");
	elf_parse_buf(m.b, IMG_SIZE, &info, &why);
	ok(info.big_endian && info.machine == 22, "ELF64 BE: machine 22");
	make(&m, 0, 0, ELF_EM_386);
	expect_ok(&m, 2, 27, 0, "ELF32 little-endian i386");
	elf_parse_buf(m.b, IMG_SIZE, &info, &why);
	ok(info.elf_class == 32 && info.machine == ELF_EM_386,
	    "ELF32 LE: class 32, machine 3");
	make(&m, 0, 1, 20);
	expect_ok(&m, 2, 27, 0, "ELF32 big-endian ppc");

	/* Without PT_DYNAMIC: through the section headers. */
	make(&m, 1, 0, ELF_EM_AARCH64);
	put(&m, 56, 1, 2);
	expect_ok(&m, 2, 27, 0, "no PT_DYNAMIC: .gnu.version_r section");
	make(&m, 0, 1, 20);
	put(&m, 44, 1, 2);
	expect_ok(&m, 2, 27, 0, "ELF32 BE, no PT_DYNAMIC: section");

	/* The highest version wins, patch level included. */
	make(&m, 1, 0, ELF_EM_X86_64);
	put_vna(&m, OFF_VN + 32, S_PRIV, 16);	/* drop 2.27 from libc */
	put_vna(&m, OFF_VN + 48, S_217, 0);
	expect_ok(&m, 2, 17, 0, "highest of 2.17 and 2.2.5");
	put_vna(&m, OFF_VN + 16, S_225, 16);
	put_vna(&m, OFF_VN + 48, S_225, 0);
	put_vna(&m, OFF_VN + 80, S_225, 0);
	expect_ok(&m, 2, 2, 5, "only GLIBC_2.2.5");

	/* Dynamic, but no DT_VERNEED: needs nothing. */
	make(&m, 1, 0, ELF_EM_X86_64);
	put_dyn(&m, 2, 0, 0);
	expect_ok(&m, 0, 0, 0, "no DT_VERNEED");
	/* No program or section headers at all. */
	make(&m, 1, 0, ELF_EM_X86_64);
	put(&m, 56, 0, 2);
	put(&m, 60, 0, 2);
	expect_ok(&m, 0, 0, 0, "no headers: needs nothing");
	/* DT_VERNEEDNUM absent: the chain's own end stops the walk. */
	make(&m, 1, 0, ELF_EM_X86_64);
	put_dyn(&m, 3, 0x6ffffffd, 0);
	expect_ok(&m, 2, 27, 0, "no DT_VERNEEDNUM");
	/* A chain that ends (vna_next 0) before vn_cnt entries: it ends. */
	make(&m, 1, 0, ELF_EM_X86_64);
	put_vn(&m, OFF_VN, 0xffff, S_LIBC, 16, 64);
	expect_ok(&m, 2, 27, 0, "vn_cnt larger than its chain");
	/* vn_next 0 before DT_VERNEEDNUM entries: the chain ends there. */
	make(&m, 1, 0, ELF_EM_X86_64);
	put_dyn(&m, 3, 0x6fffffff, 1000);
	expect_ok(&m, 2, 27, 0, "DT_VERNEEDNUM larger than the chain");
}

static void
test_not_elf(void)
{
	struct elf_info	 info;
	const char	*why;

	ok(elf_parse_buf("#!/bin/sh\necho hi\n", 18, &info, &why) ==
	    ELF_NOT_ELF, "a shell script is not ELF");
	ok(elf_parse_buf("", 0, &info, &why) == ELF_NOT_ELF,
	    "an empty file is not ELF");
	ok(elf_parse_buf("\177EL", 3, &info, &why) == ELF_NOT_ELF,
	    "three bytes of magic are not ELF");
	ok(elf_parse_buf("PK\003\004", 4, &info, &why) == ELF_NOT_ELF,
	    "a zip is not ELF");
	ok(agree((const unsigned char *)"#!/bin/sh\n", 10, 3),
	    "the stream scan agrees on a script");
}

static void
test_truncated(void)
{
	struct img	 m;
	struct elf_info	 info;
	const char	*why;
	size_t		 n;
	int		 bad_ok = 1, agreed = 1;
	enum elf_status	 st;

	make(&m, 1, 0, ELF_EM_X86_64);
	for (n = 0; n < IMG_SIZE; n++) {
		st = elf_parse_buf(m.b, n, &info, &why);
		/* Without the dynamic segment, nothing can be trusted. */
		if (n < OFF_DYN + 5 * 16 && st == ELF_OK)
			bad_ok = 0;
		if (!agree(m.b, n, 1 + n % 53))
			agreed = 0;
	}
	ok(bad_ok, "every truncation before the tables is rejected");
	ok(agreed, "the stream scan agrees on every truncation");
	make(&m, 1, 0, ELF_EM_X86_64);
	expect_bad(m.b, 40, "truncated ELF header", "cut inside the header");
	make(&m, 0, 0, ELF_EM_386);
	expect_bad(m.b, 50, "truncated ELF header", "ELF32 cut in the header");
}

static void
test_lies(void)
{
	struct img	m;

	make(&m, 1, 0, ELF_EM_X86_64);
	m.b[4] = 3;
	expect_bad(m.b, IMG_SIZE, "ELF class", "unknown class");
	make(&m, 1, 0, ELF_EM_X86_64);
	m.b[5] = 0;
	expect_bad(m.b, IMG_SIZE, "byte order", "unknown byte order");

	make(&m, 1, 0, ELF_EM_X86_64);
	put(&m, 32, 0x7ffffffffff0ULL, 8);
	expect_bad(m.b, IMG_SIZE, "program headers beyond", "e_phoff past the end");
	make(&m, 1, 0, ELF_EM_X86_64);
	put(&m, 32, UINT64_MAX - 8, 8);
	expect_bad(m.b, IMG_SIZE, "program headers beyond", "e_phoff wraps");
	make(&m, 1, 0, ELF_EM_X86_64);
	put(&m, 56, 900, 2);
	expect_bad(m.b, IMG_SIZE, "program headers beyond", "e_phnum lies");
	make(&m, 1, 0, ELF_EM_X86_64);
	put(&m, 56, 0xffff, 2);
	expect_bad(m.b, IMG_SIZE, "too many program headers", "e_phnum 0xffff");
	make(&m, 1, 0, ELF_EM_X86_64);
	put(&m, 54, 8, 2);
	expect_bad(m.b, IMG_SIZE, "too small", "e_phentsize too small");

	make(&m, 1, 0, ELF_EM_X86_64);
	put_ph(&m, 1, 2, 0x5f0, BASE + 0x5f0, 0x100);
	expect_bad(m.b, IMG_SIZE, "dynamic segment beyond", "PT_DYNAMIC past the end");
	make(&m, 1, 0, ELF_EM_X86_64);
	put_ph(&m, 1, 2, OFF_DYN, BASE + OFF_DYN, UINT64_MAX);
	expect_bad(m.b, IMG_SIZE, "larger than 1 MB", "PT_DYNAMIC of 2^64 bytes");

	make(&m, 1, 0, ELF_EM_X86_64);
	put_dyn(&m, 2, 0x6ffffffe, 0x9000000);
	expect_bad(m.b, IMG_SIZE, "DT_VERNEED outside", "DT_VERNEED not mapped");
	make(&m, 1, 0, ELF_EM_X86_64);
	put_dyn(&m, 2, 0x6ffffffe, BASE + IMG_SIZE - 4);
	expect_bad(m.b, IMG_SIZE, "DT_VERNEED outside",
	    "DT_VERNEED in the last bytes of the segment");
	make(&m, 1, 0, ELF_EM_X86_64);
	put_ph(&m, 0, 1, 0x100000, BASE, IMG_SIZE);
	expect_bad(m.b, IMG_SIZE, "beyond the end",
	    "PT_LOAD maps offsets beyond the file");
	make(&m, 1, 0, ELF_EM_X86_64);
	put_dyn(&m, 0, 5, 0x10);
	expect_bad(m.b, IMG_SIZE, "DT_STRTAB outside", "DT_STRTAB not mapped");
	make(&m, 1, 0, ELF_EM_X86_64);
	put_dyn(&m, 1, 10, 0x7fffffff);
	expect_bad(m.b, IMG_SIZE, "DT_STRTAB outside", "DT_STRSZ too large");
	make(&m, 1, 0, ELF_EM_X86_64);
	put_dyn(&m, 0, 0x6ffffffd, 0);
	expect_bad(m.b, IMG_SIZE, "without DT_STRTAB", "DT_VERNEED without DT_STRTAB");

	/* The version-needs chain. */
	make(&m, 1, 0, ELF_EM_X86_64);
	put_vn(&m, OFF_VN, 3, S_LIBC, 16, 8);
	expect_bad(m.b, IMG_SIZE, "overlapping", "vn_next inside the entry");
	make(&m, 1, 0, ELF_EM_X86_64);
	put_vn(&m, OFF_VN, 3, S_LIBC, 0, 64);
	expect_bad(m.b, IMG_SIZE, "overlapping", "vn_aux pointing at itself");
	make(&m, 1, 0, ELF_EM_X86_64);
	put_vna(&m, OFF_VN + 16, S_217, 4);
	expect_bad(m.b, IMG_SIZE, "overlapping", "vna_next inside the entry");
	make(&m, 1, 0, ELF_EM_X86_64);
	/* A cycle back to the first entry, were offsets 32-bit. */
	put_vn(&m, OFF_VN + 64, 1, S_LIBM, 16, 0xffffffc0);
	put_dyn(&m, 3, 0x6fffffff, 0xffffffff);
	expect_bad(m.b, IMG_SIZE, "beyond the end", "vn_next wrapping back");
	make(&m, 0, 0, ELF_EM_386);
	put_vn(&m, OFF_VN + 64, 1, S_LIBM, 16, 0xffffffc0);
	put_dyn(&m, 3, 0x6fffffff, 0xffffffff);
	expect_bad(m.b, IMG_SIZE, "beyond the end", "ELF32 vn_next wrapping back");
	make(&m, 1, 0, ELF_EM_X86_64);
	put_vn(&m, OFF_VN + 64, 0, S_LIBM, 16, 16);
	put_dyn(&m, 3, 0x6fffffff, 0xffffffff);
	expect_bad(m.b, IMG_SIZE, "", "a chain that runs on past the table");
	make(&m, 1, 0, ELF_EM_X86_64);
	put_vn(&m, OFF_VN, 0xffff, S_LIBC, 16, 64);
	put_vna(&m, OFF_VN + 48, S_PRIV, 0x1000);
	expect_bad(m.b, IMG_SIZE, "beyond the end", "vn_cnt and vna_next lie");
	make(&m, 1, 0, ELF_EM_X86_64);
	put(&m, OFF_VN, 2, 2);
	expect_bad(m.b, IMG_SIZE, "revision", "unknown vn_version");
	make(&m, 1, 0, ELF_EM_X86_64);
	put_vna(&m, OFF_VN + 16, 0x10000, 16);
	expect_bad(m.b, IMG_SIZE, "outside the string table", "vna_name too large");
	make(&m, 1, 0, ELF_EM_X86_64);
	put_dyn(&m, 1, 10, S_217 + 3);
	expect_bad(m.b, IMG_SIZE, "", "name cut by DT_STRSZ");

	/* Section headers, when they are the way. */
	make(&m, 1, 0, ELF_EM_X86_64);
	put(&m, 56, 1, 2);
	put(&m, 40, IMG_SIZE - 16, 8);
	expect_bad(m.b, IMG_SIZE, "section headers beyond", "e_shoff near the end");
	make(&m, 1, 0, ELF_EM_X86_64);
	put(&m, 56, 1, 2);
	put_sh(&m, 2, 0x6ffffffe, OFF_VN, 96, 7, VN_NUM);
	expect_bad(m.b, IMG_SIZE, "without a string table", "sh_link out of range");
	make(&m, 1, 0, ELF_EM_X86_64);
	put(&m, 56, 1, 2);
	put_sh(&m, 2, 0x6ffffffe, OFF_VN, 40, 1, VN_NUM);
	expect_bad(m.b, IMG_SIZE, "outside its section", "chain longer than its section");
	make(&m, 1, 0, ELF_EM_X86_64);
	put(&m, 56, 1, 2);
	put(&m, 60, 60000, 2);
	expect_bad(m.b, IMG_SIZE, "too many section headers", "e_shnum lies");
}

/* Random damage: never a crash (ASan, valgrind), and both parses agree. */
static void
test_damage(void)
{
	struct img	 m, d;
	unsigned int	 seed = 12345;
	int		 i, j, agreed = 1, flips;

	for (i = 0; i < 20000; i++) {
		make(&m, i & 1, (i >> 1) & 1, ELF_EM_X86_64);
		d = m;
		flips = 1 + (int)(rand_r(&seed) % 8);
		for (j = 0; j < flips; j++)
			d.b[rand_r(&seed) % IMG_SIZE] = (unsigned char)rand_r(&seed);
		if (!agree(d.b, IMG_SIZE, 1 + (size_t)(rand_r(&seed) % 700))) {
			agreed = 0;
			break;
		}
	}
	ok(agreed, "20000 damaged images: stream scan and buffer parse agree");
	if (!agreed)
		printf("# diverged at iteration %d\n", i);
}

static unsigned char *
slurp(const char *path, size_t *n)
{
	struct stat	 st;
	unsigned char	*b;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &st) == -1)
		return NULL;
	b = malloc((size_t)st.st_size + 1);
	*n = 0;
	while (b != NULL && *n < (size_t)st.st_size) {
		ssize_t r = read(fd, b + *n, (size_t)st.st_size - *n);
		if (r <= 0)
			break;
		*n += (size_t)r;
	}
	close(fd);
	return b;
}

/* A real binary: the first megabyte, then only what the scan asks for. */
static void
test_real(const char *path)
{
	struct elf_scan	*s;
	struct elf_info	 a, c;
	const char	*why = NULL;
	unsigned char	*b;
	uint64_t	 off = 0, len = 0;
	size_t		 n, first;
	enum elf_status	 st;
	int		 asks = 0;

	if ((b = slurp(path, &n)) == NULL) {
		ok(0, "%s: readable", path);
		return;
	}
	first = n < (1u << 20) ? n : 1u << 20;
	s = elf_scan_new(n);
	elf_scan_feed(s, 0, b, first);
	while ((st = elf_scan_result(s, &c, &why, &off, &len)) == ELF_MORE &&
	    asks < 8) {
		asks++;
		if (asks == 1)
			printf("# %s: asks for %llu bytes at %llu\n", path,
			    (unsigned long long)len, (unsigned long long)off);
		elf_scan_feed(s, off, b + off, (size_t)len);
	}
	elf_scan_free(s);
	ok(st == ELF_OK && asks == 1 && len <= 4096,
	    "%s: one small range asked for beyond the first megabyte", path);
	st = elf_parse_buf(b, n, &a, &why);
	ok(st == ELF_OK && memcmp(&a, &c, sizeof(a)) == 0,
	    "%s: the whole-file parse agrees (machine %d, GLIBC_%d.%d)", path,
	    a.machine, a.glibc_major, a.glibc_minor);
	free(b);
}

int
main(int argc, char *argv[])
{
	int	i;

	if (argc > 1 && strcmp(argv[1], "--real") == 0) {
		for (i = 2; i < argc; i++)
			test_real(argv[i]);
		return tap_end();
	}
	test_good();
	test_not_elf();
	test_truncated();
	test_lies();
	test_damage();
	ok(strcmp(elf_machine_name(ELF_EM_AARCH64), "arm64 (aarch64)") == 0 &&
	    elf_machine_name(0x7777) == NULL, "machine names");
	return tap_end();
}
