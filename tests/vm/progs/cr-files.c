/*
 * cr-files DIR: files on a disk for checkpoint/restore scenarios, from a
 * chroot. It creates in DIR data.bin and shared.bin (16 pages each) and
 * input.txt (records "%020llu\n", 1 to 100000), maps data.bin
 * MAP_PRIVATE and writes its own values into pages 1, 5 and 9, maps
 * shared.bin MAP_SHARED and writes generation 1 into every page, opens
 * input.txt for reading, output.txt for writing, journal.txt with
 * O_APPEND and DIR itself (O_DIRECTORY), then chroots into DIR and works
 * in /sub. Every 20 ms it reads the next record of input.txt, checks it
 * follows the previous one and writes it to output.txt and journal.txt.
 * DIR/info holds "pid=P" once set up (written before the chroot).
 * When DIR/verify appears it writes DIR/result:
 *   "pid=P rounds=N seq_bad=0 own=1 file=1 data=1 follows=1 shared=G
 *    shared_file=1 append=1 dirfd=1 root=1 cwd=1"
 * (own: the private pages it wrote hold its values; file: the others
 * equal data.bin; data: data.bin is as created; follows: a word written
 * to data.bin with pwrite shows in a private page it did not write and
 * not in one it wrote (then data.bin is set back); shared: the generation
 * the shared mapping held, all pages alike (0 if not); shared_file: after
 * writing generation G+1 and msync, shared.bin read with pread shows it; append: journal.txt's fd still has O_APPEND;
 * dirfd: the directory fd finds input.txt; root and cwd: / is DIR and the
 * working directory is /sub; ofd: ofd.txt's fd, dup'ed and shared with a
 * child forked before the chroot, is one open file in all three, by
 * kcmp(2) and by the offset a write moves), and removes DIR/verify.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PAGES 16
#define PAGE 4096
#define WORDS (PAGE / 8)
#define RECORDS 100000

static const int own_pages[] = { 1, 5, 9 };

static uint64_t data_word(int p, int i)
{
	return 0x4441544100000000ull ^ ((uint64_t)p << 16) ^ (uint64_t)i;
}

static uint64_t own_word(int p, int i)
{
	return 0x4f574e0000000000ull ^ ((uint64_t)p << 16) ^ (uint64_t)i;
}

static uint64_t shared_word(uint64_t gen, int p, int i)
{
	return (gen << 40) ^ ((uint64_t)p << 16) ^ (uint64_t)i;
}

static int is_own(int p)
{
	for (size_t k = 0; k < sizeof(own_pages) / sizeof(own_pages[0]); k++)
		if (own_pages[k] == p)
			return 1;
	return 0;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int create(const char *dir, const char *name, int flags)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, flags | O_CREAT, 0644);
	if (fd < 0)
		die(path);
	return fd;
}

static void write_all(int fd, const void *buf, size_t len)
{
	if (write(fd, buf, len) != (ssize_t)len)
		die("write");
}

/* ofd and its dup, and the child's ofd: one open file description. */
static int one_ofd(int ofd, int dup_fd, pid_t child)
{
	off_t at;

	write_all(ofd, "x", 1);
	at = lseek(ofd, 0, SEEK_CUR);
	return at > 0 && lseek(dup_fd, 0, SEEK_CUR) == at &&
		syscall(SYS_kcmp, getpid(), getpid(), 0, ofd, dup_fd) == 0 &&
		syscall(SYS_kcmp, getpid(), child, 0, ofd, ofd) == 0;
}

static void *map_file(int fd, int flags)
{
	void *p = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, flags, fd, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

/* The shared mapping holds generation gen in every page. */
static int shared_is(const uint64_t *m, uint64_t gen)
{
	for (int p = 0; p < PAGES; p++)
		for (int i = 0; i < WORDS; i++)
			if (m[p * WORDS + i] != shared_word(gen, p, i))
				return 0;
	return 1;
}

static void shared_set(uint64_t *m, uint64_t gen)
{
	for (int p = 0; p < PAGES; p++)
		for (int i = 0; i < WORDS; i++)
			m[p * WORDS + i] = shared_word(gen, p, i);
}

/* Whether a word written to the file at page p shows in the private
 * mapping (it must for a page the process never wrote, must not for one
 * it did); the file is set back after. */
static int changes_show(int fd, const uint64_t *priv, int p, int was_file)
{
	uint64_t before = data_word(p, 0), probe = ~before;
	int shows;

	if (pwrite(fd, &probe, 8, (off_t)p * PAGE) != 8)
		return !was_file;
	shows = priv[p * WORDS] == probe;
	if (pwrite(fd, &before, 8, (off_t)p * PAGE) != 8)
		return !was_file;
	return shows;
}

int main(int argc, char **argv)
{
	uint64_t *priv, *shared, page[WORDS], gen = 1, expect = 1, rounds = 0,
		 seq_bad = 0;
	int data_fd, shared_fd, in, out, journal, dirfd, fd, ofd, ofd_dup;
	pid_t child;
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	char rec[32], buf[4096];
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: cr-files DIR\n");
		return 2;
	}
	data_fd = create(argv[1], "data.bin", O_RDWR | O_TRUNC);
	for (int p = 0; p < PAGES; p++) {
		for (int i = 0; i < WORDS; i++)
			page[i] = data_word(p, i);
		write_all(data_fd, page, sizeof(page));
	}
	priv = map_file(data_fd, MAP_PRIVATE);
	for (size_t k = 0; k < sizeof(own_pages) / sizeof(own_pages[0]); k++)
		for (int i = 0; i < WORDS; i++)
			priv[own_pages[k] * WORDS + i] = own_word(own_pages[k], i);
	shared_fd = create(argv[1], "shared.bin", O_RDWR | O_TRUNC);
	if (ftruncate(shared_fd, PAGES * PAGE))
		die("ftruncate");
	shared = map_file(shared_fd, MAP_SHARED);
	shared_set(shared, gen);
	fd = create(argv[1], "input.txt", O_WRONLY | O_TRUNC);
	f = fdopen(fd, "w");
	for (int r = 1; f && r <= RECORDS; r++)
		fprintf(f, "%020d\n", r);
	if (!f || fclose(f))
		die("input.txt");
	snprintf(buf, sizeof(buf), "%s/input.txt", argv[1]);
	in = open(buf, O_RDONLY);
	out = create(argv[1], "output.txt", O_WRONLY | O_TRUNC);
	journal = create(argv[1], "journal.txt", O_WRONLY | O_TRUNC | O_APPEND);
	dirfd = open(argv[1], O_RDONLY | O_DIRECTORY);
	snprintf(buf, sizeof(buf), "%s/sub", argv[1]);
	if (in < 0 || dirfd < 0 || (mkdir(buf, 0755) && access(buf, F_OK)))
		die("open");
	ofd = create(argv[1], "ofd.txt", O_RDWR | O_TRUNC);
	ofd_dup = dup(ofd);
	child = fork();
	if (ofd_dup < 0 || child < 0)
		die("dup or fork");
	/* The child ends with its parent, letting go of the disk. */
	while (!child && getppid() != 1)
		nanosleep(&nap, NULL);
	if (!child)
		return 0;
	fd = create(argv[1], "info", O_WRONLY | O_TRUNC);
	snprintf(buf, sizeof(buf), "pid=%d\n", getpid());
	write_all(fd, buf, strlen(buf));
	close(fd);
	if (chroot(argv[1]) || chdir("/sub"))
		die("chroot");
	for (;;) {
		if (read(in, rec, 21) == 21) {
			rec[20] = '\0';
			if (strtoull(rec, NULL, 10) != expect)
				seq_bad++;
			expect = strtoull(rec, NULL, 10) + 1;
			rec[20] = '\n';
			write_all(out, rec, 21);
			write_all(journal, rec, 21);
			rounds++;
		}
		if (!access("/verify", F_OK)) {
			int own = 1, file = 1, data = 1, shared_ok, shared_file = 1,
			    cwd, follows;
			struct stat st;

			for (int p = 0; p < PAGES; p++) {
				if (pread(data_fd, page, sizeof(page), (off_t)p * PAGE) != PAGE)
					data = file = 0;
				for (int i = 0; i < WORDS; i++) {
					uint64_t v = priv[p * WORDS + i];

					if (page[i] != data_word(p, i))
						data = 0;
					if (is_own(p) ? v != own_word(p, i) : v != page[i])
						is_own(p) ? (own = 0) : (file = 0);
				}
			}
			follows = changes_show(data_fd, priv, 3, 1) &&
				!changes_show(data_fd, priv, 5, 0);
			shared_ok = shared_is(shared, gen);
			gen++;
			shared_set(shared, gen);
			if (msync(shared, PAGES * PAGE, MS_SYNC))
				shared_file = 0;
			for (int p = 0; p < PAGES; p++) {
				if (pread(shared_fd, page, sizeof(page), (off_t)p * PAGE) != PAGE)
					shared_file = 0;
				for (int i = 0; i < WORDS; i++)
					if (page[i] != shared_word(gen, p, i))
						shared_file = 0;
			}
			cwd = getcwd(buf, sizeof(buf)) && !strcmp(buf, "/sub");
			f = fopen("/result", "w");
			if (f) {
				fprintf(f, "pid=%d rounds=%llu seq_bad=%llu own=%d file=%d data=%d follows=%d shared=%llu shared_file=%d append=%d dirfd=%d root=%d cwd=%d ofd=%d\n",
					getpid(), (unsigned long long)rounds,
					(unsigned long long)seq_bad, own, file, data,
					follows,
					shared_ok ? (unsigned long long)gen - 1 : 0ull,
					shared_file,
					!!(fcntl(journal, F_GETFL) & O_APPEND),
					!fstatat(dirfd, "input.txt", &st, 0),
					!access("/input.txt", F_OK) && !access("/info", F_OK),
					cwd, one_ofd(ofd, ofd_dup, child));
				fclose(f);
			}
			unlink("/verify");
		}
		nanosleep(&nap, NULL);
	}
}
