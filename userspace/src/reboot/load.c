/* Loading the New kernel with kexec -l (load.h). */
#define _GNU_SOURCE
#include "reboot/load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/first_block.h"
#include "boot/kexec_load_argv.h"
#include "boot/next_kernel.h"
#include "boot/pid_floor.h"
#include "image/keep_record.h"
#include "lib/exit.h"
#include "lib/run.h"

/* vmlinuz-VER: VER, for /boot/config-VER. */
static const char *release_of(const char *kernel)
{
	const char *base = strrchr(kernel, '/');

	base = base ? base + 1 : kernel;
	return strncmp(base, "vmlinuz-", 8) ? NULL : base + 8;
}

int qr_load_kernel(const struct qr_kernel_files *kf, const char *append,
		       int want, const struct qr_spans *first_block,
		       bool *zero_copy)
{
	const char *kernel = kf->kernel, *initrd = kf->initrd;
	char *initrd_opt = NULL, *append_opt = NULL, *min_opt = NULL, *max_opt = NULL;
	char *argv[QR_KEXEC_LOAD_ARGC];
	struct qr_next_kernel nk;
	int rc;

	rc = qr_next_kernel(NULL, append, want, release_of(kernel), first_block,
			    &nk);
	if (rc)
		return rc;
	rc = QR_EXIT_FAIL;
	if (asprintf(&append_opt, "--append=%s", nk.line) < 0 ||
	    (initrd && asprintf(&initrd_opt, "--initrd=%s", initrd) < 0) ||
	    (nk.zero_copy &&
	     (asprintf(&min_opt, "--mem-min=0x%llx", (unsigned long long)nk.boot.start) < 0 ||
	      asprintf(&max_opt, "--mem-max=0x%llx", (unsigned long long)nk.boot.end - 1) < 0)))
		goto out;
	/* In zero copy, the New kernel's segments inside the boot area: the
	 * only memory it believes is RAM. */
	qr_kexec_load_argv(&(struct qr_kexec_load){
		.kernel = kernel, .append = append_opt, .initrd = initrd_opt,
		.mem_min = min_opt, .mem_max = max_opt, .no_digest = kf->no_digest,
	}, argv);
	if (qr_run(argv))
		qr_error("reboot: kexec -l %s failed", kernel);
	else
		rc = QR_EXIT_OK;
	if (!rc)
		printf("New kernel loaded (%s)\n", nk.zero_copy ? "zero copy" : "copy mode");
	*zero_copy = nk.zero_copy;
out:
	free(nk.line);
	free(initrd_opt);
	free(append_opt);
	free(min_opt);
	free(max_opt);
	return rc;
}

char *qr_new_append(const char *append, const char *token, long pid_max,
			long floor, const char *units)
{
	char params[96], *line;

	if (qr_pid_floor_params(params, sizeof(params), pid_max, floor)) {
		qr_error("reboot: PID %ld is not below pid_max %ld", floor, pid_max);
		return NULL;
	}
	if (asprintf(&line, "%s%s" QR_KEEP_CMDLINE_PARAM "=%s %s%s%s", append,
		     *append ? " " : "", token, params, units ? " " : "",
		     units ? units : "") < 0)
		return NULL;
	return line;
}

int qr_load_again(char **full_append, const char *append,
		  const char *token, const char *units, long pid_max, long floor,
		  const pid_t *pids, size_t npids,
		  const struct qr_kernel_files *kf, const char *dir,
		  bool zero_copy)
{
	long kept = qr_kept_id_max(pids, (int)npids);
	struct qr_spans first_block = { 0 };
	struct qr_err e;
	char *line;
	bool again;
	int rc = QR_EXIT_FAIL;

	if (kept < 0)
		return QR_EXIT_FAIL;
	if (zero_copy &&
	    qr_first_block_read(dir, &first_block, &e)) {
		qr_error("reboot: %s", e.msg);
		return QR_EXIT_FAIL;
	}
	if (kept <= floor && !first_block.n)
		return QR_EXIT_OK;
	if (kept > floor)
		printf("PID %ld was handed out after the New kernel was loaded: loading it again\n",
		       kept);
	if (first_block.n)
		printf("pages kept in the first memory block: loading the New kernel again, their pageblocks hidden from it\n");
	line = qr_new_append(append, token, pid_max, kept > floor ? kept : floor, units);
	if (!line)
		goto out;
	free(*full_append);
	*full_append = line;
	if (qr_load_kernel(kf, line, zero_copy ? QR_WANT_ZERO_COPY : QR_WANT_COPY,
			&first_block, &again) || again != zero_copy)
		qr_error("reboot: the New kernel could not be loaded again: the processes go on in this kernel");
	else
		rc = QR_EXIT_OK;
out:
	qr_spans_free(&first_block);
	return rc;
}

