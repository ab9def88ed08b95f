// SPDX-License-Identifier: GPL-2.0
/*
 * Drives /dev/pfncheck for the pfncheck scenarios.
 *
 *   pfncheck-ctl freeze PID|self [--timeout MS] [--inject-half]
 *		[--no-commit | --kill-then-commit]
 *				freezes, then commits (the process stays frozen
 *				after this program exits); --no-commit exits
 *				without: the module thaws it; --kill-then-commit
 *				sends it SIGKILL first: the commit must fail
 *				with ESRCH naming it (exit 0 if it does)
 *   pfncheck-ctl thaw PID [--set]
 *   pfncheck-ctl status	frozen=N committed=N killed=N killed_pid=PID
 *   pfncheck-ctl threads PID	one line per parked thread
 *   pfncheck-ctl regs PID	every parked thread's registers (REGSET) checked
 *				against what THREADS says of it: exit 0 if the
 *				instruction and stack pointers agree, the XSAVE
 *				area is whole and MXCSR is sane, for every one
 *   pfncheck-ctl pfnmap PID [--verify] [--list]
 *				the PFN map (asked first with no room, which
 *				must fail with ENOSPC and give the sizes);
 *				--verify compares it with /proc/PID/pagemap
 *				page by page, over every VMA
 *   pfncheck-ctl open-as UID	drop to UID and open the device: exit 0 if
 *				it opened
 *   pfncheck-ctl ioctl-as UID PID
 *				open as root, drop to UID, FREEZE PID: exit 0
 *				if the ioctl succeeded
 *   pfncheck-ctl badargs PID	invalid arguments must all be refused (FREEZE,
 *				THAW, EVACUATE)
 *   pfncheck-ctl vfork-hold S	vfork a child that sleeps S seconds: the
 *				parent waits uninterruptibly (killable) meanwhile
 *   pfncheck-ctl now		CLOCK_MONOTONIC in ms
 *
 * Every result line is KEY=VALUE or a message; exit 0 on success.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <time.h>
#include <unistd.h>

#include "quickreboot/pfncheck_abi.h"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int number(const char *s)
{
	char *end;
	long v;

	if (!strcmp(s, "self"))
		return getpid();
	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *end || end == s) {
		fprintf(stderr, "pfncheck-ctl: bad number '%s'\n", s);
		exit(2);
	}
	return (int)v;
}

static int dev(void)
{
	int fd = open(PFNCHECK_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "pfncheck-ctl: %s: %s\n", PFNCHECK_DEVICE,
			strerror(errno));
		exit(1);
	}
	return fd;
}

static const char *why(int e)
{
	switch (e) {
	case ESRCH: return "no such process (or it is exiting)";
	case EPERM: return "not permitted (kernel thread, init, or no CAP_SYS_ADMIN)";
	case EDEADLK: return "a process cannot freeze itself";
	case EBUSY: return "already frozen, or traced";
	case ETIMEDOUT: return "a thread did not park in time; the process was thawed";
	case ECANCELED: return "failure injected; the process was thawed";
	case ENOENT: return "not frozen";
	case EINVAL: return "invalid argument";
	default: return "";
	}
}

static int fail(const char *op, int pid)
{
	int e = errno;

	printf("%s %d: %s: %s\n", op, pid, strerror(e), why(e));
	return 1;
}

static int freeze(int argc, char **argv)
{
	struct pfncheck_freeze a = { 0 };
	struct pfncheck_commit c = { 0 };
	int i, fd = dev(), commit = 1, kill_first = 0;

	a.pid = number(argv[0]);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--inject-half"))
			a.flags |= PFNCHECK_FREEZE_INJECT_HALF;
		else if (!strcmp(argv[i], "--no-commit"))
			commit = 0;
		else if (!strcmp(argv[i], "--kill-then-commit"))
			kill_first = 1;
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			a.timeout_ms = number(argv[++i]);
		else
			return 2;
	}
	if (ioctl(fd, PFNCHECK_IOC_FREEZE, &a)) {
		int e = errno;

		fail("freeze", a.pid);
		if (e == ETIMEDOUT)
			printf("stuck_tid=%d\n", a.stuck_tid);
		return 1;
	}
	printf("froze %d: %u threads in %llu us\n", a.pid, a.nr_threads,
	       (unsigned long long)a.elapsed_ns / 1000);
	printf("threads=%u\nfreeze_us=%llu\nmono_ms=%llu\n", a.nr_threads,
	       (unsigned long long)a.elapsed_ns / 1000,
	       (unsigned long long)now_ms());
	if (kill_first) {
		kill(a.pid, SIGKILL);
		if (!ioctl(fd, PFNCHECK_IOC_COMMIT, &c)) {
			printf("commit of a killed process: succeeded\n");
			return 1;
		}
		printf("commit: %s, killed_pid=%d\n", strerror(errno),
		       c.killed_pid);
		return errno == ESRCH && c.killed_pid == a.pid ? 0 : 1;
	}
	if (commit && ioctl(fd, PFNCHECK_IOC_COMMIT, &c))
		return fail("commit", a.pid);
	if (commit)
		printf("committed set %llu: %u processes\n",
		       (unsigned long long)c.set, c.nr_procs);
	return 0;
}

static int status(void)
{
	struct pfncheck_status a = { 0 };
	int fd = dev();

	if (ioctl(fd, PFNCHECK_IOC_STATUS, &a))
		return fail("status", 0);
	printf("frozen=%u committed=%u killed=%u killed_pid=%d\n", a.nr_frozen,
	       a.nr_committed, a.nr_killed, a.killed_pid);
	return 0;
}

static int thaw(int pid, int set)
{
	struct pfncheck_thaw a = { .pid = pid };
	int fd = dev();

	if (set)
		a.flags = PFNCHECK_THAW_SET;

	if (ioctl(fd, PFNCHECK_IOC_THAW, &a))
		return fail("thaw", pid);
	printf("thawed %d: %u threads in %llu us, frozen %llu ms\n", pid,
	       a.nr_threads, (unsigned long long)a.elapsed_ns / 1000,
	       (unsigned long long)a.frozen_ns / 1000000);
	printf("threads=%u\nthaw_us=%llu\nmono_ms=%llu\n", a.nr_threads,
	       (unsigned long long)a.elapsed_ns / 1000,
	       (unsigned long long)now_ms());
	return 0;
}

static const char *kind_name(uint32_t k)
{
	static const char *const names[] = {
		"none", "nanosleep", "cpu_nanosleep", "alarm_nanosleep",
		"futex", "poll", "other",
	};

	return k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

static int threads(int pid)
{
	struct pfncheck_threads a = { .pid = pid };
	struct pfncheck_thread *t;
	struct timespec ts;
	int fd = dev();
	uint32_t i;

	if (!ioctl(fd, PFNCHECK_IOC_THREADS, &a)) {
		if (a.nr) {
			printf("threads %d: no room given, but no ENOSPC\n",
			       pid);
			return 1;
		}
	} else if (errno != ENOSPC) {
		return fail("threads", pid);
	}
	t = calloc(a.nr + 1, sizeof(*t));
	a.cap = a.nr + 1;
	a.threads = (uintptr_t)t;
	if (ioctl(fd, PFNCHECK_IOC_THREADS, &a))
		return fail("threads", pid);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("mono_ns=%llu\n",
	       (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec);
	for (i = 0; i < a.nr; i++)
		printf("tid=%d state=%s nr=%lld ret=%lld restart=%s fn=%s clockid=%d expires_ns=%llu rmtp=%s ip=0x%llx\n",
		       t[i].tid, t[i].state == PFNCHECK_THREAD_PARKED ?
		       "parked" : "exited", (long long)t[i].syscall_nr,
		       (long long)t[i].syscall_ret,
		       kind_name(t[i].restart_kind),
		       t[i].restart_fn[0] ? t[i].restart_fn : "-",
		       t[i].clockid, (unsigned long long)t[i].expires_ns,
		       t[i].rmtp_type == PFNCHECK_RMTP_NATIVE ? "native" :
		       t[i].rmtp_type == PFNCHECK_RMTP_COMPAT ? "compat" :
		       "none", (unsigned long long)t[i].ip);
	return 0;
}

/* One regset of a parked thread into buf; returns its size, -1 on error. */
static int regset(int fd, int pid, int tid, uint32_t note, void *buf,
		  uint32_t size)
{
	struct pfncheck_regset a = { .pid = pid, .tid = tid,
				     .note_type = note, .size = 0,
				     .buf = (uintptr_t)buf };

	/* No room first: ENOSPC must give the size needed. */
	if (!ioctl(fd, PFNCHECK_IOC_REGSET, &a) || errno != ENOSPC) {
		printf("regset %d/%d: no room given, but no ENOSPC (%s)\n",
		       pid, tid, strerror(errno));
		return -1;
	}
	if (a.size > size) {
		printf("regset %d/%d: %u bytes needed\n", pid, tid, a.size);
		return -1;
	}
	a.size = size;
	if (ioctl(fd, PFNCHECK_IOC_REGSET, &a)) {
		fail("regset", pid);
		return -1;
	}
	return a.size;
}

static int regs(int pid)
{
	static unsigned char xstate[1 << 16];
	struct pfncheck_threads a = { .pid = pid, .cap = 256 };
	struct pfncheck_thread t[256];
	struct user_regs_struct r;
	int fd = dev(), n, bad = 0;
	uint32_t i, mxcsr;

	a.threads = (uintptr_t)t;
	if (ioctl(fd, PFNCHECK_IOC_THREADS, &a))
		return fail("threads", pid);
	for (i = 0; i < a.nr; i++) {
		if (t[i].state != PFNCHECK_THREAD_PARKED)
			continue;
		if (regset(fd, pid, t[i].tid, PFNCHECK_NT_PRSTATUS, &r,
			   sizeof(r)) != (int)sizeof(r))
			return 1;
		n = regset(fd, pid, t[i].tid, PFNCHECK_NT_X86_XSTATE, xstate,
			   sizeof(xstate));
		if (n < 0)
			return 1;
		memcpy(&mxcsr, xstate + 24, sizeof(mxcsr));
		printf("tid=%d rip=0x%llx rsp=0x%llx orig_rax=%lld rax=%lld fs_base=0x%llx xstate=%d mxcsr=0x%x\n",
		       t[i].tid, r.rip, r.rsp, (long long)r.orig_rax,
		       (long long)r.rax, r.fs_base, n, mxcsr);
		if (r.rip != t[i].ip || r.rsp != t[i].sp ||
		    (long long)r.orig_rax != t[i].syscall_nr ||
		    n < 576 || (mxcsr & 0xffff0000) || !r.fs_base) {
			printf("tid=%d: registers disagree with THREADS or are not sane\n",
			       t[i].tid);
			bad = 1;
		}
	}
	printf("regs_threads=%u\n", a.nr);
	return bad;
}

/* Compares the map with /proc/PID/pagemap, page by page. */
static int verify(int pid, struct pfncheck_pfnmap *a)
{
	struct pfncheck_vma *v = (void *)(uintptr_t)a->vmas;
	struct pfncheck_page *p = (void *)(uintptr_t)a->pages;
	uint64_t checked = 0, present = 0, bad = 0, special = 0;
	char path[64];
	uint32_t i;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	for (i = 0; i < a->nr_vmas; i++) {
		uint64_t n = (v[i].end - v[i].start) >> 12, j, k = 0;
		uint64_t *pm;

		if (v[i].flags & PFNCHECK_VMA_SPECIAL) {
			special++;
			continue;
		}
		if (v[i].first_page + v[i].nr_pages > a->nr_pages) {
			printf("vma %#llx: pages out of range\n",
			       (unsigned long long)v[i].start);
			return 1;
		}
		pm = malloc(n * 8);
		if (!pm || pread(fd, pm, n * 8, (v[i].start >> 12) * 8) !=
		    (ssize_t)(n * 8)) {
			printf("vma %#llx: cannot read pagemap\n",
			       (unsigned long long)v[i].start);
			return 1;
		}
		for (j = 0; j < n; j++) {
			uint64_t addr = v[i].start + (j << 12);
			int is_present = pm[j] >> 63 & 1;
			uint64_t pfn = pm[j] & ((1ULL << 55) - 1);
			struct pfncheck_page *e = NULL;

			if (k < v[i].nr_pages &&
			    p[v[i].first_page + k].addr == addr)
				e = &p[v[i].first_page + k++];
			checked++;
			present += is_present;
			if (is_present != !!e || (e && e->pfn != pfn)) {
				if (bad++ < 10)
					printf("mismatch at %#llx: pagemap %s pfn %#llx, map %s pfn %#llx\n",
					       (unsigned long long)addr,
					       is_present ? "present" : "absent",
					       (unsigned long long)pfn,
					       e ? "present" : "absent",
					       e ? (unsigned long long)e->pfn : 0ULL);
			}
		}
		if (k != v[i].nr_pages) {
			printf("vma %#llx: %llu map entries not in the VMA\n",
			       (unsigned long long)v[i].start,
			       (unsigned long long)(v[i].nr_pages - k));
			bad++;
		}
		free(pm);
	}
	close(fd);
	printf("verify: %llu pages checked, %llu present, %llu mismatches, %llu special vmas skipped\n",
	       (unsigned long long)checked, (unsigned long long)present,
	       (unsigned long long)bad, (unsigned long long)special);
	return bad ? 1 : 0;
}

static int pfnmap(int argc, char **argv)
{
	struct pfncheck_pfnmap a = { 0 };
	int pid = number(argv[0]), i, check = 0, list = 0, fd = dev();
	uint64_t t0, t1;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--verify"))
			check = 1;
		else if (!strcmp(argv[i], "--list"))
			list = 1;
		else
			return 2;
	}
	a.pid = pid;
	t0 = now_ms();
	if (!ioctl(fd, PFNCHECK_IOC_PFNMAP, &a)) {
		printf("pfnmap %d: no room given, but no ENOSPC\n", pid);
		return 1;
	}
	t1 = now_ms();
	if (errno != ENOSPC)
		return fail("pfnmap", pid);
	printf("needed: %u vmas, %llu pages (ENOSPC with no room)\n",
	       a.nr_vmas, (unsigned long long)a.nr_pages);
	a.vmas_cap = a.nr_vmas;
	a.pages_cap = a.nr_pages;
	a.vmas = (uintptr_t)calloc(a.nr_vmas + 1, sizeof(struct pfncheck_vma));
	a.pages = (uintptr_t)calloc(a.nr_pages + 1,
				    sizeof(struct pfncheck_page));
	if (!a.vmas || !a.pages) {
		perror("calloc");
		return 1;
	}
	if (ioctl(fd, PFNCHECK_IOC_PFNMAP, &a))
		return fail("pfnmap", pid);
	printf("vmas=%u\npages=%llu\npinned=%llu\nheld=%llu\nmap_us=%llu\ncall_ms=%llu\n",
	       a.nr_vmas, (unsigned long long)a.nr_pages,
	       (unsigned long long)a.nr_pinned, (unsigned long long)a.nr_held,
	       (unsigned long long)a.elapsed_ns / 1000,
	       (unsigned long long)(t1 - t0));
	if (list) {
		struct pfncheck_vma *v = (void *)(uintptr_t)a.vmas;

		for (i = 0; i < (int)a.nr_vmas; i++)
			printf("vma %#llx-%#llx flags=%#x pgoff=%#llx pages=%llu\n",
			       (unsigned long long)v[i].start,
			       (unsigned long long)v[i].end, v[i].flags,
			       (unsigned long long)v[i].pgoff,
			       (unsigned long long)v[i].nr_pages);
	}
	return check ? verify(pid, &a) : 0;
}

static void drop_to(int uid)
{
	if (setgroups(0, NULL) || setgid(uid) || setuid(uid)) {
		perror("drop privileges");
		exit(3);
	}
}

/* Each must fail with the given errno. */
/* EVACUATE's argument checks; a valid call must succeed. */
static int evacuate_badargs(int fd)
{
	struct pfncheck_range r[PFNCHECK_MAX_RANGES + 1] = {
		{ 0x100, 0x200 }, { 0x180, 0x300 },
	};
	struct {
		const char *what;
		struct pfncheck_evacuate a;
		int want;
	} cases[] = {
		{ "evacuate: flags", { .flags = 1, .nr_ranges = 1 }, EINVAL },
		{ "evacuate: no range", { .nr_ranges = 0 }, EINVAL },
		{ "evacuate: too many ranges",
		  { .nr_ranges = PFNCHECK_MAX_RANGES + 1 }, EINVAL },
		{ "evacuate: overlapping ranges", { .nr_ranges = 2 }, EINVAL },
		{ "evacuate: bad pointer", { .nr_ranges = 1, .ranges = 8 }, EFAULT },
	};
	struct pfncheck_evacuate ok = { .nr_ranges = 1, .ranges = (uintptr_t)r };
	unsigned int i;
	int bad = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int e;

		if (!cases[i].a.ranges)
			cases[i].a.ranges = (uintptr_t)r;
		e = ioctl(fd, PFNCHECK_IOC_EVACUATE, &cases[i].a) ? errno : 0;
		printf("%s: %s\n", cases[i].what, e ? strerror(e) : "success");
		bad += e != cases[i].want;
	}
	r[0] = (struct pfncheck_range){ 0x200, 0x100 };
	if (!ioctl(fd, PFNCHECK_IOC_EVACUATE, &ok) || errno != EINVAL) {
		printf("evacuate: empty range not refused\n");
		bad++;
	}
	r[0] = (struct pfncheck_range){ 0x100, 0x200 };
	if (ioctl(fd, PFNCHECK_IOC_EVACUATE, &ok)) {
		printf("evacuate: valid call failed: %s\n", strerror(errno));
		bad++;
	}
	return bad;
}

static int badargs(int pid)
{
	struct {
		const char *what;
		unsigned long cmd;
		struct pfncheck_freeze f;
		int want;
	} cases[] = {
		{ "pid 0", PFNCHECK_IOC_FREEZE, { .pid = 0 }, EINVAL },
		{ "pid -1", PFNCHECK_IOC_FREEZE, { .pid = -1 }, EINVAL },
		{ "unknown flag", PFNCHECK_IOC_FREEZE,
		  { .pid = pid, .flags = 1U << 7 }, EINVAL },
		{ "reserved set", PFNCHECK_IOC_FREEZE,
		  { .pid = pid, .reserved = 1 }, EINVAL },
		{ "timeout too long", PFNCHECK_IOC_FREEZE,
		  { .pid = pid, .timeout_ms = 3600000 }, EINVAL },
		{ "no such pid", PFNCHECK_IOC_FREEZE, { .pid = 4000000 }, ESRCH },
		{ "unknown ioctl", _IOWR(PFNCHECK_IOC_MAGIC, 99,
					 struct pfncheck_freeze),
		  { .pid = pid }, ENOTTY },
	};
	int fd = dev(), bad = 0;
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = ioctl(fd, cases[i].cmd, &cases[i].f);
		int e = errno;

		if (!r || e != cases[i].want) {
			printf("%s: got %s, want %s\n", cases[i].what,
			       r ? strerror(e) : "success",
			       strerror(cases[i].want));
			bad++;
			if (!r)
				ioctl(fd, PFNCHECK_IOC_THAW,
				      &(struct pfncheck_thaw){ .pid = pid });
		} else {
			printf("%s: refused: %s\n", cases[i].what, strerror(e));
		}
	}
	if (!ioctl(fd, PFNCHECK_IOC_FREEZE, (void *)8) || errno != EFAULT) {
		printf("bad pointer: not EFAULT\n");
		bad++;
	}
	if (!ioctl(fd, PFNCHECK_IOC_THAW,
		   &(struct pfncheck_thaw){ .pid = pid }) || errno != ENOENT) {
		printf("thaw of a process not frozen: not ENOENT\n");
		bad++;
	}
	bad += evacuate_badargs(fd);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "freeze"))
		return freeze(argc - 2, argv + 2);
	if (argc == 2 && !strcmp(argv[1], "status"))
		return status();
	if (argc == 4 && !strcmp(argv[1], "thaw") && !strcmp(argv[3], "--set"))
		return thaw(number(argv[2]), 1);
	if (argc == 3 && !strcmp(argv[1], "thaw"))
		return thaw(number(argv[2]), 0);
	if (argc == 3 && !strcmp(argv[1], "threads"))
		return threads(number(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "regs"))
		return regs(number(argv[2]));
	if (argc >= 3 && !strcmp(argv[1], "pfnmap"))
		return pfnmap(argc - 2, argv + 2);
	if (argc == 3 && !strcmp(argv[1], "badargs"))
		return badargs(number(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "open-as")) {
		int fd;

		drop_to(number(argv[2]));
		fd = open(PFNCHECK_DEVICE, O_RDWR);
		printf("open as uid %s: %s\n", argv[2],
		       fd < 0 ? strerror(errno) : "opened");
		return fd < 0;
	}
	if (argc == 4 && !strcmp(argv[1], "ioctl-as")) {
		struct pfncheck_freeze a = { .pid = number(argv[3]) };
		int fd = dev(), r;

		drop_to(number(argv[2]));
		r = ioctl(fd, PFNCHECK_IOC_FREEZE, &a);
		printf("freeze as uid %s: %s\n", argv[2],
		       r ? strerror(errno) : "froze");
		return r ? 1 : 0;
	}
	if (argc == 3 && !strcmp(argv[1], "vfork-hold")) {
		struct timespec ts = { .tv_sec = number(argv[2]) };
		pid_t pid = vfork();

		if (!pid) {
			syscall(SYS_nanosleep, &ts, NULL);
			_exit(0);
		}
		return pid < 0;
	}
	if (argc == 2 && !strcmp(argv[1], "now")) {
		printf("%llu\n", (unsigned long long)now_ms());
		return 0;
	}
	fprintf(stderr, "usage: see the comment at the top of pfncheck-ctl.c\n");
	return 2;
}
