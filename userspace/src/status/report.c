/* Readiness and rendering of "quickreboot status". */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/grub_dropin.h"
#include "lib/json.h"
#include "status/status.h"

static void add_reason(struct qr_status *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_reason(struct qr_status *st, const char *fmt, ...)
{
	va_list ap;

	if (st->n_reasons == QR_STATUS_MAX_REASONS)
		return;
	va_start(ap, fmt);
	vsnprintf(st->reason[st->n_reasons++], sizeof(st->reason[0]), fmt, ap);
	va_end(ap);
}

static const struct qr_kernel *find(const struct qr_kernels *ks, const char *v)
{
	for (size_t i = 0; i < ks->n; i++)
		if (!strcmp(ks->k[i].version, v))
			return &ks->k[i];
	return NULL;
}

static void missing_modules(struct qr_status *st, const char *which,
			    const struct qr_kernel *k)
{
	if (!k->headers)
		add_reason(st, "%s kernel %s has no quickreboot modules and no headers: install linux-headers-%s",
			   which, k->version, k->version);
	else
		add_reason(st, "%s kernel %s has no quickreboot modules: run dkms autoinstall -k %s",
			   which, k->version, k->version);
}

void qr_status_decide(struct qr_status *st)
{
	const struct qr_kernel *running = find(&st->kernels, st->running);
	const struct qr_kernel *target = qr_kernels_target(&st->kernels);

	st->n_reasons = 0;
	st->target = target ? target->version : NULL;
	if (st->cmdline_problem[0])
		add_reason(st, "/proc/cmdline: %s", st->cmdline_problem);
	else if (!st->shelter_named)
		add_reason(st, "no shelter on the running kernel's command line: run quickreboot setup, then reboot once");
	else if (st->iomem_reserved == QR_UNKNOWN)
		add_reason(st, "cannot tell whether the shelter is reserved: reading /proc/iomem needs root");
	else if (st->iomem_reserved == QR_NO)
		add_reason(st, "/proc/iomem: %s", st->iomem_problem);
	if (!running || !qr_kernel_has_modules(running)) {
		if (running)
			missing_modules(st, "running", running);
		else
			add_reason(st, "running kernel %s has no quickreboot modules", st->running);
	}
	if (!target)
		add_reason(st, "no kernel image in /boot to quick-reboot into");
	else if (target != running && !qr_kernel_has_modules(target))
		missing_modules(st, "target", target);
	if (!st->kexec_found)
		add_reason(st, "kexec not found: install kexec-tools");
	if (st->conf_present && !st->conf_ok)
		add_reason(st, "%s: %s", QR_CONF_PATH, st->conf_problem);
	st->ready = st->n_reasons == 0;
}

static const char *tri(enum qr_tri t)
{
	return t == QR_YES ? "yes" : t == QR_NO ? "no" : "unknown";
}

static void render_range(struct qr_strbuf *out, const struct qr_range *r)
{
	char size[24];

	qr_strbuf_printf(out, "%s at 0x%" PRIx64 "-0x%" PRIx64,
			 qr_format_size(size, r->size), r->start, qr_range_last(r));
}

/* The hand-back of this boot, and the RAM it could not give back, a line
 * per reason as the restore module says it. */
static void render_restore(struct qr_strbuf *out, const struct qr_status *st)
{
	const char *line = st->unhanded;

	if (strcmp(st->handed_back, "1")) {
		qr_strbuf_puts(out, "restore module:   loaded, no hand-back in this boot\n");
		return;
	}
	qr_strbuf_printf(out, "restore module:   handed back %llu MiB, %llu KiB of RAM not handed back\n",
			 strtoull(st->added_bytes, NULL, 10) >> 20,
			 strtoull(st->unhanded_bytes, NULL, 10) >> 10);
	while (*line) {
		int len = (int)strcspn(line, "\n");

		qr_strbuf_printf(out, "                  not handed back: %.*s\n", len, line);
		line += len + (line[len] == '\n');
	}
}

void qr_status_render_text(struct qr_strbuf *out, const struct qr_status *st)
{
	char shown[QR_TOKEN_BUF];

	qr_strbuf_printf(out, "running kernel:   %s\n", st->running);
	qr_strbuf_puts(out, "shelter:          ");
	if (st->shelter_named) {
		render_range(out, &st->shelter);
		qr_strbuf_printf(out, ", reserved: %s\n", tri(st->iomem_reserved));
	} else {
		qr_strbuf_puts(out, "none on the command line\n");
	}
	qr_strbuf_puts(out, "next cold boot:   ");
	if (st->dropin_shelter_named) {
		render_range(out, &st->dropin_shelter);
		qr_strbuf_puts(out, " (" QR_GRUB_DROPIN ")\n");
	} else {
		qr_strbuf_puts(out, st->dropin_present ? "no shelter in " QR_GRUB_DROPIN "\n" :
			       "no " QR_GRUB_DROPIN "\n");
	}
	if (st->module_loaded) {
		qr_strbuf_printf(out, "shelter module:   loaded, state %s, generation %s, device %s\n",
				 qr_err_token(shown, st->mod_state, strlen(st->mod_state)),
				 st->mod_generation[0] ? st->mod_generation : "-",
				 st->mod_device[0] ? st->mod_device : "none");
		if (st->mod_problem[0])
			qr_strbuf_printf(out, "                  problem: %s\n",
					 qr_err_token(shown, st->mod_problem, strlen(st->mod_problem)));
	} else {
		qr_strbuf_puts(out, "shelter module:   not loaded\n");
	}
	if (st->restore_loaded)
		render_restore(out, st);
	qr_strbuf_puts(out, "kernels (modules built by DKMS):\n");
	for (size_t i = 0; i < st->kernels.n; i++) {
		const struct qr_kernel *k = &st->kernels.k[i];
		int have = 0;

		for (int m = 0; m < QR_N_MODULES; m++)
			have += k->module[m];
		qr_strbuf_printf(out, "  %-28s modules %d/%d%s%s%s\n", k->version, have,
				 QR_N_MODULES, k->headers ? "" : ", no headers",
				 !strcmp(k->version, st->running) ? ", running" : "",
				 st->target && !strcmp(k->version, st->target) ? ", quick reboot target" : "");
	}
	qr_strbuf_printf(out, "quick reboot into: %s\n", st->target ? st->target : "none");
	qr_strbuf_printf(out, "kexec:            %s\n", st->kexec_found ? "found" : "not found");
	qr_strbuf_printf(out, "keep (%s):", QR_CONF_PATH);
	if (!st->conf_present) {
		qr_strbuf_puts(out, " no such file\n");
	} else if (!st->conf_ok) {
		qr_strbuf_puts(out, " not valid\n");
	} else if (!st->conf.n) {
		qr_strbuf_puts(out, " nothing listed\n");
	} else {
		qr_strbuf_puts(out, "\n");
		for (size_t i = 0; i < st->conf.n; i++) {
			const struct qr_conf_entry *c = &st->conf.entry[i];

			if (c->kind == QR_KEEP_UNIT)
				qr_strbuf_printf(out, "  unit %s\n", c->unit);
			else
				qr_strbuf_printf(out, "  pid %d\n", c->pid);
		}
	}
	qr_strbuf_printf(out, "ready:            %s\n", st->ready ? "yes" : "no");
	for (unsigned i = 0; i < st->n_reasons; i++)
		qr_strbuf_printf(out, "  - %s\n", st->reason[i]);
}

static void json_range(struct qr_json *j, const char *key, bool named,
		       const struct qr_range *r)
{
	char hex[24];

	qr_json_key(j, key);
	if (!named) {
		qr_json_null(j);
		return;
	}
	qr_json_begin_object(j);
	qr_json_key(j, "start");
	snprintf(hex, sizeof(hex), "0x%" PRIx64, r->start);
	qr_json_string(j, hex);
	qr_json_key(j, "size");
	qr_json_u64(j, r->size);
	qr_json_end_object(j);
}

static void json_opt_string(struct qr_json *j, const char *key, const char *s)
{
	qr_json_key(j, key);
	qr_json_string(j, s[0] ? s : NULL);
}

static void json_kernels(struct qr_json *j, const struct qr_status *st)
{
	qr_json_key(j, "kernels");
	qr_json_begin_array(j);
	for (size_t i = 0; i < st->kernels.n; i++) {
		const struct qr_kernel *k = &st->kernels.k[i];

		qr_json_begin_object(j);
		qr_json_key(j, "version");
		qr_json_string(j, k->version);
		qr_json_key(j, "running");
		qr_json_bool(j, !strcmp(k->version, st->running));
		qr_json_key(j, "image");
		qr_json_bool(j, k->image);
		qr_json_key(j, "initrd");
		qr_json_bool(j, k->initrd);
		qr_json_key(j, "headers");
		qr_json_bool(j, k->headers);
		qr_json_key(j, "modules");
		qr_json_begin_object(j);
		for (int m = 0; m < QR_N_MODULES; m++) {
			qr_json_key(j, qr_module_names[m]);
			qr_json_bool(j, k->module[m]);
		}
		qr_json_end_object(j);
		qr_json_end_object(j);
	}
	qr_json_end_array(j);
}

static void json_conf(struct qr_json *j, const struct qr_status *st)
{
	qr_json_key(j, "config");
	qr_json_begin_object(j);
	qr_json_key(j, "path");
	qr_json_string(j, QR_CONF_PATH);
	qr_json_key(j, "present");
	qr_json_bool(j, st->conf_present);
	json_opt_string(j, "problem", st->conf_present && !st->conf_ok ? st->conf_problem : "");
	qr_json_key(j, "keep_units");
	qr_json_begin_array(j);
	for (size_t i = 0; st->conf_ok && i < st->conf.n; i++)
		if (st->conf.entry[i].kind == QR_KEEP_UNIT)
			qr_json_string(j, st->conf.entry[i].unit);
	qr_json_end_array(j);
	qr_json_key(j, "keep_pids");
	qr_json_begin_array(j);
	for (size_t i = 0; st->conf_ok && i < st->conf.n; i++)
		if (st->conf.entry[i].kind == QR_KEEP_PID)
			qr_json_u64(j, (uint64_t)st->conf.entry[i].pid);
	qr_json_end_array(j);
	qr_json_end_object(j);
}

bool qr_status_render_json(struct qr_strbuf *out, const struct qr_status *st)
{
	struct qr_json j;

	qr_json_init(&j, out);
	qr_json_begin_object(&j);
	qr_json_key(&j, "running_kernel");
	qr_json_string(&j, st->running);

	qr_json_key(&j, "shelter");
	qr_json_begin_object(&j);
	json_range(&j, "cmdline", st->shelter_named, &st->shelter);
	json_opt_string(&j, "cmdline_problem", st->cmdline_problem);
	qr_json_key(&j, "reserved");
	if (st->iomem_reserved == QR_UNKNOWN)
		qr_json_null(&j);
	else
		qr_json_bool(&j, st->iomem_reserved == QR_YES);
	json_opt_string(&j, "iomem_problem", st->iomem_problem);
	json_range(&j, "next_boot", st->dropin_shelter_named, &st->dropin_shelter);
	qr_json_end_object(&j);

	qr_json_key(&j, "module");
	qr_json_begin_object(&j);
	qr_json_key(&j, "loaded");
	qr_json_bool(&j, st->module_loaded);
	json_opt_string(&j, "state", st->mod_state);
	json_opt_string(&j, "generation", st->mod_generation);
	json_opt_string(&j, "device", st->mod_device);
	json_opt_string(&j, "problem", st->mod_problem);
	qr_json_end_object(&j);

	qr_json_key(&j, "restore");
	qr_json_begin_object(&j);
	qr_json_key(&j, "loaded");
	qr_json_bool(&j, st->restore_loaded);
	json_opt_string(&j, "handed_back", st->handed_back);
	json_opt_string(&j, "added_bytes", st->added_bytes);
	json_opt_string(&j, "unhanded_bytes", st->unhanded_bytes);
	json_opt_string(&j, "unhanded", st->unhanded);
	qr_json_end_object(&j);

	json_kernels(&j, st);
	qr_json_key(&j, "target_kernel");
	qr_json_string(&j, st->target);
	qr_json_key(&j, "kexec");
	qr_json_bool(&j, st->kexec_found);
	json_conf(&j, st);
	qr_json_key(&j, "ready");
	qr_json_bool(&j, st->ready);
	qr_json_key(&j, "reasons");
	qr_json_begin_array(&j);
	for (unsigned i = 0; i < st->n_reasons; i++)
		qr_json_string(&j, st->reason[i]);
	qr_json_end_array(&j);
	qr_json_end_object(&j);
	return qr_json_finish(&j);
}

void qr_status_free(struct qr_status *st)
{
	qr_kernels_free(&st->kernels);
	if (st->conf_ok)
		qr_conf_free(&st->conf);
}
