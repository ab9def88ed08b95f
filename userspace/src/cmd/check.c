/* quickreboot check [--unit NAME.service]... [--keep-run PATH]... [PID...]:
 * can these processes be kept? */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clocks/clocks.h"
#include "checkpoint/capture.h"
#include "fds/fds.h"
#include "checkpoint/tree.h"
#include "checkpoint/maps.h"
#include "checkpoint/mntns.h"
#include "cmd/cli.h"
#include "cmd/commands.h"
#include "reboot/orderly.h"
#include "checkpoint/runfiles.h"
#include "service/unit_procs.h"
#include "service/unit_run.h"
#include "service/unit_spare.h"

static const char usage[] =
	"usage: quickreboot check [--unit NAME.service]... [--keep-run PATH]... [PID...]\n"
	"Says whether a quick reboot can keep these processes and all their\n"
	"descendants (what checkpoint takes), listing each: names every\n"
	"process and resource that cannot be carried (sockets, pipes, eventfds,\n"
	"shared anonymous memory, devices, traced processes, sessions and\n"
	"groups restore cannot rebuild, a process whose children get another\n"
	"time namespace, ...); zombies are kept as such. Reads /proc\n"
	"only: nothing is frozen or changed. For a process that can be kept it\n"
	"lists how each memory area goes in zero copy (anonymous pages stay in\n"
	"place; copy mode copies every area that zero copy does not leave).\n"
	"--unit takes every process of a running service's cgroup, as\n"
	"`quickreboot reboot --unit` does, and with them the files under /run\n"
	"the unit names (PIDFile=, RuntimeDirectory=); --keep-run names such a\n"
	"file or tree (`checkpoint --keep-run`).\n"
	QR_EXIT_CODES;

static void show_areas(pid_t pid)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	FILE *maps;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = fopen(path, "re");
	while (maps && getline(&line, &cap, maps) > 0) {
		struct qr_map m;
		uint32_t flags;
		const char *why;

		if (qr_maps_line(line, &m, NULL) || qr_map_classify_in(pid, &m, &flags, &why))
			continue;
		printf("  %llx-%llx %s: %s\n", (unsigned long long)m.start,
		       (unsigned long long)m.end, m.name[0] ? m.name : "[anon]",
		       qr_map_zc_mode(&m, flags));
	}
	free(line);
	if (maps)
		fclose(maps);
}

/* The units' processes after the n PIDs already in *pids. */
static int add_units(char **units, int nunits, pid_t **pids, int *n)
{
	for (int i = 0; i < nunits; i++) {
		pid_t *mine, *grown;
		size_t k;
		int rc = qr_unit_processes(units[i], &mine, &k);

		if (rc)
			return rc;
		grown = realloc(*pids, (*n + k) * sizeof(**pids));
		if (!grown) {
			free(mine);
			return QR_EXIT_FAIL;
		}
		memcpy(grown + *n, mine, k * sizeof(*mine));
		*pids = grown;
		*n += (int)k;
		free(mine);
	}
	return QR_EXIT_OK;
}

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "unit", required_argument, 0, 'u' },
		{ "keep-run", required_argument, 0, 'r' },
		{ "help", no_argument, 0, 'h' },
		{ 0 },
	};
	char **units = calloc(argc, sizeof(*units));
	struct qr_run_list run = { 0 };
	int opt, rc, n, nunits = 0, refused = 0, together = 0, unspared = 0;
	bool shared;
	pid_t *pids;

	if (!units)
		return QR_EXIT_FAIL;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (qr_common_option(opt, argv, usage, &rc) ||
		    (opt == 'r' && qr_run_list_add(&run, "--keep-run ", optarg) &&
		     (rc = QR_EXIT_FAIL))) {
			free(units);
			qr_run_list_free(&run);
			return rc;
		}
		if (opt == 'u')
			units[nunits++] = optarg;
	}
	n = argc - optind;
	if (n < 1 && !nunits) {
		free(units);
		qr_run_list_free(&run);
		return qr_usage_error(usage, "check: a unit or a PID is needed");
	}
	pids = calloc(n ? n : 1, sizeof(*pids));
	if (!pids) {
		free(units);
		qr_run_list_free(&run);
		return QR_EXIT_FAIL;
	}
	rc = qr_parse_pids(argv + optind, n, pids, "check", usage);
	/* Under systemd a quick reboot stops the rest: a unit stopped with
	 * it cannot be kept. Asked before the units are listed: it takes
	 * seconds, in which a listed child may exit. */
	if (!rc && nunits && qr_systemd_booted()) {
		int spare = qr_units_spare_check((const char *const *)units, (size_t)nunits);

		if (spare == QR_EXIT_UNSAFE)
			unspared = 1;
		else
			rc = spare;
	}
	if (!rc && nunits)
		rc = qr_units_run((const char *const *)units, (size_t)nunits, &run);
	if (!rc)
		rc = add_units(units, nunits, &pids, &n);
	free(units);
	if (!rc) {
		struct qr_subtree st;

		refused = qr_subtree_find(pids, n, &st);
		if (refused >= 0)
			refused += unspared;
		if (refused < 0)
			rc = QR_EXIT_FAIL;
		/* First the files and System V IPC, which the set shares:
		 * a process they name is not one that "can be kept". */
		if (!rc)
			together = qr_capture_files(NULL, st.pids, st.n);
		if (!rc && together >= 0) {
			int ipc = qr_sysv_capture(NULL, NULL, st.pids, st.n, true);

			together = ipc < 0 ? -1 : together + ipc;
		}
		/* Mount namespaces: one rebuild for all their members. */
		if (!rc && together >= 0) {
			int mnt = qr_mntns_capture(NULL, st.pids, st.n);

			together = mnt < 0 ? -1 : together + mnt;
		}
		/* Files under /run: made again for all of them. */
		if (!rc && together >= 0) {
			int runs = qr_runfiles_capture(NULL, &run, st.pids, st.n);

			together = runs < 0 ? -1 : together + runs;
		}
		if (together < 0)
			rc = QR_EXIT_FAIL;
		else
			refused += together;
		for (int i = 0; !rc && i < st.n; i++) {
			int bad = qr_capture_check(st.pids[i]);

			if (bad < 0)
				rc = QR_EXIT_FAIL;
			else if (bad)
				refused += bad;
			else if (together)
				continue;
			else if (i < st.nroots)
				printf("%d: can be kept\n", st.pids[i]);
			else
				printf("%d (child of %d): can be kept\n",
				       st.pids[i], st.ppids[i]);
			if (bad == 0)
				show_areas(st.pids[i]);
		}
		if (!rc)
			refused += qr_clocks_check(st.pids, st.n, &shared);

		for (int i = 0; !rc && i < st.nzombies; i++) {
			const struct qri_zombie *z = &st.zombies[i];

			printf("%u (child of %u): can be kept as it is: exited (%s %u), not yet reaped\n",
			       z->pid, z->ppid, z->status & 0x7f ? "signal" : "status",
			       z->status & 0x7f ? z->status & 0x7f : z->status >> 8);
		}
		qr_subtree_free(&st);
	}
	free(pids);
	qr_run_list_free(&run);
	if (rc)
		return rc;
	if (refused) {
		fprintf(stderr, "check: refused: %d thing(s) named above cannot be carried\n",
			refused);
		return QR_EXIT_UNSAFE;
	}
	return QR_EXIT_OK;
}
