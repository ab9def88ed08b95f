/*
 * cr-ipc DIR: shared memory of every named kind, and System V IPC,
 * between a parent and its child. The parent makes
 *   memfd    a memfd "qr-memfd" (8 pages, sealed F_SEAL_SHRINK |
 *            F_SEAL_GROW), mapped shared and held as fd 10 by both
 *   mapped   a memfd "qr-mapped" mapped shared, its fd closed
 *   posix    /dev/shm/qr-posix (4 pages + 100 bytes, 0640, 1234:2345),
 *            mapped shared, its fd closed
 *   gone     /dev/shm/qr-gone, mapped shared, held as fd 11, unlinked
 *   private  /dev/shm/qr-posix mapped private and written (its own copy)
 *   shm      a System V segment (key 0x51520001, 4 pages, 0640, owner
 *            1234:2345, created as 4321:4322, SHM_LOCK), attached by both
 *   rmid     a private System V segment attached by both, IPC_RMID
 *   loose    a System V segment (key 0x51520004) attached by nobody
 *   sem      a set of 3 semaphores (5, 0, 7), key 0x51520002
 *   msg      a queue (key 0x51520003, qbytes 4000) holding 4 messages of
 *            types 3, 1, 2, 3
 *   undo     a set of 2 semaphores (10, 0), key 0x51520005, and a second
 *            child, the holder, whose semop(SEM_UNDO) took 3 from the
 *            first and gave 2 to the second (7, 2): the kernel gives
 *            them back when it exits
 * and forks. The child, every 10 ms: copies word 0 of each area to word
 * 1 (the memfd's word 0 written by the parent through fd 10, word 1
 * read back through it; qr-gone's word 1 read back through fd 11), and
 * takes one from semaphore 1 to give one to 2.
 * DIR/info holds "pid=P child=C" once set up. On DIR/verify the parent
 * writes DIR/result, each key 1 when right:
 *   pid= child= data= memfd= seals= mapped= posix= posix_meta= gone=
 *   private= shm= shm_meta= rmid= loose= sem= msg= undo=
 * (data: every pattern intact; memfd, mapped, posix, gone, shm, rmid: a
 * new word written now comes back from the child through that object
 * (mapped: and its maps name); seals, the metas, loose: the IPC_STAT /
 * fstat / F_GET_SEALS values as set up, the ids the same, loose's
 * contents; sem: the values, then a post seen taken by the child; msg:
 * the messages in order with their types, put back after; undo: the
 * values 7 and 2, then 10 and 0 once the holder exited, then a new
 * holder for the next hop).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096
#define WORDS (PAGE / 8)
#define KEY_SHM 0x51520001
#define KEY_SEM 0x51520002
#define KEY_MSG 0x51520003
#define KEY_LOOSE 0x51520004
#define KEY_UNDO 0x51520005
#define POSIX_SIZE (4 * PAGE + 100)

enum { A_MEMFD, A_POSIX, A_GONE, A_SHM, A_RMID, A_MAPPED, NAREAS };
static const int pages[NAREAS] = { 8, 5, 2, 4, 3, 2 };
static volatile uint64_t *area[NAREAS];
static volatile uint64_t *priv, *loose;
static int shm_id, rmid_id, loose_id, sem_id, msg_id, undo_id;
static pid_t holder;
static const struct { long type; const char *text; } msgs[] = {
	{ 3, "three" }, { 1, "one" }, { 2, "two" }, { 3, "three again" },
};

static uint64_t word(int a, size_t i)
{
	return 0x4950430000000000ull ^ ((uint64_t)a << 32) ^ i;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Pages after the first (the channel) hold the pattern; the POSIX file's
 * last page only up to its size. */
static int data_ok(void)
{
	for (int a = 0; a < NAREAS; a++) {
		size_t n = (a == A_POSIX ? POSIX_SIZE : pages[a] * PAGE) / 8;

		for (size_t i = 2; i < n; i++)
			if (area[a][i] != word(a, i))
				return 0;
	}
	for (size_t i = 0; i < POSIX_SIZE / 8; i++)
		if (priv[i] != (i < WORDS ? ~word(A_POSIX, i) : word(A_POSIX, i)))
			return 0;
	return 1;
}

static void *map_file(int fd, int n, int flags)
{
	void *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, flags, fd, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static void setup(void)
{
	struct shmid_ds ds;
	struct msqid_ds mq;
	unsigned short v[3] = { 5, 0, 7 };
	int fd;

	fd = memfd_create("qr-memfd", MFD_ALLOW_SEALING);
	if (fd < 0 || ftruncate(fd, pages[A_MEMFD] * PAGE) ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) || dup2(fd, 10) != 10)
		die("memfd");
	close(fd);
	area[A_MEMFD] = map_file(10, pages[A_MEMFD], MAP_SHARED);
	fd = shm_open("/qr-posix", O_RDWR | O_CREAT | O_EXCL, 0640);
	if (fd < 0 || ftruncate(fd, POSIX_SIZE) || fchown(fd, 1234, 2345))
		die("shm_open");
	area[A_POSIX] = map_file(fd, pages[A_POSIX], MAP_SHARED);
	for (size_t i = 0; i < POSIX_SIZE / 8; i++)
		area[A_POSIX][i] = word(A_POSIX, i);
	priv = map_file(fd, pages[A_POSIX], MAP_PRIVATE);
	for (size_t i = 0; i < WORDS; i++)
		priv[i] = ~word(A_POSIX, i);
	close(fd);
	fd = shm_open("/qr-gone", O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || ftruncate(fd, pages[A_GONE] * PAGE) || dup2(fd, 11) != 11 ||
	    shm_unlink("/qr-gone"))
		die("qr-gone");
	close(fd);
	area[A_GONE] = map_file(11, pages[A_GONE], MAP_SHARED);
	fd = memfd_create("qr-mapped", 0);
	if (fd < 0 || ftruncate(fd, pages[A_MAPPED] * PAGE))
		die("qr-mapped");
	area[A_MAPPED] = map_file(fd, pages[A_MAPPED], MAP_SHARED);
	close(fd);
	/* The segment made by another creator than its owner. */
	if (setegid(4322) || seteuid(4321))
		die("seteuid");
	shm_id = shmget(KEY_SHM, pages[A_SHM] * PAGE, IPC_CREAT | IPC_EXCL | 0640);
	if (seteuid(0) || setegid(0) || shm_id < 0 || shmctl(shm_id, IPC_STAT, &ds))
		die("shmget");
	ds.shm_perm.uid = 1234;
	ds.shm_perm.gid = 2345;
	if (shmctl(shm_id, IPC_SET, &ds) || shmctl(shm_id, SHM_LOCK, NULL))
		die("shmctl");
	area[A_SHM] = shmat(shm_id, NULL, 0);
	rmid_id = shmget(IPC_PRIVATE, pages[A_RMID] * PAGE, 0600);
	area[A_RMID] = rmid_id < 0 ? (void *)-1 : shmat(rmid_id, NULL, 0);
	if (area[A_SHM] == (void *)-1 || area[A_RMID] == (void *)-1 ||
	    shmctl(rmid_id, IPC_RMID, NULL))
		die("shmat");
	/* Attached by nobody: its contents written, then detached. */
	loose_id = shmget(KEY_LOOSE, PAGE, IPC_CREAT | IPC_EXCL | 0600);
	loose = loose_id < 0 ? (void *)-1 : shmat(loose_id, NULL, 0);
	if (loose == (void *)-1)
		die("loose");
	for (size_t i = 0; i < WORDS; i++)
		loose[i] = word(NAREAS, i);
	shmdt((void *)loose);
	sem_id = semget(KEY_SEM, 3, IPC_CREAT | IPC_EXCL | 0600);
	if (sem_id < 0 || semctl(sem_id, 0, SETALL, v))
		die("semget");
	undo_id = semget(KEY_UNDO, 2, IPC_CREAT | IPC_EXCL | 0600);
	if (undo_id < 0 || semctl(undo_id, 0, SETVAL, 10))
		die("semget undo");
	msg_id = msgget(KEY_MSG, IPC_CREAT | IPC_EXCL | 0600);
	if (msg_id < 0 || msgctl(msg_id, IPC_STAT, &mq))
		die("msgget");
	mq.msg_qbytes = 4000;
	if (msgctl(msg_id, IPC_SET, &mq))
		die("msgctl");
	for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		struct { long type; char text[64]; } m = { msgs[i].type, "" };

		strcpy(m.text, msgs[i].text);
		if (msgsnd(msg_id, &m, strlen(m.text) + 1, 0))
			die("msgsnd");
	}
	for (int a = 0; a < NAREAS; a++)
		for (size_t i = 0; i < (size_t)pages[a] * WORDS; i++)
			if (a != A_POSIX)
				area[a][i] = i < 2 ? 0 : word(a, i);
	area[A_POSIX][0] = area[A_POSIX][1] = 0;
}

static int seals_ok(void)
{
	struct stat st;

	return fcntl(10, F_GET_SEALS) == (F_SEAL_SHRINK | F_SEAL_GROW) &&
		!fstat(10, &st) && st.st_size == pages[A_MEMFD] * PAGE;
}

static int posix_meta_ok(void)
{
	struct stat st;

	return !stat("/dev/shm/qr-posix", &st) && (st.st_mode & 07777) == 0640 &&
		st.st_uid == 1234 && st.st_gid == 2345 && st.st_size == POSIX_SIZE;
}

/* The unattached segment: its id, key and contents. */
static int loose_ok(void)
{
	struct shmid_ds ds;
	volatile uint64_t *p;
	int ok;

	if (shmctl(loose_id, IPC_STAT, &ds) || ds.shm_perm.__key != KEY_LOOSE ||
	    ds.shm_nattch || shmget(KEY_LOOSE, 0, 0) != loose_id)
		return 0;
	p = shmat(loose_id, NULL, SHM_RDONLY);
	if (p == (void *)-1)
		return 0;
	ok = 1;
	for (size_t i = 0; i < WORDS; i++)
		ok &= p[i] == word(NAREAS, i);
	shmdt((void *)p);
	return ok;
}

/* The memfd held by no fd keeps its name. */
static int mapped_named(void)
{
	char line[512], want[32];
	int found = 0;
	FILE *f = fopen("/proc/self/maps", "re");

	snprintf(want, sizeof(want), "%lx-", (unsigned long)area[A_MAPPED]);
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, want, strlen(want)) && strstr(line, " rw-s ") &&
		    strstr(line, "/memfd:qr-mapped (deleted)"))
			found = 1;
	if (f)
		fclose(f);
	return found;
}

static int shm_meta_ok(void)
{
	struct shmid_ds a, b;

	return !shmctl(shm_id, IPC_STAT, &a) && !shmctl(rmid_id, IPC_STAT, &b) &&
		a.shm_perm.__key == KEY_SHM && (a.shm_perm.mode & 0777) == 0640 &&
		a.shm_perm.mode & SHM_LOCKED && a.shm_perm.uid == 1234 &&
		a.shm_perm.gid == 2345 && a.shm_perm.cuid == 4321 &&
		a.shm_perm.cgid == 4322 && a.shm_nattch == 2 &&
		a.shm_segsz == (size_t)pages[A_SHM] * PAGE &&
		b.shm_perm.mode & SHM_DEST && b.shm_nattch == 2 &&
		shmget(KEY_SHM, 0, 0) == shm_id;
}

/* Every area's new word echoed by the child. The memfd's written and
 * read back through its fd; the unlinked file's read back through its fd
 * (the fd and the mappings one file). */
static int echoed(int a, uint64_t n)
{
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	int fd = a == A_MEMFD ? 10 : a == A_GONE ? 11 : -1;
	uint64_t got = 0;

	if (a == A_MEMFD && pwrite(fd, &n, 8, 0) != 8)
		return 0;
	if (a != A_MEMFD)
		area[a][0] = n;
	for (int t = 0; t < 300; t++, nanosleep(&nap, NULL))
		if (fd >= 0 ? pread(fd, &got, 8, 8) == 8 && got == n :
		    area[a][1] == n)
			return 1;
	return 0;
}

static int sem_ok(void)
{
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	struct sembuf post = { 1, 1, 0 };
	unsigned short v[3];
	int before;

	if (semctl(sem_id, 0, GETALL, v) || v[0] != 5 || v[1] != 0 ||
	    semget(KEY_SEM, 0, 0) != sem_id)
		return 0;
	before = v[2];
	if (semop(sem_id, &post, 1))
		return 0;
	for (int t = 0; t < 300; t++, nanosleep(&nap, NULL))
		if (semctl(sem_id, 2, GETVAL) == before + 1 &&
		    semctl(sem_id, 1, GETVAL) == 0)
			return before >= 7;
	return 0;
}

/* Received in order with their types, then sent again for the next hop;
 * type 2 asked for first comes before the others. */
static int msg_ok(void)
{
	struct { long type; char text[64]; } m;
	struct msqid_ds mq;
	size_t n = sizeof(msgs) / sizeof(msgs[0]);
	int ok = !msgctl(msg_id, IPC_STAT, &mq) && mq.msg_qnum == n &&
		mq.msg_qbytes == 4000 && msgget(KEY_MSG, 0) == msg_id &&
		msgrcv(msg_id, &m, sizeof(m.text), 2, IPC_NOWAIT) > 0 &&
		m.type == 2 && !strcmp(m.text, "two");

	for (size_t i = 0; i < n; i++) {
		if (msgs[i].type == 2)
			continue;
		if (msgrcv(msg_id, &m, sizeof(m.text), 0, IPC_NOWAIT) < 0 ||
		    m.type != msgs[i].type || strcmp(m.text, msgs[i].text))
			ok = 0;
	}
	for (size_t i = 0; i < n; i++) {
		m.type = msgs[i].type;
		strcpy(m.text, msgs[i].text);
		if (msgsnd(msg_id, &m, strlen(m.text) + 1, IPC_NOWAIT))
			ok = 0;
	}
	return ok;
}

static int undo_values(int a, int b)
{
	return semctl(undo_id, 0, GETVAL) == a && semctl(undo_id, 1, GETVAL) == b;
}

/* The holder: its SEM_UNDO operations stay recorded while it waits; 0
 * once they are done. */
static int start_holder(void)
{
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	struct sembuf ops[2] = { { 0, -3, SEM_UNDO }, { 1, 2, SEM_UNDO } };
	int a = semctl(undo_id, 0, GETVAL), b = semctl(undo_id, 1, GETVAL);

	holder = fork();
	if (holder < 0)
		die("fork holder");
	if (!holder) {
		/* Its inherited attaches would count in shm_meta_ok(). */
		if (shmdt((void *)area[A_SHM]) || shmdt((void *)area[A_RMID]) ||
		    semop(undo_id, ops, 2))
			_exit(1);
		while (getppid() != 1)
			nanosleep(&nap, NULL);
		_exit(0);
	}
	for (int t = 0; t < 500; t++, nanosleep(&nap, NULL))
		if (undo_values(a - 3, b + 2))
			return 0;
	return -1;
}

/* The holder's adjustments undone at its exit, and a new holder. */
static int undo_ok(void)
{
	int ok = undo_values(7, 2);

	if (kill(holder, SIGTERM) || waitpid(holder, NULL, 0) != holder)
		ok = 0;
	ok = ok && undo_values(10, 0);
	return !start_holder() && ok;
}

static void child_loop(void)
{
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	struct sembuf take = { 1, -1, IPC_NOWAIT }, give = { 2, 1, 0 };

	while (getppid() != 1) {
		for (int a = 0; a < NAREAS; a++)
			area[a][1] = area[a][0];
		if (!semop(sem_id, &take, 1))
			semop(sem_id, &give, 1);
		nanosleep(&nap, NULL);
	}
}

int main(int argc, char **argv)
{
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	char path[512];
	pid_t child;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: cr-ipc DIR\n");
		return 2;
	}
	setup();
	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		child_loop();
		return 0;
	}
	if (start_holder())
		die("holder");
	snprintf(path, sizeof(path), "%s/info", argv[1]);
	f = fopen(path, "w");
	if (!f || fprintf(f, "pid=%d child=%d\n", getpid(), child) < 0 || fclose(f))
		die(path);
	for (uint64_t n = 1;; nanosleep(&nap, NULL)) {
		int r[NAREAS], data;

		snprintf(path, sizeof(path), "%s/verify", argv[1]);
		if (access(path, F_OK))
			continue;
		data = data_ok();
		n++;
		for (int a = 0; a < NAREAS; a++)
			r[a] = echoed(a, n * 8 + a);
		snprintf(path, sizeof(path), "%s/result", argv[1]);
		f = fopen(path, "w");
		if (f) {
			fprintf(f, "pid=%d child=%d data=%d memfd=%d seals=%d mapped=%d posix=%d posix_meta=%d gone=%d private=%d shm=%d shm_meta=%d rmid=%d loose=%d sem=%d msg=%d undo=%d\n",
				getpid(), child, data, r[A_MEMFD], seals_ok(),
				r[A_MAPPED] && mapped_named(), r[A_POSIX],
				posix_meta_ok(), r[A_GONE], data, r[A_SHM],
				shm_meta_ok(), r[A_RMID], loose_ok(), sem_ok(),
				msg_ok(), undo_ok());
			fclose(f);
		}
		snprintf(path, sizeof(path), "%s/verify", argv[1]);
		unlink(path);
	}
}
