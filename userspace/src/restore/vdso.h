/* The functions a vDSO image exports (its ELF dynamic symbols), to link the
 * old vDSO's entry points to the New kernel's. Pure: the old image comes
 * from the checkpoint, so every offset is checked. */
#ifndef QR_RESTORE_VDSO_H
#define QR_RESTORE_VDSO_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

#define QR_VDSO_MAX_SYMS 32
#define QR_VDSO_NAME 40

struct qr_vdso_sym {
	char name[QR_VDSO_NAME];
	uint64_t offset;	/* from the image's first byte */
	uint64_t size;		/* bytes of code (st_size), within the image */
};

/* Fills syms with the image's global functions; returns their number, or
 * -1 with a message when the image is not a well-formed 64-bit ELF. */
int qr_vdso_syms(const uint8_t *img, size_t len, struct qr_vdso_sym *syms,
		 struct qr_err *e);

/* For every function of the old vDSO that the new one has too, a jump
 * from its old address to its new one; a function whose 13-byte jump would
 * not fit inside the old image is left out. Returns how many. */
struct qr_rst_tramp;
int qr_vdso_link(const struct qr_vdso_sym *old, int nold, uint64_t old_base,
		 size_t old_len, const struct qr_vdso_sym *new, int nnew,
		 uint64_t new_base, struct qr_rst_tramp *out, int max);

/* Where stub_len bytes of code can go in the old vDSO's copy without
 * touching a live byte: right after one of the n jumps, inside the body of
 * the function it replaced (which nothing can run any more: its entry
 * jumps away), if that body is long enough and no other jump lies there.
 * 0 if no function has room. */
uint64_t qr_vdso_stub_place(const struct qr_vdso_sym *old, int nold,
			    uint64_t old_base, const struct qr_rst_tramp *t,
			    int n, size_t stub_len);

/* The lowest page-aligned address >= from where size bytes overlap none
 * of the n sorted areas [start, end) and stay below limit; 0 if none. */
uint64_t qr_find_hole(const uint64_t (*areas)[2], size_t n, uint64_t size,
		      uint64_t from, uint64_t limit);

#endif
