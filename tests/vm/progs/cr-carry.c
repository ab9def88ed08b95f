/* cr-carry DIR [AREAS]: a process whose privileges, scheduling and memory
 * advice are all other than the defaults, checking its own state after a
 * restore. As root it makes AREAS (default 3000) one-page memory areas of
 * alternating protection, areas with each madvise/mlock flag, sets
 * oom_score_adj 321, THP disabled, personality ADDR_NO_RANDOMIZE, nice 5
 * with SCHED_RESET_ON_FORK, affinity CPU 0, a worker thread at
 * SCHED_BATCH nice 7 (I/O priority best-effort 6 and timer slack 123456
 * ns, against the main thread's best-effort 2 and 777000), groups 10 20
 * 30, drops CAP_SYS_MODULE and CAP_SYS_BOOT from its bounding set, becomes uid/gid 1000 keeping
 * CAP_NET_BIND_SERVICE (effective, permitted, inheritable, ambient),
 * CAP_NET_RAW (permitted) and CAP_CHOWN (inheritable), and sets
 * no_new_privs. It holds O_PATH fds of a file, of DIR and of a symbolic
 * link itself (O_NOFOLLOW), and a file it deleted while open (data at 0
 * and at 1 MiB, a hole between) through two open descriptions of their
 * own offsets and flags, a file on a tmpfs (/run, emptied by a reboot),
 * two memfds (one sealed against shrinking, growing and more seals),
 * and works in a directory it deleted. It writes its view of all that to DIR/info ("view" lines)
 * and, each time DIR/verify appears, compares the view then with the one
 * it had at the start and writes DIR/result: "pid=P ok=1 areas=N" or
 * "ok=0 bad=FIELD" with DIR/diff holding both views. DIR must be writable
 * by uid 1000. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif
#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#endif
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 1
#endif

#define VIEW_MAX 8192
#define IOPRIO_BE(level) (2 << 13 | (level))

static const char *dir;
static volatile pid_t worker_tid;
/* Only a thread reads its own timer slack (without CAP_SYS_NICE). */
static int worker_slack;
static uint8_t *big;
static long nbig;

static const struct {
	const char *name, *flag;
	int madv;	/* -1: mlock, -2: mlock2 ONFAULT */
} advice[] = {
	{ "dontfork", "dc", MADV_DONTFORK }, { "wipeonfork", "wf", MADV_WIPEONFORK },
	{ "dontdump", "dd", MADV_DONTDUMP }, { "hugepage", "hg", MADV_HUGEPAGE },
	{ "nohugepage", "nh", MADV_NOHUGEPAGE }, { "mergeable", "mg", MADV_MERGEABLE },
	{ "sequential", "sr", MADV_SEQUENTIAL }, { "random", "rr", MADV_RANDOM },
	{ "locked", "lo", -1 }, { "lockonfault", "lf", -2 },
};
#define NADV (sizeof(advice) / sizeof(advice[0]))
static uint8_t *adv_area[NADV];

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void put(const char *name, const char *text)
{
	char path[512], tmp[520];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    close(fd) || rename(tmp, path))
		die(path);
}

static void add(char *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(char *v, const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(v);

	va_start(ap, fmt);
	vsnprintf(v + n, VIEW_MAX - n, fmt, ap);
	va_end(ap);
}

static void status_lines(char *v, const char *path, const char *const *keys)
{
	char line[512];
	FILE *f = fopen(path, "re");

	if (!f)
		die(path);
	while (fgets(line, sizeof(line), f))
		for (int i = 0; keys[i]; i++)
			if (!strncmp(line, keys[i], strlen(keys[i])))
				add(v, "%s", line);
	fclose(f);
}

/* The VmFlags of the area at addr, only the flags this program sets, but
 * "lf": 6.1 does not show it (an mlock2 ONFAULT area is "lo" there), and
 * restore can tell it only where the Old kernel shows it or the area is
 * not all resident. */
static void area_flags(char *v, const char *name, uint8_t *addr)
{
	char line[1024], want[32];
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "re");

	if (!f)
		die("smaps");
	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	add(v, "area %s:", name);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, want, strlen(want)))
			in = 1;
		else if (in && !strncmp(line, "VmFlags:", 8)) {
			for (size_t i = 0; i < NADV; i++) {
				char f2[5];

				snprintf(f2, sizeof(f2), " %s", advice[i].flag);
				if (strcmp(advice[i].flag, "lf") && strstr(line + 8, f2))
					add(v, "%s", f2);
			}
			break;
		}
	}
	add(v, "\n");
	fclose(f);
}

static int big_areas(void)
{
	char line[512];
	int n = 0;
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		die("maps");
	while (fgets(line, sizeof(line), f)) {
		unsigned long s = strtoul(line, NULL, 16);

		if (s >= (unsigned long)big && s < (unsigned long)(big + nbig * 4096))
			n++;
	}
	fclose(f);
	return n;
}

static uint64_t sum(void)
{
	uint64_t h = 1469598103934665603ull;

	for (long i = 0; i < nbig * 4096; i++)
		h = (h ^ big[i]) * 1099511628211ull;
	for (size_t a = 0; a < NADV; a++)
		for (int i = 0; i < 4 * 4096; i++)
			h = (h ^ adv_area[a][i]) * 1099511628211ull;
	return h;
}

static int opath_fds[3];

/* Each O_PATH fd: its flags, FD_CLOEXEC, what it names and its inode. */
static void opath_view(char *v)
{
	for (int i = 0; i < 3; i++) {
		char path[64], target[256];
		struct stat st = { 0 };
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/fd/%d", opath_fds[i]);
		n = readlink(path, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		fstat(opath_fds[i], &st);
		add(v, "opath fd %d flags 0%o cloexec %d names %s mode 0%o ino %llu\n",
		    opath_fds[i], fcntl(opath_fds[i], F_GETFL),
		    fcntl(opath_fds[i], F_GETFD), target, st.st_mode,
		    (unsigned long long)st.st_ino);
	}
}

/* Its working directory, deleted: where /proc shows it, and that it is
 * empty, a directory and without links. */
static void cwd_view(char *v)
{
	char cwd[512];
	struct stat st = { 0 };
	ssize_t n = readlink("/proc/self/cwd", cwd, sizeof(cwd) - 1);

	cwd[n > 0 ? n : 0] = '\0';
	stat(".", &st);
	add(v, "cwd %s dir %d links %d\n", cwd, S_ISDIR(st.st_mode),
	    (int)st.st_nlink);
}

static void enter_deleted_dir(void)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/gone", dir);
	rmdir(path);
	if (mkdir(path, 0755) || chdir(path) || rmdir(path))
		die("deleted working directory");
}

static int memfds[2];

/* Each memfd: its name, size, data, seals, offset and flags. */
static void memfd_view(char *v)
{
	for (int i = 0; i < 2; i++) {
		struct stat st = { 0 };
		char path[64], name[256];
		uint64_t sum = 0;
		uint8_t buf[4096];
		ssize_t n;
		off_t at = 0;

		snprintf(path, sizeof(path), "/proc/self/fd/%d", memfds[i]);
		n = readlink(path, name, sizeof(name) - 1);
		name[n > 0 ? n : 0] = '\0';
		fstat(memfds[i], &st);
		while ((n = pread(memfds[i], buf, sizeof(buf), at)) > 0) {
			for (ssize_t k = 0; k < n; k++)
				sum = sum * 31 + buf[k];
			at += n;
		}
		add(v, "memfd %s size %lld sum %016llx seals 0x%x pos %lld flags 0%o\n",
		    name, (long long)st.st_size, (unsigned long long)sum,
		    fcntl(memfds[i], F_GET_SEALS),
		    (long long)lseek(memfds[i], 0, SEEK_CUR),
		    fcntl(memfds[i], F_GETFL));
	}
}

static void make_memfds(void)
{
	char block[5000];

	for (size_t i = 0; i < sizeof(block); i++)
		block[i] = (char)(i * 11 + 5);
	memfds[0] = memfd_create("carry-pool", MFD_ALLOW_SEALING);
	memfds[1] = memfd_create("carry-plain", MFD_CLOEXEC);
	for (int i = 0; i < 2; i++)
		if (memfds[i] < 0 || write(memfds[i], block, sizeof(block) - i * 1000) < 0 ||
		    lseek(memfds[i], 77 + i, SEEK_SET) < 0)
			die("memfd");
	if (fcntl(memfds[0], F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL))
		die("memfd seals");
}

static int tmpfs_fd;

/* The tmpfs file: where, its size, data, mode, offset and flags. */
static void tmpfs_view(char *v)
{
	struct stat st = { 0 };
	char path[64], name[256];
	uint64_t sum = 0;
	uint8_t buf[4096];
	ssize_t n;
	off_t at = 0;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", tmpfs_fd);
	n = readlink(path, name, sizeof(name) - 1);
	name[n > 0 ? n : 0] = '\0';
	fstat(tmpfs_fd, &st);
	while ((n = pread(tmpfs_fd, buf, sizeof(buf), at)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			sum = sum * 31 + buf[i];
		at += n;
	}
	add(v, "tmpfs %s size %lld sum %016llx mode 0%o pos %lld flags 0%o\n",
	    name, (long long)st.st_size, (unsigned long long)sum,
	    st.st_mode, (long long)lseek(tmpfs_fd, 0, SEEK_CUR),
	    fcntl(tmpfs_fd, F_GETFL));
}

static void open_tmpfs(void)
{
	char block[10000];

	for (size_t i = 0; i < sizeof(block); i++)
		block[i] = (char)(i * 13 + 1);
	tmpfs_fd = open("/run/cr-carry-tmpfs", O_RDWR | O_CREAT | O_TRUNC, 0640);
	if (tmpfs_fd < 0 || write(tmpfs_fd, block, sizeof(block)) !=
	    (ssize_t)sizeof(block) || lseek(tmpfs_fd, 123, SEEK_SET) != 123)
		die("tmpfs file");
}

static int ghost_fds[2];

/* The deleted file: its size, data, hole, each fd's offset and flags, and
 * whether both fds still open one file. */
static void ghost_view(char *v)
{
	struct stat a = { 0 }, b = { 0 };
	uint64_t sum = 0;
	uint8_t buf[4096];
	off_t at = 0, pos[2], hole;
	ssize_t n;

	fstat(ghost_fds[0], &a);
	fstat(ghost_fds[1], &b);
	while ((n = pread(ghost_fds[1], buf, sizeof(buf), at)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			sum = sum * 31 + buf[i];
		at += n;
	}
	pos[0] = lseek(ghost_fds[0], 0, SEEK_CUR);
	pos[1] = lseek(ghost_fds[1], 0, SEEK_CUR);
	/* SEEK_HOLE moves the offset: set back after. */
	hole = lseek(ghost_fds[1], 0, SEEK_HOLE);
	lseek(ghost_fds[1], pos[1], SEEK_SET);
	add(v, "ghost size %lld sum %016llx links %d one-file %d hole-first %d pos %lld/%lld flags 0%o/0%o\n",
	    (long long)a.st_size, (unsigned long long)sum, (int)a.st_nlink,
	    a.st_ino == b.st_ino && a.st_dev == b.st_dev, hole < (1 << 20),
	    (long long)pos[0], (long long)pos[1],
	    fcntl(ghost_fds[0], F_GETFL), fcntl(ghost_fds[1], F_GETFL));
}

static void open_ghost(void)
{
	char path[512], self[64], block[4096];

	snprintf(path, sizeof(path), "%s/ghost", dir);
	ghost_fds[0] = open(path, O_RDWR | O_CREAT | O_TRUNC, 0640);
	for (size_t i = 0; i < sizeof(block); i++)
		block[i] = (char)(i * 7 + 3);
	snprintf(self, sizeof(self), "/proc/self/fd/%d", ghost_fds[0]);
	ghost_fds[1] = open(self, O_RDONLY);
	if (ghost_fds[0] < 0 || ghost_fds[1] < 0 ||
	    write(ghost_fds[0], "head of the file", 16) != 16 ||
	    pwrite(ghost_fds[0], block, sizeof(block), 1 << 20) !=
	    (ssize_t)sizeof(block) || fcntl(ghost_fds[0], F_SETFL, O_APPEND) ||
	    lseek(ghost_fds[1], 7, SEEK_SET) != 7 || unlink(path))
		die("deleted file");
}

static void open_paths(void)
{
	char file[512], link[512];
	int fd;

	snprintf(file, sizeof(file), "%s/opath-file", dir);
	snprintf(link, sizeof(link), "%s/opath-link", dir);
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	unlink(link);
	if (fd < 0 || close(fd) || symlink("opath-file", link))
		die("opath files");
	opath_fds[0] = open(file, O_PATH);
	opath_fds[1] = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	opath_fds[2] = open(link, O_PATH | O_NOFOLLOW);
	if (opath_fds[0] < 0 || opath_fds[1] < 0 || opath_fds[2] < 0)
		die("O_PATH");
}

static void view(char *v)
{
	static const char *const keys[] = { "Uid:", "Gid:", "Groups:", "CapInh:",
		"CapPrm:", "CapEff:", "CapBnd:", "CapAmb:", "NoNewPrivs:",
		"Seccomp:", "THP_enabled:", "Cpus_allowed_list:", NULL };
	char path[64], buf[64];
	cpu_set_t set;
	int fd, n;

	v[0] = '\0';
	status_lines(v, "/proc/self/status", keys);
	snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)worker_tid);
	add(v, "worker ");
	status_lines(v, path, (const char *const[]){ "CapEff:", "NoNewPrivs:",
				"Groups:", NULL });
	add(v, "nice %d worker-nice %d\n", getpriority(PRIO_PROCESS, 0),
	    getpriority(PRIO_PROCESS, worker_tid));
	add(v, "policy 0x%x worker-policy 0x%x\n", sched_getscheduler(0),
	    sched_getscheduler(worker_tid));
	add(v, "ioprio 0x%lx worker-ioprio 0x%lx slack %d worker-slack %d\n",
	    syscall(SYS_ioprio_get, 1, 0), syscall(SYS_ioprio_get, 1, worker_tid),
	    prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0),
	    __atomic_load_n(&worker_slack, __ATOMIC_SEQ_CST));
	CPU_ZERO(&set);
	sched_getaffinity(0, sizeof(set), &set);
	add(v, "affinity-count %d cpu0 %d\n", CPU_COUNT(&set), CPU_ISSET(0, &set));
	fd = open("/proc/self/oom_score_adj", O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	add(v, "oom_score_adj %s", buf);
	add(v, "personality 0x%x\n", personality(0xffffffff));
	add(v, "dumpable %d thp-disable %d\n", prctl(PR_GET_DUMPABLE),
	    prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0));
	for (size_t i = 0; i < NADV; i++)
		area_flags(v, advice[i].name, adv_area[i]);
	add(v, "big-areas %d\n", big_areas());
	add(v, "sum %016llx\n", (unsigned long long)sum());
	opath_view(v);
	ghost_view(v);
	tmpfs_view(v);
	memfd_view(v);
	cwd_view(v);
}

static void *worker(void *arg)
{
	struct timespec ts = { 0, 100000000 };

	(void)arg;
	if (sched_setscheduler(0, SCHED_BATCH, &(struct sched_param){ 0 }) ||
	    setpriority(PRIO_PROCESS, 0, 7) ||
	    syscall(SYS_ioprio_set, 1, 0, IOPRIO_BE(6)) ||
	    prctl(PR_SET_TIMERSLACK, 123456, 0, 0, 0))
		die("worker sched");
	__atomic_store_n(&worker_tid, syscall(SYS_gettid), __ATOMIC_SEQ_CST);
	for (;;) {
		__atomic_store_n(&worker_slack, prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0),
				 __ATOMIC_SEQ_CST);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void make_areas(void)
{
	nbig = nbig ? nbig : 3000;
	big = mmap(NULL, nbig * 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (big == MAP_FAILED)
		die("mmap big");
	for (long i = 0; i < nbig * 4096; i++)
		big[i] = (uint8_t)(i * 7 + i / 4096);
	for (long p = 1; p < nbig; p += 2)
		if (mprotect(big + p * 4096, 4096, PROT_READ))
			die("mprotect");
	for (size_t i = 0; i < NADV; i++) {
		/* A guard page on each side: no merging with neighbours. */
		uint8_t *g = mmap(NULL, 6 * 4096, PROT_NONE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		int r;

		if (g == MAP_FAILED)
			die("mmap advice");
		adv_area[i] = g + 4096;
		if (mprotect(adv_area[i], 4 * 4096, PROT_READ | PROT_WRITE))
			die("mprotect advice");
		if (advice[i].madv >= 0)
			r = madvise(adv_area[i], 4 * 4096, advice[i].madv);
		else if (advice[i].madv == -1)
			r = mlock(adv_area[i], 4 * 4096);
		else
			r = syscall(SYS_mlock2, adv_area[i], 4 * 4096, MLOCK_ONFAULT);
		if (r)
			die(advice[i].name);
		memset(adv_area[i], (int)(0x40 + i), advice[i].madv == -2 ? 4096 : 4 * 4096);
	}
}

static void drop_privileges(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0 } };
	gid_t groups[3] = { 10, 20, 30 };

	if (setgroups(3, groups) ||
	    prctl(PR_CAPBSET_DROP, CAP_SYS_MODULE, 0, 0, 0) ||
	    prctl(PR_CAPBSET_DROP, CAP_SYS_BOOT, 0, 0, 0) ||
	    prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) ||
	    setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000))
		die("drop ids");
	d[0].effective = 1u << CAP_NET_BIND_SERVICE;
	d[0].permitted = 1u << CAP_NET_BIND_SERVICE | 1u << CAP_NET_RAW;
	d[0].inheritable = 1u << CAP_NET_BIND_SERVICE | 1u << CAP_CHOWN;
	if (syscall(SYS_capset, &h, d) ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE, 0, 0) ||
	    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		die("capabilities");
}

int main(int argc, char **argv)
{
	static char before[VIEW_MAX], now[VIEW_MAX];
	struct timespec ts = { 0, 100000000 };
	char path[512], line[128];
	pthread_t t;
	cpu_set_t one;
	int fd;

	if (argc < 2)
		return 2;
	dir = argv[1];
	nbig = argc > 2 ? atol(argv[2]) : 0;
	make_areas();
	open_paths();
	open_ghost();
	open_tmpfs();
	make_memfds();
	enter_deleted_dir();
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "321", 3) != 3 || close(fd))
		die("oom_score_adj");
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) ||
	    syscall(SYS_ioprio_set, 1, 0, IOPRIO_BE(2)) ||
	    prctl(PR_SET_TIMERSLACK, 777000, 0, 0, 0) ||
	    personality(PER_LINUX | ADDR_NO_RANDOMIZE) < 0 ||
	    sched_setaffinity(0, sizeof(one), &one) ||
	    sched_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK,
			       &(struct sched_param){ 0 }) ||
	    setpriority(PRIO_PROCESS, 0, 5))
		die("process attributes");
	/* Credentials are per thread: the worker starts after the drop and
	 * inherits them (it then lowers its own scheduling, as it may). */
	drop_privileges();
	if (pthread_create(&t, NULL, worker, NULL))
		die("pthread_create");
	while (!worker_tid)
		nanosleep(&ts, NULL);
	view(before);
	put("info", before);
	snprintf(path, sizeof(path), "%s/verify", dir);
	for (;;) {
		nanosleep(&ts, NULL);
		if (access(path, F_OK))
			continue;
		unlink(path);
		view(now);
		if (!strcmp(before, now)) {
			snprintf(line, sizeof(line), "pid=%d ok=1 areas=%d\n", getpid(),
				 big_areas());
		} else {
			size_t i = 0, s;
			char field[40];

			while (before[i] == now[i])
				i++;
			s = i;
			while (s && before[s - 1] != '\n')
				s--;
			snprintf(field, sizeof(field), "%.*s", (int)strcspn(before + s, ":\n "),
				 before + s);
			snprintf(line, sizeof(line), "pid=%d ok=0 bad=%s\n", getpid(), field);
			{
				static char both[2 * VIEW_MAX + 64];

				snprintf(both, sizeof(both), "before:\n%safter:\n%s", before, now);
				put("diff", both);
			}
		}
		put("result", line);
	}
}
