/* See restore.h: which pages of each private file mapping the restorer
 * fills (the process's own), from the image's QRI_VMA_OWN records. */
#include "restore/restore.h"

void qr_restore_plan_own_pages(struct qr_rst_args *a,
			       const struct qri_proc_img *pr)
{
	uint32_t used = 0;
	size_t k = 0;

	for (uint32_t j = 0; j < a->nvmas; j++) {
		struct qr_rst_vma *v = &a->vmas[j];
		const struct qri_vma_img *vi;

		while (k < pr->nvmas && pr->vmas[k].v.start < v->start)
			k++;
		if (k == pr->nvmas)
			return;
		vi = &pr->vmas[k];
		/* Without the record, or too many runs: filled whole. */
		if (vi->v.start != v->start || !vi->own ||
		    vi->nown > QR_RST_MAX_RUNS - used)
			continue;
		v->how |= QR_RST_MAP_RUNS;
		v->runs_first = used;
		v->runs_count = vi->nown;
		for (uint32_t i = 0; i < vi->nown; i++)
			a->runs[used++] = (struct qr_rst_run) {
				.off = vi->own[i].first * 4096,
				.len = vi->own[i].count * 4096,
			};
	}
}
