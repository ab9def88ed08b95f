/* quickreboot setup */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "boot/cmdline_tok.h"
#include "cmd/commands.h"
#include "boot/grub_dropin.h"
#include "boot/bootarea_place.h"
#include "boot/iomem.h"
#include "boot/memview.h"
#include "lib/readfile.h"
#include "lib/run.h"
#include "boot/setup_plan.h"
#include "shelter/checks.h"
#include "shelter/plan.h"

#define SMALL_MAX (64 * 1024)
#define IOMEM_MAX (4 * 1024 * 1024)

static const char usage[] =
	"usage: quickreboot setup [--shelter SIZE] [--dry-run] [--file FILE]\n"
	"                         [--no-update-grub] [--iomem FILE] [--cmdline STRING]\n"
	"One-time setup: reserves the shelter at boot. Chooses a range of SIZE\n"
	"bytes (default: 256M or 1/16 of RAM, whichever is smaller) in free System\n"
	"RAM from /proc/iomem (needs root), the highest 2 MiB aligned one above\n"
	"256 MiB, away from the kernel image and the crash kernel, and a boot\n"
	"area (zero copy: the New kernel boots there; 256 MiB, more with more\n"
	"RAM, in whole memory blocks below 4 GiB; kept if the running kernel\n"
	"has one); writes\n"
	QR_GRUB_DROPIN " adding\n"
	"memmap=SIZE$ADDR quickreboot.shelter=SIZE@ADDR memmap=SIZE$ADDR to\n"
	"GRUB_CMDLINE_LINUX_DEFAULT\n"
	"($ escaped for GRUB), and runs update-grub. A normal reboot is then\n"
	"needed once. Running it again keeps the shelter already chosen (on the\n"
	"running kernel's command line, or in the drop-in) while it still fits.\n"
	"  --shelter SIZE    the shelter's size (K/M/G suffixes), a page multiple\n"
	"  --dry-run         print what would be written and run; change nothing\n"
	"  --file FILE       write FILE instead of " QR_GRUB_DROPIN "\n"
	"  --no-update-grub  do not run update-grub\n"
	"  --iomem FILE      read FILE instead of /proc/iomem\n"
	"  --cmdline STRING  take STRING as the running kernel's command line\n"
	QR_EXIT_CODES;

struct setup_opts {
	const char *size, *file, *iomem, *cmdline;
	bool dry_run, no_update_grub;
};

static int read_iomem(const char *path, struct qr_iomem *io)
{
	struct qr_err e;
	char *text = qr_read_file(path, IOMEM_MAX);

	if (!text) {
		qr_error("setup: cannot read %s: %s", path, strerror(errno));
		return QR_EXIT_FAIL;
	}
	if (qr_iomem_parse(text, io, &e)) {
		qr_error("setup: %s: %s", path, e.msg);
		free(text);
		return QR_EXIT_FAIL;
	}
	free(text);
	if (!qr_iomem_has_addresses(io)) {
		qr_iomem_free(io);
		qr_error("setup: %s shows no addresses: run as root", path);
		return QR_EXIT_FAIL;
	}
	return QR_EXIT_OK;
}

/* The running kernel's boot area: a block-aligned memmap=SIZE$ADDR other
 * than the shelter's. */
static void active_boot(const struct qr_cmdline *cl, struct qr_setup_input *in)
{
	struct qr_memview m = { 0 };

	if (!qr_memview_cmdline(&m, cl, NULL)) {
		if (m.has_shelter)
			qr_spans_sub(&m.reserved, m.shelter.start,
				     m.shelter.start + m.shelter.size);
		for (size_t i = 0; i < m.reserved.n && !in->active_boot; i++) {
			const struct qr_span *r = &m.reserved.s[i];

			if (r->start % QR_MEMORY_BLOCK || (r->end - r->start) % QR_MEMORY_BLOCK)
				continue;
			in->active_boot = true;
			in->boot = (struct qr_range){ r->start, r->end - r->start };
		}
	}
	qr_spans_free(&m.reserved);
}

/* The running kernel's shelter, if its command line names one. */
static int read_active(const char *cmdline, struct qr_setup_input *in)
{
	char *text = cmdline ? NULL : qr_read_file("/proc/cmdline", SMALL_MAX);
	struct qr_cmdline cl;
	struct qr_err e;
	int found;

	if (!cmdline && !text) {
		qr_error("setup: cannot read /proc/cmdline: %s", strerror(errno));
		return QR_EXIT_FAIL;
	}
	if (qr_cmdline_parse(cmdline ? cmdline : text, &cl, &e)) {
		qr_error("setup: command line: %s", e.msg);
		free(text);
		return QR_EXIT_FAIL;
	}
	found = qr_shelter_from_cmdline(&cl, &in->active, &e);
	/* Named but not reserved (no memmap=) is no shelter to keep. */
	in->active_named = found == 0 && !qr_shelter_check_memmap(&cl, &in->active, NULL);
	active_boot(&cl, in);
	qr_cmdline_free(&cl);
	free(text);
	return QR_EXIT_OK;
}

/* mkdir -p of the file's directory. */
static int make_parent(const char *file)
{
	char path[PATH_MAX];
	char *slash;

	if (snprintf(path, sizeof(path), "%s", file) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	slash = strrchr(path, '/');
	if (!slash || slash == path)
		return 0;
	*slash = '\0';
	for (char *p = path + 1; ; p++) {
		char c = *p;

		if (c && c != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return -1;
		*p = c;
		if (!c)
			return 0;
	}
}

/* Writes a temporary file next to FILE (a name grub-mkconfig's "*.cfg"
 * does not match), then renames it over FILE. */
static int write_atomic(const char *file, const char *text)
{
	char tmp[PATH_MAX];
	const char *slash = strrchr(file, '/');
	size_t len = strlen(text);
	int fd, saved;

	if (snprintf(tmp, sizeof(tmp), "%.*s.%s.XXXXXX", slash ? (int)(slash - file + 1) : 0,
		     file, slash ? slash + 1 : file) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (make_parent(file))
		return -1;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -1;
	if (fchmod(fd, 0644) || write(fd, text, len) != (ssize_t)len || fsync(fd))
		goto fail;
	if (close(fd)) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, file)) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}

static const char *find_update_grub(void)
{
	static const char *const paths[] = { "/usr/sbin/update-grub", "/sbin/update-grub" };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

static void describe(const struct qr_setup_plan *plan, const char *params)
{
	static const char *const source[] = {
		[QR_SETUP_KEPT_ACTIVE] = "kept (the running kernel has it)",
		[QR_SETUP_KEPT_DROPIN] = "kept (chosen earlier, not yet booted with)",
		[QR_SETUP_NEW] = "new",
	};

	printf("shelter: %" PRIu64 " MiB at 0x%" PRIx64 "-0x%" PRIx64 ", %s\n",
	       plan->shelter.size >> 20, plan->shelter.start,
	       qr_range_last(&plan->shelter), source[plan->source]);
	if (plan->note[0])
		printf("note: %s\n", plan->note);
	if (plan->boot.size)
		printf("boot area: %" PRIu64 " MiB at 0x%" PRIx64 "-0x%" PRIx64 " (the New kernel's memory in zero copy)\n",
	       plan->boot.size >> 20, plan->boot.start, qr_range_last(&plan->boot));
	printf("kernel parameters: %s\n", params);
}

static int apply(const struct setup_opts *o, const struct qr_setup_plan *plan,
		 const char *text, const char *params)
{
	char *old = qr_read_file(o->file, SMALL_MAX);
	bool same = old && !strcmp(old, text);
	const char *update_grub;
	int status;

	free(old);
	if (same && !plan->reboot_needed) {
		printf("%s is up to date and the running kernel has this shelter: nothing to do.\n",
		       o->file);
		return QR_EXIT_OK;
	}
	if (same) {
		printf("%s is up to date.\n", o->file);
	} else if (write_atomic(o->file, text)) {
		qr_error("setup: cannot write %s: %s", o->file, strerror(errno));
		return QR_EXIT_FAIL;
	} else {
		printf("wrote %s\n", o->file);
	}
	if (o->no_update_grub) {
		printf("update-grub not run (--no-update-grub).\n");
	} else if ((update_grub = find_update_grub())) {
		char *argv[] = { (char *)update_grub, NULL };

		printf("running %s\n", update_grub);
		status = qr_run(argv);
		if (status) {
			qr_error("setup: %s failed (status %d): the boot loader does not have the shelter yet",
				 update_grub, status);
			return QR_EXIT_FAIL;
		}
	} else {
		printf("update-grub not found: make the boot loader pass these kernel parameters:\n  %s\n",
		       params);
	}
	if (plan->reboot_needed)
		printf("Reboot once, normally, so that the kernel reserves the shelter; quick reboots keep it from then on.\n");
	else
		printf("The running kernel has this shelter already: no reboot needed.\n");
	return QR_EXIT_OK;
}

static int parse_opts(int argc, char **argv, struct setup_opts *o, int *rc)
{
	static const struct option longopts[] = {
		{ "shelter", required_argument, 0, 's' },
		{ "dry-run", no_argument, 0, 'n' },
		{ "file", required_argument, 0, 'f' },
		{ "no-update-grub", no_argument, 0, 'G' },
		{ "iomem", required_argument, 0, 'i' },
		{ "cmdline", required_argument, 0, 'c' },
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	int opt;

	memset(o, 0, sizeof(*o));
	o->file = QR_GRUB_DROPIN;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (qr_common_option(opt, argv, usage, rc))
			return -1;
		switch (opt) {
		case 's': o->size = optarg; break;
		case 'n': o->dry_run = true; break;
		case 'f': o->file = optarg; break;
		case 'G': o->no_update_grub = true; break;
		case 'i': o->iomem = optarg; break;
		case 'c': o->cmdline = optarg; break;
		}
	}
	if (optind < argc) {
		*rc = qr_usage_error(usage, "setup: unexpected argument '%s'", argv[optind]);
		return -1;
	}
	return 0;
}

int cmd_setup(int argc, char **argv)
{
	struct qr_setup_input in = { 0 };
	struct qr_setup_plan plan;
	struct qr_strbuf text = { 0 }, params = { 0 };
	struct setup_opts o;
	struct qr_iomem io;
	struct qr_err e;
	char *old;
	int rc;

	if (parse_opts(argc, argv, &o, &rc))
		return rc;
	if (o.size && qr_parse_size(o.size, &in.want_size, &e))
		return qr_usage_error(usage, "setup: --shelter: %s", e.msg);
	if (o.size && !in.want_size)
		return qr_usage_error(usage, "setup: --shelter must not be 0");
	rc = read_iomem(o.iomem ? o.iomem : "/proc/iomem", &io);
	if (rc)
		return rc;
	in.io = &io;
	rc = read_active(o.cmdline, &in);
	if (!rc && (old = qr_read_file(o.file, SMALL_MAX))) {
		in.dropin_named = qr_grub_dropin_shelter(old, &in.dropin, NULL) == 0;
		free(old);
	}
	if (!rc && qr_setup_decide(&in, &plan, &e)) {
		qr_error("setup: %s", e.msg);
		rc = QR_EXIT_UNSAFE;
	}
	if (!rc) {
		qr_grub_dropin_text(&text, &plan.shelter, plan.boot.size ? &plan.boot : NULL);
		qr_shelter_params(&params, &plan.shelter);
		if (plan.boot.size) {
			qr_strbuf_puts(&params, " ");
			qr_bootarea_params(&params, &plan.boot);
		}
		if (qr_strbuf_failed(&text) || qr_strbuf_failed(&params)) {
			qr_error("setup: out of memory");
			rc = QR_EXIT_FAIL;
		}
	}
	if (!rc) {
		describe(&plan, qr_strbuf_str(&params));
		if (o.dry_run)
			printf("would write %s:\n%s%s\n", o.file, qr_strbuf_str(&text),
			       o.no_update_grub ? "would not run update-grub" :
			       "would run update-grub (if installed)");
		else
			rc = apply(&o, &plan, qr_strbuf_str(&text), qr_strbuf_str(&params));
	}
	qr_strbuf_free(&text);
	qr_strbuf_free(&params);
	qr_iomem_free(&io);
	return rc;
}
