/* A whole process: identity and credentials from /proc/PID/{stat,status},
 * the kernel's memory fields, then its threads, memory and files. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkpoint/attrs.h"
#include "checkpoint/capture.h"
#include "fds/fds.h"
#include "proof/proof.h"
#include "checkpoint/maps.h"
#include "checkpoint/stat.h"
#include "lib/exit.h"
#include "lib/readfile.h"

static int proc_link(pid_t pid, const char *name, char *out, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	n = readlink(path, out, len - 1);
	if (n < 0)
		return -1;
	out[n] = '\0';
	return 0;
}

int qr_capture_check(pid_t pid)
{
	struct qr_status st;
	struct qr_err e;
	char *status = qr_read_proc(pid, "status"), *stat = qr_read_proc(pid, "stat");
	struct qr_stat sp;
	int refused = 0;

	/* Before anything else: a kernel thread has nothing to check. */
	if (stat && !qr_stat_parse(stat, &sp, &e) && sp.flags & QR_PF_KTHREAD) {
		char comm[64] = "?";
		char *c = qr_read_proc(pid, "comm");

		if (c)
			snprintf(comm, sizeof(comm), "%.*s", (int)strcspn(c, "\n"), c);
		qr_error("process %d (%s): a kernel thread: cannot be kept", pid, comm);
		free(c);
		free(stat);
		free(status);
		return 1;
	}
	free(stat);
	if (!status) {
		qr_error("process %d: %s", pid, errno == ENOENT ?
			 "no such process (it exited)" : strerror(errno));
		return -1;
	}
	if (qr_status_parse(status, &st, &e)) {
		qr_error("process %d: %s", pid, e.msg);
		refused++;
	} else if (st.tracer) {
		qr_error("process %d: traced by process %u: not carried", pid, st.tracer);
		refused++;
	}
	free(status);
	/* A dry run of the memory map with no pages file: classification only. */
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

			if (qr_maps_line(line, &m, &e)) {
				qr_error("process %d: %s", pid, e.msg);
				refused++;
			} else if (qr_map_classify_in(pid, &m, &flags, &why) < 0) {
				qr_error("process %d: %s at 0x%llx (%s): not carried",
					 pid, why, (unsigned long long)m.start, m.name);
				refused++;
			}
		}
		free(line);
		if (!maps) {
			qr_error("process %d: cannot read its memory map: %s", pid,
				 strerror(errno));
			return -1;
		}
		fclose(maps);
	}
	return refused + qr_check_attrs(pid);
}

static int capture_mm(struct qri_writer *w, pid_t pid, const struct qr_stat *s,
		      uint64_t heap_end)
{
	struct qri_mm m = {
		.pid = pid,
		.start_code = s->start_code, .end_code = s->end_code,
		.start_data = s->start_data, .end_data = s->end_data,
		.start_brk = s->start_brk, .start_stack = s->start_stack,
		.arg_start = s->arg_start, .arg_end = s->arg_end,
		.env_start = s->env_start, .env_end = s->env_end,
	};
	char path[64], exe[PATH_MAX];
	uint8_t auxv[QRI_MAX_AUXV];
	ssize_t n;
	FILE *f;

	/* brk itself is in no /proc file; the heap's end is brk rounded up to
	 * a page, which the kernel's brk() treats the same. */
	m.brk = heap_end > s->start_brk ? heap_end : s->start_brk;
	snprintf(path, sizeof(path), "/proc/%d/auxv", pid);
	f = fopen(path, "re");
	n = f ? (ssize_t)fread(auxv, 1, sizeof(auxv), f) : -1;
	if (f)
		fclose(f);
	m.auxv_len = n > 0 ? (uint32_t)n & ~15u : 0;
	if (proc_link(pid, "exe", exe, sizeof(exe)) || exe[0] != '/') {
		qri_add_mm(w, &m, auxv, NULL);
		return 0;
	}
	/* An upgraded binary: the process's exe becomes the file now at that
	 * path (its code is in its memory, carried whole). */
	if (qr_path_deleted(exe))
		exe[strlen(exe) - strlen(QR_DELETED)] = '\0';
	qri_add_mm(w, &m, auxv, exe);
	return 0;
}

int qr_capture_process(struct qri_writer *w, struct qr_pages *pg,
		       int pfncheck_fd, const struct qr_frozen *f,
		       struct qr_zc *zc)
{
	pid_t pid = f->pid;
	char *stat = qr_read_proc(pid, "stat"), *status = qr_read_proc(pid, "status");
	char *comm = qr_read_proc(pid, "comm"), *pers = qr_read_proc(pid, "personality");
	char cwd[PATH_MAX], root[PATH_MAX], path[64];
	struct qri_process p = { .pid = pid };
	struct stat dir;
	struct qr_status st;
	struct qr_stat s;
	struct qr_err e;
	uint64_t heap_end;
	int rc = -1;

	if (!stat || !status || !comm || !pers ||
	    proc_link(pid, "cwd", cwd, sizeof(cwd)) ||
	    proc_link(pid, "root", root, sizeof(root))) {
		qr_error("process %d: %s", pid, strerror(errno));
		goto out;
	}
	if (qr_stat_parse(stat, &s, &e) || qr_status_parse(status, &st, &e)) {
		qr_error("process %d: %s", pid, e.msg);
		goto out;
	}
	p.ppid = s.ppid;
	p.pgid = s.pgid;
	p.sid = s.sid;
	memcpy(p.uid, st.uid, sizeof(p.uid));
	memcpy(p.gid, st.gid, sizeof(p.gid));
	p.umask = st.umask;
	p.personality = strtoul(pers, NULL, 16);
	comm[strcspn(comm, "\n")] = '\0';
	strncpy(p.comm, comm, sizeof(p.comm) - 1);
	snprintf(path, sizeof(path), "/proc/%d/cwd", pid);
	if (!fstatat(AT_FDCWD, path, &dir, 0)) {
		p.cwd_mode = dir.st_mode & 07777;
		p.cwd_uid = dir.st_uid;
		p.cwd_gid = dir.st_gid;
	}
	qri_add_process(w, &p, cwd, root);
	for (int i = 0; i < f->nthreads; i++)
		if (qr_capture_thread(w, pfncheck_fd, pid, &f->threads[i]) ||
		    qr_capture_restart(w, pid, &f->threads[i]))
			goto out;
	if (qr_capture_attrs(w, f) || qr_capture_signals(w, pfncheck_fd, f) ||
	    qr_capture_timers(w, pfncheck_fd, pid) ||
	    qr_capture_semundo(w, pfncheck_fd, pid))
		goto out;
	if (zc && qr_zc_read_map(pfncheck_fd, pid, zc))
		goto out;
	if (qr_capture_memory(w, pg, pid, p.ppid, &heap_end, zc) ||
	    capture_mm(w, pid, &s, heap_end) || qr_capture_rlimits(w, pid) ||
	    qr_proof_capture(w, pid))
		goto out;
	rc = 0;
out:
	if (zc)
		qr_zc_free_map(zc);
	free(stat);
	free(status);
	free(comm);
	free(pers);
	return rc;
}
