/* What "quickreboot status" reports. status/gather.c reads the system into
 * a struct qr_status; the rest (readiness, text and JSON) is pure. */
#ifndef QR_STATUS_H
#define QR_STATUS_H

#include <stdbool.h>

#include "lib/conf.h"
#include "lib/err.h"
#include "boot/kernels.h"
#include "lib/size.h"
#include "lib/strbuf.h"

enum qr_tri {
	QR_NO = 0,
	QR_YES = 1,
	QR_UNKNOWN = 2,	/* could not be read (e.g. /proc/iomem without root) */
};

#define QR_STATUS_MAX_REASONS 16

struct qr_status {
	char running[128];		/* uname -r */

	/* /proc/cmdline: quickreboot.shelter=, checked against memmap=. */
	bool shelter_named;
	struct qr_range shelter;
	char cmdline_problem[QR_ERR_MAX];	/* "" when fine */
	/* /proc/iomem: the shelter inside Reserved, outside System RAM. */
	enum qr_tri iomem_reserved;
	char iomem_problem[QR_ERR_MAX];

	/* GRUB drop-in (what the next cold boot gets). */
	bool dropin_present;
	bool dropin_shelter_named;
	struct qr_range dropin_shelter;

	/* /sys/module/shelter/status/: raw values, "" when absent. */
	bool module_loaded;
	char mod_state[32];
	char mod_generation[32];
	char mod_device[32];
	char mod_problem[160];

	/* /sys/module/restore/status/: the hand-back of this boot. */
	bool restore_loaded;
	char handed_back[8];		/* "1" once done */
	char added_bytes[32];
	char unhanded_bytes[32];	/* RAM it could not give back */
	char unhanded[512];		/* why: a line per reason */

	struct qr_kernels kernels;
	bool kexec_found;

	/* /etc/quickreboot.conf */
	bool conf_present;
	bool conf_ok;
	struct qr_conf conf;
	char conf_problem[QR_ERR_MAX];

	/* Filled by qr_status_decide(). */
	bool ready;
	const char *target;		/* version a quick reboot would enter */
	char reason[QR_STATUS_MAX_REASONS][200];
	unsigned n_reasons;
};

/* Ready when: the shelter is named and reserved on /proc/cmdline and in
 * /proc/iomem (unknown counts as not ready), the running and the target
 * kernel have all modules, kexec is installed, and the configuration
 * (if any) parses. Each failed condition adds a reason. */
void qr_status_decide(struct qr_status *st);

void qr_status_render_text(struct qr_strbuf *out, const struct qr_status *st);
/* false on writer misuse or out of memory. */
bool qr_status_render_json(struct qr_strbuf *out, const struct qr_status *st);

void qr_status_free(struct qr_status *st);

#endif
