/* cr-mntns DIR [refuse]: a process in a mount namespace built by hand as
 * systemd builds redis-server.service's (PrivateTmp, PrivateDevices,
 * ProtectSystem, ReadOnlyDirectories=/, ReadWriteDirectories=DIR,
 * ProtectKernelTunables, ProtectKernelModules), with a child in the same
 * namespace, checking its own view after each restore. As root it
 * unshares a mount namespace and:
 *  - binds a directory /tmp/systemd-private-<id>-cr-mntns.service-Q/tmp
 *    (on init's /tmp, a tmpfs: emptied by the reboot) holding a file and
 *    a directory with a file, on /tmp;
 *  - mounts a tmpfs (mode=755,size=64k) with null, zero, full, random,
 *    urandom and tty nodes, the fd/stdin/stdout/stderr/ptmx links and
 *    empty pts, shm and mqueue directories, moved onto /dev;
 *  - binds /proc/sys and /sys read-only on themselves, binds an empty
 *    directory of mode 000 (/run/qr-inaccessible/dir, on a tmpfs) on
 *    /lib/modules, mounts a new proc (hidepid=invisible) on DIR/../mntns-proc;
 *  - binds DIR on itself, then makes /, /mnt/disk read-only (DIR stays
 *    writable), everything shared in peer groups of its own; init's
 *    mounts slave first, as systemd does, so /mnt/disk and DIR (shared
 *    in init's namespace: the scenario makes it so) are also slaves.
 * It records its view (/proc/self/mountinfo with mount ids, peer groups
 * and anonymous device numbers left out, the parent named by its mount
 * point, and the sizes each kernel gives init's filesystems), /tmp's and /dev's files, and writes DIR/info "pid=P child=C".
 * Each time DIR/verify appears it compares and writes DIR/result:
 * "pid=P view=1 tmp=1 dev=1 ro=1 rw=1 shared=1 ok=1" (DIR/diff holds a
 * view that differs); the child shows its namespace in DIR/child-ns.
 * With "refuse" it also mounts an mqueue (a filesystem init's namespace
 * does not mount) on DIR/../mntns-mq and holds /tmp/secret open (a file
 * only its namespace shows there): check must refuse both by name. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define PRIV "/tmp/systemd-private-5f1c0a9d6f2e4b1c8a5d3e2f1a0b9c8d-cr-mntns.service-Qr18"
#define VIEW_MAX 65536

static const char *dir;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void put(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd))
		die(path);
}

static void must(int rc, const char *what)
{
	if (rc)
		die(what);
}

/* /dev as PrivateDevices= makes it: nodes copied from init's /dev. */
static void private_dev(void)
{
	static const char *const nodes[] = { "null", "zero", "full", "random",
					     "urandom", "tty" };
	static const char *const links[][2] = {
		{ "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
		{ "ptmx", "pts/ptmx" },
	};
	const char *t = "/run/qr-dev";
	char path[256];

	mkdir(t, 0755);
	must(mount("tmpfs", t, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k"), "tmpfs dev");
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		struct stat st;

		snprintf(path, sizeof(path), "/dev/%s", nodes[i]);
		must(stat(path, &st), path);
		snprintf(path, sizeof(path), "%s/%s", t, nodes[i]);
		must(mknod(path, st.st_mode, st.st_rdev), path);
		must(chmod(path, st.st_mode & 07777), path);
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", t, links[i][0]);
		must(symlink(links[i][1], path), path);
	}
	snprintf(path, sizeof(path), "%s/pts", t);
	must(mkdir(path, 0755), path);
	snprintf(path, sizeof(path), "%s/shm", t);
	must(mkdir(path, 01777) || chmod(path, 01777), path);
	snprintf(path, sizeof(path), "%s/mqueue", t);
	must(mkdir(path, 0755), path);
	must(mount(t, "/dev", NULL, MS_MOVE, NULL), "move /dev");
}

static void bind_ro(const char *path)
{
	must(mount(path, path, NULL, MS_BIND, NULL), path);
	must(mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID |
		   MS_NODEV | MS_NOEXEC, NULL), path);
}

static void sandbox(bool refuse)
{
	char path[512], up[512];

	/* PrivateTmp's directory, on init's /tmp, before the namespace. */
	must(mkdir(PRIV, 0700) && errno != EEXIST, PRIV);
	must((mkdir(PRIV "/tmp", 01777) && errno != EEXIST) || chmod(PRIV "/tmp", 01777),
	     PRIV "/tmp");
	put(PRIV "/tmp/secret", "kept across the reboot\n", 0600);
	must(mkdir(PRIV "/tmp/sub", 0750) && errno != EEXIST, "sub");
	put(PRIV "/tmp/sub/file", "in a directory\n", 0640);
	must(chown(PRIV "/tmp/sub/file", 1000, 1000), "chown");
	put("/tmp/host-only", "init's /tmp\n", 0644);
	mkdir("/run/qr-inaccessible", 0755);
	must(mkdir("/run/qr-inaccessible/dir", 0) && errno != EEXIST, "inaccessible");

	must(unshare(CLONE_NEWNS), "unshare");
	/* As systemd: init's shared mounts (/mnt/disk here) send to the
	 * namespace, nothing goes back. */
	must(mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL), "slave");
	must(mount(PRIV "/tmp", "/tmp", NULL, MS_BIND, NULL), "bind /tmp");
	private_dev();
	bind_ro("/proc/sys");
	bind_ro("/sys");
	must(mount("/run/qr-inaccessible/dir", "/lib/modules", NULL, MS_BIND, NULL), "modules");
	must(mount(NULL, "/lib/modules", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY |
		   MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL), "modules ro");
	snprintf(up, sizeof(up), "%s/../mntns-proc", dir);
	must(mount("proc", up, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=invisible"), up);
	if (refuse) {
		snprintf(path, sizeof(path), "%s/../mntns-mq", dir);
		must(mount("mqueue", path, "mqueue", 0, NULL), path);
		/* Held open: restore, opening it by path in init's
		 * namespace, would find another file or none. */
		must(open("/tmp/secret", O_RDONLY) < 0, "/tmp/secret");
	}
	must(mount(dir, dir, NULL, MS_BIND, NULL), "bind dir");
	must(mount(NULL, "/mnt/disk", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), "disk ro");
	must(mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), "root ro");
	must(mount(NULL, "/", NULL, MS_REC | MS_SHARED, NULL), "shared");
}

/* The super block options without size= and nr_inodes=, which each
 * kernel derives from the RAM it had when it mounted them. */
static void unsized(char *rest)
{
	static const char *const keys[] = { ",size=", ",nr_inodes=" };

	for (size_t i = 0; i < 2; i++) {
		char *k = strstr(rest, keys[i]);

		if (k) {
			size_t n = 1 + strcspn(k + 1, ",\n");

			memmove(k, k + n, strlen(k + n) + 1);
		}
	}
}

/* mountinfo without ids: "PARENT_POINT ROOT POINT OPTS TAGS - TYPE SRC SUPER". */
static size_t view_mounts(char *out, size_t n)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], points[512][1024];
	unsigned ids[512];
	size_t k = 0, nm = 0;

	if (!f)
		die("mountinfo");
	while (fgets(line, sizeof(line), f) && nm < 512) {
		unsigned id, parent, maj, min;
		char root[1024], point[1024], opts[256], rest[2048], tags[512] = "";
		const char *parent_point = "-";
		char *dash;
		int used;

		if (sscanf(line, "%u %u %u:%u %1023s %1023s %255s %n", &id, &parent, &maj,
			   &min, root, point, opts, &used) != 7)
			die("mountinfo line");
		dash = strstr(line + used, "- ");
		if (!dash)
			die("mountinfo dash");
		snprintf(rest, sizeof(rest), "%s", dash + 2);
		for (char *s = line + used, *w; s < dash; s = w + 1) {
			w = strchr(s, ' ');
			if (!w || w > dash)
				break;
			*w = '\0';
			if (!strncmp(s, "shared:", 7))
				strcat(tags, " shared");
			else if (!strncmp(s, "master:", 7))
				strcat(tags, " master");
			else
				strcat(tags, " "), strcat(tags, s);
		}
		for (size_t i = 0; i < nm; i++)
			if (ids[i] == parent)
				parent_point = points[i];
		/* init's filesystems, as each kernel sized them; only the
		 * sandbox's own /dev has a size of its choosing. */
		if (strcmp(point, "/dev") || strncmp(rest, "tmpfs ", 6))
			unsized(rest);
		ids[nm] = id;
		snprintf(points[nm++], sizeof(points[0]), "%s", point);
		if (maj)
			k += snprintf(out + k, n - k, "%s %u:%u %s %s %s%s - %s", parent_point,
				      maj, min, root, point, opts, tags, rest);
		else
			k += snprintf(out + k, n - k, "%s 0:* %s %s %s%s - %s", parent_point,
				      root, point, opts, tags, rest);
		if (k >= n)
			die("view too long");
	}
	fclose(f);
	return k;
}

/* Every file below path: name, type, mode, owner, node, size, target. */
static size_t view_files(const char *path, char *out, size_t n)
{
	struct dirent **names;
	int count = scandir(path, &names, NULL, alphasort);
	size_t k = 0;

	if (count < 0)
		return (size_t)snprintf(out, n, "%s: %s\n", path, strerror(errno));
	for (int i = 0; i < count; i++) {
		char sub[1024], target[256] = "";
		struct stat st;

		if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, "..")) {
			snprintf(sub, sizeof(sub), "%s/%s", path, names[i]->d_name);
			if (lstat(sub, &st))
				die(sub);
			if (S_ISLNK(st.st_mode) && readlink(sub, target, sizeof(target) - 1) < 0)
				die(sub);
			k += snprintf(out + k, n - k, "%s 0%o %u:%u %u:%u %lld %s", sub,
				      st.st_mode, st.st_uid, st.st_gid, major(st.st_rdev),
				      minor(st.st_rdev), (long long)st.st_size, target);
			if (S_ISREG(st.st_mode) && st.st_size < 200) {
				int fd = open(sub, O_RDONLY | O_CLOEXEC);
				char data[200] = "";
				ssize_t r = fd < 0 ? -1 : read(fd, data, sizeof(data) - 1);

				if (fd >= 0)
					close(fd);
				k += snprintf(out + k, n - k, " [%s]", r < 0 ? strerror(errno) : data);
			}
			k += snprintf(out + k, n - k, "\n");
			if (S_ISDIR(st.st_mode) && k < n)
				k += view_files(sub, out + k, n - k);
		}
		free(names[i]);
	}
	free(names);
	return k;
}

/* A write fails with EROFS where the sandbox is read-only, and works in
 * DIR: "ro" and "rw". */
static int read_only_where_it_was(void)
{
	static const char *const ro[] = { "/usr/qr-mntns-probe", "/mnt/disk/qr-mntns-probe" };
	int ok = 1;

	for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		int fd = open(ro[i], O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

		if (fd >= 0 || errno != EROFS) {
			fprintf(stderr, "%s: %s, not EROFS\n", ro[i], fd >= 0 ? "made" : strerror(errno));
			ok = 0;
			if (fd >= 0)
				close(fd), unlink(ro[i]);
		}
	}
	{
		int fd = open("/proc/sys/kernel/hostname", O_WRONLY | O_CLOEXEC);

		if (fd >= 0 || errno != EROFS) {
			fprintf(stderr, "/proc/sys/kernel/hostname: %s, not EROFS\n",
				fd >= 0 ? "opened to write" : strerror(errno));
			ok = 0;
		}
		if (fd >= 0)
			close(fd);
	}
	return ok;
}

static int writable_dir(void)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/rw-probe", dir);
	put(path, "x", 0600);
	return !unlink(path);
}

static void ns_of(pid_t pid, char *out, size_t n)
{
	char path[64];
	ssize_t k;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
	k = readlink(path, out, n - 1);
	out[k < 0 ? 0 : k] = '\0';
}

int main(int argc, char **argv)
{
	static char mounts0[VIEW_MAX], tmp0[VIEW_MAX], dev0[VIEW_MAX];
	static char mounts[VIEW_MAX], tmp[VIEW_MAX], devv[VIEW_MAX];
	struct timespec nap = { 0, 50 * 1000 * 1000 };
	char path[512], mine[64], theirs[64], init[64];
	pid_t child;
	FILE *f;

	if (argc < 2) {
		fprintf(stderr, "usage: cr-mntns DIR [refuse]\n");
		return 2;
	}
	dir = argv[1];
	sandbox(argc > 2 && !strcmp(argv[2], "refuse"));
	view_mounts(mounts0, sizeof(mounts0));
	view_files("/tmp", tmp0, sizeof(tmp0));
	view_files("/dev", dev0, sizeof(dev0));
	if (!read_only_where_it_was() || !writable_dir())
		die("the sandbox is not as built");
	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		for (;; nanosleep(&nap, NULL)) {
			snprintf(path, sizeof(path), "%s/child-ns", dir);
			ns_of(getpid(), mine, sizeof(mine));
			if (access(path, F_OK))
				put(path, mine, 0644);
			if (getppid() == 1)
				return 0;
		}
	}
	snprintf(path, sizeof(path), "%s/view0", dir);
	put(path, mounts0, 0644);
	snprintf(path, sizeof(path), "%s/info", dir);
	f = fopen(path, "w");
	if (!f || fprintf(f, "pid=%d child=%d\n", getpid(), child) < 0 || fclose(f))
		die(path);
	for (;; nanosleep(&nap, NULL)) {
		int view, tmpok, devok, rook, rwok, shared, nodes = 0;

		snprintf(path, sizeof(path), "%s/verify", dir);
		if (access(path, F_OK))
			continue;
		view_mounts(mounts, sizeof(mounts));
		view_files("/tmp", tmp, sizeof(tmp));
		view_files("/dev", devv, sizeof(devv));
		view = !strcmp(mounts, mounts0);
		tmpok = !strcmp(tmp, tmp0) && access("/tmp/host-only", F_OK);
		devok = !strcmp(devv, dev0);
		for (char *s = devv; (s = strchr(s, '\n')); s++)
			nodes++;
		rook = read_only_where_it_was();
		rwok = writable_dir();
		ns_of(getpid(), mine, sizeof(mine));
		ns_of(child, theirs, sizeof(theirs));
		ns_of(1, init, sizeof(init));
		shared = !strcmp(mine, theirs) && strcmp(mine, init) && *mine;
		snprintf(path, sizeof(path), "%s/diff", dir);
		f = fopen(path, "w");
		if (f) {
			fprintf(f, "== mounts then\n%s== now\n%s== tmp then\n%s== now\n%s== dev then\n%s== now\n%s== ns %s child %s init %s\n",
				mounts0, mounts, tmp0, tmp, dev0, devv, mine, theirs, init);
			fclose(f);
		}
		snprintf(path, sizeof(path), "%s/result", dir);
		f = fopen(path, "w");
		if (f) {
			fprintf(f, "pid=%d view=%d tmp=%d dev=%d devfiles=%d ro=%d rw=%d shared=%d ok=%d\n",
				getpid(), view, tmpok, devok, nodes, rook, rwok, shared,
				view && tmpok && devok && rook && rwok && shared);
			fclose(f);
		}
		snprintf(path, sizeof(path), "%s/verify", dir);
		unlink(path);
	}
}
