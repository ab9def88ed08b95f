/* See restore/mm.h. */
#include <fcntl.h>
#include <string.h>

#include "restore/mm.h"

void qr_restore_plan_mm(struct qr_rst_args *a, const struct qri_proc_img *pr)
{
	const struct qri_mm_img *mi = pr->mm;
	const struct qri_mm *m;
	int exe_fd;

	if (!mi)
		return;
	m = &mi->m;
	exe_fd = mi->exe ? open(mi->exe, O_RDONLY | O_CLOEXEC) : -1;
	a->close_fds[1] = exe_fd;
	a->mm = (struct qr_rst_mm_map) {
		.start_code = m->start_code, .end_code = m->end_code,
		.start_data = m->start_data, .end_data = m->end_data,
		.start_brk = m->start_brk, .brk = m->brk,
		.start_stack = m->start_stack,
		.arg_start = m->arg_start, .arg_end = m->arg_end,
		.env_start = m->env_start, .env_end = m->env_end,
		.exe_fd = exe_fd < 0 ? (uint32_t)-1 : (uint32_t)exe_fd,
		.auxv_size = m->auxv_len,
	};
	_Static_assert(sizeof(a->auxv) >= QRI_MAX_AUXV, "auxv room");
	memcpy(a->auxv, mi->auxv, m->auxv_len);
	a->mm.auxv = (uint64_t)(uintptr_t)a->auxv;
	a->mm_valid = 1;
}
