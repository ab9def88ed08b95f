/* Zero copy at checkpoint: the private pages of a frozen process are
 * recorded as the frames they are in (pfncheck's PFN map, pages pinned
 * until the kexec) instead of being copied. Anonymous pages, copy-on-write
 * copies in private file mappings included, are kept where they are;
 * every other page of a private file mapping is copied (clean file pages
 * copied are always right, even if the file changes), as are pages shared
 * copy-on-write with another process (a frame can have one owner only;
 * a child's page shared with its parent is the parent's: inherit.h) and
 * frames in the first memory block (the New kernel runs there) that could
 * not be moved out of it before the pinning (checkpoint/evacuate.h), unless their
 * pageblocks are to be hidden from the New kernel (first_block.h). */
#ifndef QR_CAPTURE_ZC_H
#define QR_CAPTURE_ZC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "quickreboot/pfncheck_abi.h"
#include "boot/bootarea.h"
#include "image/image.h"

struct qr_zc {
	const struct qr_memview *m;
	const struct qr_span *boot;	/* the New kernel's boot area */
	struct pfncheck_vma *vmas;	/* the frozen process's PFN map */
	uint32_t nvmas;
	struct pfncheck_page *pages;
	uint64_t npages;
	uint64_t kept, copied;		/* pages, for the report */
	uint64_t copied_place;		/* of the copied: for their frame's place */
	/* Keep pages left in the first block (first_block.h): their
	 * pageblocks go to hidden, for the New kernel's command line. */
	bool keep_first_block;
	struct qr_spans hidden;
	uint64_t kept_first;		/* of the kept: in hidden */
	/* For the area being run: the parent's frame at each of its pages
	 * (0: none), or NULL (checkpoint/inherit.h). A page shared with the
	 * parent (held, the same frame: it cannot have moved) goes to
	 * inherit instead of being copied. */
	const uint64_t *parent_frames;
	struct qri_own_run *inherit;
	uint32_t ninherit, inherit_cap;
	uint64_t inherited;		/* pages, for the report */
};

/* Reads pid's PFN map (PFNCHECK_IOC_PFNMAP: its pages stay pinned until
 * thaw or kexec) into zc. Returns -1 after printing why. */
int qr_zc_read_map(int pfncheck_fd, pid_t pid, struct qr_zc *zc);
void qr_zc_free_map(struct qr_zc *zc);

/* The runs of area [start, end) (file: a private file mapping), pages
 * to copy numbered from *copy_off on in the pages file (advanced past
 * them). Pure. Returns the number of runs in *runs (malloc'd, maybe 0),
 * or -1 with e set (a frame that cannot be, naming it; out of memory).
 * The pages shared with the parent (parent_frames) in zc->inherit. */
long qr_zc_runs(struct qr_zc *zc, uint64_t start, uint64_t end, bool file,
		uint64_t *copy_off, struct qri_page_run **runs,
		struct qr_err *e);

#endif
