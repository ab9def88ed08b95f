/* See restore_mm.h. The walk repeats the record framing of image_read.c
 * and trusts none of it: this function is fuzzed on its own. */
#include <inttypes.h>
#include <string.h>

#include "restore_mm.h"

static int check(const struct qr_mm_img *o, uint64_t tail_len, struct qr_err *e)
{
	const struct qri_mm *m = &o->m;
	const uint64_t addr[] = { m->start_code, m->end_code, m->start_data,
		m->end_data, m->start_brk, m->brk, m->start_stack, m->arg_start,
		m->arg_end, m->env_start, m->env_end };

	if ((uint64_t)m->auxv_len + m->exe_len != tail_len ||
	    m->auxv_len > 1024 || m->auxv_len % 16 || m->exe_len > QRI_MAX_PATH)
		return qr_err_set(e, "image: pid %" PRIu32 ": memory fields record has bad lengths",
				  m->pid);
	for (size_t i = 0; i < sizeof(addr) / sizeof(addr[0]); i++)
		if (addr[i] >= QRI_USER_LIMIT)
			return qr_err_set(e, "image: pid %" PRIu32 ": memory field %zu is not a user address",
					  m->pid, i);
	if (m->start_code > m->end_code || m->start_data > m->end_data ||
	    m->start_brk > m->brk || m->arg_start > m->arg_end ||
	    m->env_start > m->env_end)
		return qr_err_set(e, "image: pid %" PRIu32 ": memory fields out of order",
				  m->pid);
	return 0;
}

int qr_mm_find(const uint8_t *buf, size_t len, uint32_t pid,
	       struct qr_mm_img *out, struct qr_err *e)
{
	size_t pos = sizeof(struct qri_header);

	while (pos <= len && len - pos >= sizeof(struct qri_record)) {
		struct qri_record r;
		const uint8_t *payload;
		uint64_t padded;

		memcpy(&r, buf + pos, sizeof(r));
		pos += sizeof(r);
		if (r.length > len - pos || r.fixed_size > r.length)
			return qr_err_set(e, "image: record runs past the end");
		padded = r.length + (QRI_ALIGN - r.length % QRI_ALIGN) % QRI_ALIGN;
		payload = buf + pos;
		if (r.type == QRI_MM && r.fixed_size >= sizeof(out->m)) {
			memcpy(&out->m, payload, sizeof(out->m));
			if (out->m.pid == pid) {
				if (check(out, r.length - r.fixed_size, e))
					return -1;
				out->auxv = payload + r.fixed_size;
				memcpy(out->exe, out->auxv + out->m.auxv_len,
				       out->m.exe_len);
				out->exe[out->m.exe_len] = '\0';
				if (out->m.exe_len &&
				    (out->exe[0] != '/' ||
				     strlen(out->exe) != out->m.exe_len))
					return qr_err_set(e, "image: pid %" PRIu32 ": executable path is not absolute",
							  pid);
				return 1;
			}
		}
		if (padded > len - pos)
			return qr_err_set(e, "image: record padding runs past the end");
		pos += padded;
	}
	return 0;
}
