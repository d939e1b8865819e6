/*
 * What a binary needs to run: its machine, and the highest GLIBC_x.y[.z]
 * version it asks for in its version-needs (.gnu.version_r), reached
 * through PT_DYNAMIC (DT_VERNEED, DT_VERNEEDNUM, DT_STRTAB, DT_STRSZ,
 * mapped to file offsets through the PT_LOAD segments) or, without those,
 * through the section headers. ELF32 and ELF64, either byte order.
 *
 * The input is untrusted: every offset, size and count is checked against
 * the file size and against fixed caps, so a truncated or lying file gives
 * ELF_BAD, never a read out of bounds or an endless loop.
 *
 * The scan works on a stream (an entry being inflated) as well as on a
 * file: it is offered bytes by offset and keeps only what the parse needs
 * (a bounded prefix, then the ranges the headers point to). When a needed
 * range went by before the scan knew it was needed, elf_scan_result()
 * asks for it and the caller offers the stream once more.
 */
#ifndef CFNGEN_ELF_H
#define CFNGEN_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_EM_386	3
#define ELF_EM_ARM	40
#define ELF_EM_X86_64	62
#define ELF_EM_AARCH64	183

#define ELF_ET_EXEC	2
#define ELF_ET_DYN	3

enum elf_status {
	ELF_OK,		/* info filled in */
	ELF_NOT_ELF,	/* no ELF magic: a script, a zip, text ... */
	ELF_BAD,	/* ELF, but truncated or inconsistent; *why says how */
	ELF_MORE	/* offer the bytes at *off, *len and ask again */
};

struct elf_info {
	int	elf_class;	/* 32 or 64 */
	int	big_endian;
	int	type;		/* ELF_ET_EXEC, ELF_ET_DYN, ... */
	int	machine;	/* ELF_EM_X86_64, ELF_EM_AARCH64, ... */
	/* Highest GLIBC_x.y[.z] needed; all 0 when it needs none. */
	int	glibc_major;
	int	glibc_minor;
	int	glibc_patch;
};

struct elf_scan;

/* A scan of a file of size bytes; elf_scan_free() accepts NULL. */
struct elf_scan	*elf_scan_new(uint64_t size);
void		 elf_scan_free(struct elf_scan *);
/*
 * Offers len bytes found at offset off. Bytes may come in any order and
 * more than once; the scan copies the ones it needs (at most about 1 MB
 * for the prefix plus ELF_RANGE_MAX per range it asked for).
 */
void		 elf_scan_feed(struct elf_scan *, uint64_t off, const void *,
		    size_t len);
/*
 * The verdict on what was offered so far. ELF_MORE sets *off and *len to
 * a range to offer next. *why is a static string for ELF_BAD and
 * ELF_NOT_ELF.
 */
enum elf_status	 elf_scan_result(struct elf_scan *, struct elf_info *,
		    const char **why, uint64_t *off, uint64_t *len);

/* The whole image in memory (tests, fuzzers). Never ELF_MORE. */
enum elf_status	 elf_parse_buf(const void *, size_t, struct elf_info *,
		    const char **why);

/* "x86_64", "arm64 (aarch64)", "32-bit ARM", ... or NULL when unknown. */
const char	*elf_machine_name(int machine);

#endif
