/*
 * One entry of an existing zip, read: Deno's release zip and its "deno".
 * layer_zip_add_entry() (layer.h) copies the entry's compressed bytes as
 * they are, from where this finds them (data_off; the end of central
 * directory, the central and the local header are located and their every
 * bound checked); layer_input_inflate() streams the inflated bytes for the
 * checks of inspect.h (ISA-L for deflate), verifying the CRC-32 and size.
 */
#ifndef CFNGEN_LAYER_INPUT_H
#define CFNGEN_LAYER_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include <zip.h>

/* Read-only outside layer_input.c. */
struct layer_input {
	char		*path;
	char		*what;		/* how the user named it */
	zip_t		*za;
	zip_uint64_t	 idx;
	uint64_t	 size;
	uint64_t	 comp_size;
	uint32_t	 crc;
	int		 method;	/* ZIP_CM_DEFLATE or ZIP_CM_STORE */
	int		 fd;		/* for reading the entry's bytes directly */
	int64_t		 data_off;	/* where they start, or -1 if unknown */
};

/*
 * Opens the zip at path and finds the entry called name. A file that is
 * not a readable zip, or lacks the entry, is a usage error naming what
 * (e.g. "--deno-zip deno.zip"). NULL on error.
 */
struct layer_input	*layer_input_open(const char *path, const char *name,
			    const char *what);
uint64_t		 layer_input_size(const struct layer_input *);
/*
 * Calls fn with the inflated bytes of the entry, in order, with their
 * offset; fn returns 0, or -1 to stop. Reports nothing, so it may run in
 * a thread of its own while a layer_zip copies from the same input: -1
 * with *err set (caller frees) when the entry is damaged (bad deflate
 * data, CRC-32 or size not as the zip says) or unreadable, -1 with *err
 * NULL when fn stopped it.
 */
int			 layer_input_inflate(struct layer_input *,
			    int (*fn)(void *, uint64_t off, const void *,
			    size_t), void *arg, char **err);
void			 layer_input_close(struct layer_input *);
/*
 * Whether path is a consistent zip holding "deno", as a Deno release zip
 * does, for files cfngen did not choose (a download). Reports nothing: 0,
 * or -1 with *why set to a static explanation.
 */
int			 layer_input_probe(const char *path, const char **why);

#endif
