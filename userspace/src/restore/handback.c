/* See restore/handback.h. */
#include "restore/handback.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "quickreboot/restore_abi.h"
#include "lib/exit.h"
#include "boot/memview.h"
#include "lib/module_open.h"
#include "restore/said.h"

#define RESTORE_MODULE "restore"

static const char *const reasons[] = {
	[QR_BAD_ORDER] = "listed twice",
	[QR_BAD_NOT_RAM] = "not RAM in the firmware map",
	[QR_BAD_BOOT_AREA] = "inside memory this kernel runs in",
	[QR_BAD_KEPT] = "inside a range kept aside (the next boot area, the shelter)",
	[QR_BAD_BUSY] = "inside a busy resource (the shelter?)",
	[QR_BAD_COUNT] = "more frames than the RAM holds",
	[QR_BAD_RANGES] = "RAM ranges refused",
};

/* Which process and page a refused frame belongs to. */
static void name_owner(const struct qri_image *img, uint64_t pfn)
{
	for (size_t i = 0; img && i < img->nprocs; i++)
		for (size_t j = 0; j < img->procs[i].nvmas; j++)
			for (size_t k = 0; k < img->procs[i].vmas[j].nruns; k++) {
				const struct qri_page_run *r = &img->procs[i].vmas[j].runs[k];

				if (r->kind == QRI_RUN_FRAMES && pfn >= r->where &&
				    pfn - r->where < r->count)
					qr_error("restore: frame 0x%" PRIx64 " holds page 0x%" PRIx64 " of process %" PRIu32 " (%s)",
						 pfn, r->addr + (pfn - r->where) * 4096,
						 img->procs[i].p.pid, img->procs[i].p.comm);
			}
}

static struct qr_restore_range *ranges(const struct qr_spans *v)
{
	struct qr_restore_range *r = calloc(v->n + 1, sizeof(*r));

	for (size_t i = 0; r && i < v->n; i++)
		r[i] = (struct qr_restore_range){ v->s[i].start, v->s[i].end };
	return r;
}

/* next: the next boot area to keep hidden, or NULL for none. */
static int call(struct qr_handback *hb, const struct qri_image *img,
		const struct qr_memview *m, const struct qr_span *next)
{
	struct qr_restore_range *ram = ranges(&m->fwram), keep[2];
	struct qr_restore_handback h = {
		.nr_ram = m->fwram.n, .ram = (uintptr_t)ram,
		.nr_keep = 0, .keep = (uintptr_t)keep,
		.nr_pfns = img ? img->nframes : 0,
		.pfns = (uintptr_t)(img ? img->frames : NULL),
	};
	int rc = QR_EXIT_OK;

	if (next)
		keep[h.nr_keep++] = (struct qr_restore_range){ next->start, next->end };
	if (m->has_shelter) {
		/* Ascending, as the module wants them. */
		struct qr_restore_range sh = { m->shelter.start,
			m->shelter.start + m->shelter.size };

		if (next && sh.start < keep[0].start) {
			keep[1] = keep[0];
			keep[0] = sh;
		} else {
			keep[h.nr_keep] = sh;
		}
		h.nr_keep++;
	}
	if (!ram)
		return QR_EXIT_FAIL;
	if (ioctl(hb->fd, QR_RESTORE_IOC_HANDBACK, &h)) {
		if (errno == EINVAL && h.bad_reason) {
			qr_error("restore: the image's frames were refused: frame 0x%" PRIx64 " is %s; nothing was adopted, the image is left in place",
				 (uint64_t)h.bad_pfn,
				 h.bad_reason < sizeof(reasons) / sizeof(*reasons) &&
				 reasons[h.bad_reason] ? reasons[h.bad_reason] : "refused");
			name_owner(img, h.bad_pfn);
			rc = QR_EXIT_UNSAFE;
		} else {
			qr_error("restore: hand-back: %s", strerror(errno));
			rc = QR_EXIT_FAIL;
		}
	} else {
		hb->mode = h.mode;
		hb->added = h.added_bytes;
		hb->ns = h.elapsed_ns;
	}
	free(ram);
	return rc;
}

int qr_handback_run(const struct qri_image *img, struct qr_handback *hb)
{
	struct qr_spans hidden = { 0 };
	struct qr_memview m;
	struct qr_span next;
	bool has_next;
	uint64_t size;
	int rc = QR_EXIT_FAIL;

	memset(hb, 0, sizeof(*hb));
	hb->fd = -1;
	if (qr_memview_read(&m, NULL))
		return QR_EXIT_FAIL;
	if (qr_hidden_ram(&m, &hidden))
		goto out;
	if (!m.has_named || !hidden.n) {
		/* Not confined to a boot area: nothing hidden to give back. */
		rc = QR_EXIT_OK;
		if (img && img->nframes) {
			qr_error("restore: the image keeps %zu frames in place, but this kernel was not confined to a boot area (quickreboot.bootarea= with hidden RAM): they were not preserved; the image is left in place",
				 img->nframes);
			rc = QR_EXIT_UNSAFE;
		}
		goto out;
	}
	size = m.named.size > QR_BOOTAREA_MIN ? m.named.size : QR_BOOTAREA_MIN;
	/* Without one, the processes still come back; only the next quick
	 * reboot cannot be in zero copy. */
	has_next = !qr_bootarea_next(&hidden, img ? img->frames : NULL,
				     img ? img->nframes : 0, size, m.block, &next);
	if (!has_next)
		fprintf(stderr, "quickreboot: restore: no room for the next boot area (%" PRIu64 " MiB of hidden RAM without frames): all RAM is given back, and the next quick reboot will be in copy mode (a normal boot reserves the boot area again)\n",
			size >> 20);
	hb->fd = qr_module_open(RESTORE_MODULE, QR_RESTORE_DEVICE, "restore");
	if (hb->fd < 0) {
		rc = hb->fd == QR_MODULE_ABI_MISMATCH ? QR_EXIT_ABI : QR_EXIT_FAIL;
		hb->fd = -1;
		goto out;
	}
	rc = call(hb, img, &m, has_next ? &next : NULL);
	if (rc) {
		close(hb->fd);
		hb->fd = -1;
	} else {
		struct qr_handback_said said = {
			.added = hb->added, .ns = hb->ns, .mode = hb->mode,
			.nframes = img ? img->nframes : 0,
			.next = has_next ? &next : NULL,
		};
		char line[QR_SAID_MAX];

		qr_said_handback(line, sizeof(line), &said);
		printf("%s\n", line);
	}
out:
	qr_spans_free(&hidden);
	qr_memview_free(&m);
	return rc;
}

void qr_handback_release(struct qr_handback *hb, const uint64_t *pfns,
			 uint64_t n)
{
	struct qr_restore_release r = { .nr = n, .pfns = (uintptr_t)pfns };

	if (hb->fd < 0)
		return;
	if (ioctl(hb->fd, QR_RESTORE_IOC_RELEASE, &r))
		qr_error("restore: releasing frames: %s", strerror(errno));
	else if (r.released)
		printf("released %llu frames no process took\n",
		       (unsigned long long)r.released);
}
