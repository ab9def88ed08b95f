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
#include "lib/readfile.h"
#include "restore/said.h"

#define RESTORE_MODULE "restore"
#define STATUS "/sys/module/restore/status/"

/* A number from the restore module's status, or -1. */
static long long status_num(const char *name)
{
	char path[128], *s, *end;
	long long v = -1;

	snprintf(path, sizeof(path), STATUS "%s", name);
	s = qr_read_file(path, 64);
	if (s) {
		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno || end == s || v < 0)
			v = -1;
	}
	free(s);
	return v;
}

/* The RAM the module could not give back, a line per reason: said, never
 * silent (the kernel log names each block). */
static void say_unhanded(void)
{
	char *t = qr_read_file(STATUS "unhanded", 4096), *line = t;

	while (line && *line) {
		int len = (int)strcspn(line, "\n");

		printf("hand-back: RAM not handed back: %.*s\n", len, line);
		line += len + (line[len] == '\n');
	}
	free(t);
}

/* Memory was handed back in this boot by a restore module since unloaded:
 * it had given every frame it held to the page allocator. */
static bool handed_back_by_unloaded(void)
{
	char *t = qr_read_file("/proc/iomem", 1 << 20);
	bool yes = t && strstr(t, "System RAM (quickreboot)");

	free(t);
	return yes;
}

static const char *const reasons[] = {
	[QR_BAD_ORDER] = "listed twice",
	[QR_BAD_NOT_RAM] = "not RAM in the firmware map",
	[QR_BAD_BOOT_AREA] = "inside memory this kernel runs in",
	[QR_BAD_KEPT] = "inside a range kept aside (the next boot area, the shelter)",
	[QR_BAD_BUSY] = "inside, or in a memory block shared with, a busy resource (the shelter, firmware tables)",
	[QR_BAD_COUNT] = "more frames than the RAM holds",
	[QR_BAD_RANGES] = "RAM ranges refused",
	[QR_BAD_SHARED] = "in a memory block shared with a range that is neither RAM nor free (firmware tables, a device: see /proc/iomem), which cannot be handed back",
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
			if (h.bad_reason == QR_BAD_BOOT_AREA && handed_back_by_unloaded())
				qr_error("restore: the hidden RAM was handed back earlier in this boot by a restore module that has been unloaded since: the frames it held went to the page allocator");
			rc = QR_EXIT_UNSAFE;
		} else if (errno == EBUSY) {
			qr_error("restore: hand-back refused (%s): another driver owns the memory online callback, see the kernel log; nothing was handed back",
				 strerror(errno));
			rc = QR_EXIT_FAIL;
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

/* The hand-back was done earlier in this boot (by a restore killed part
 * way, or one of an image without frames): the frames held are adopted
 * from, if they are this image's; those of another image are never
 * touched (nor released at the end). */
static int handed_back_earlier(const struct qri_image *img, struct qr_handback *hb)
{
	long long held = status_num("held");
	long long total = held + status_num("adopted") + status_num("copied") +
		status_num("released");
	char *mode = qr_read_file(STATUS "mode", 64);

	hb->mode = mode && !strncmp(mode, "copy", 4) ? QR_MODE_COPY :
		QR_MODE_ZERO_COPY;
	hb->resumed = true;
	free(mode);
	if (img && img->nframes && total != (long long)img->nframes) {
		qr_error("restore: the restore module holds the frames of another image (%lld frames handed back earlier in this boot, this one names %zu): nothing restored, nothing released",
			 total, img->nframes);
		close(hb->fd);
		hb->fd = -1;
		return QR_EXIT_UNSAFE;
	}
	printf("hand-back: done earlier in this boot (%lld frames still held, %s)\n",
	       held, hb->mode == QR_MODE_COPY ? "copy" : "zero copy");
	return QR_EXIT_OK;
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
	hb->fd = qr_module_open(RESTORE_MODULE, QR_RESTORE_DEVICE, "restore");
	if (hb->fd < 0) {
		rc = hb->fd == QR_MODULE_ABI_MISMATCH ? QR_EXIT_ABI : QR_EXIT_FAIL;
		hb->fd = -1;
		goto out;
	}
	/* Once per boot: an earlier restore did it (one killed part way, or
	 * one of another image); the frames it holds are adopted from. */
	if (status_num("handed_back") == 1) {
		rc = handed_back_earlier(img, hb);
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
		say_unhanded();
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
