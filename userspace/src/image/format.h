/*
 * The checkpoint image on disk (a file in the shelter): everything about the
 * checkpointed processes except page contents, in terms that no kernel
 * version changes (user ABI values only), so that a New kernel of another
 * version reads it. All integers little-endian.
 *
 *   header (64 bytes) | record | record | ...
 *   record: struct qri_record (16 bytes), payload, zero padding to 8 bytes
 *
 * Extending: a new record type is a new number; a reader refuses a type it
 * does not know unless the record is flagged QRI_REC_OPTIONAL. A record's
 * fixed part may grow at its end: readers take the fields they know and
 * skip the rest (the fixed part's size is stored in each record).
 */
#ifndef QR_IMAGE_FORMAT_H
#define QR_IMAGE_FORMAT_H

#include <stdint.h>

#define QRI_MAGIC "QRIMAGE\0"
#define QRI_VERSION 2
#define QRI_ALIGN 8
/* Bounds that keep a hostile image from asking for absurd allocations. */
#define QRI_MAX_SIZE (1ull << 30)
#define QRI_MAX_PATH 4096
#define QRI_MAX_BLOB 65536
/* A file's kind data: a pipe's or a socket's queue fits. */
#define QRI_MAX_FILE_DATA (64u << 20)
#define QRI_PID_MAX 4194304	/* the kernel's PID_MAX_LIMIT on 64-bit */

struct qri_header {
	char magic[8];
	uint32_t version;
	uint32_t header_size;	/* sizeof(struct qri_header) */
	uint64_t total_size;	/* header + records: the file's size */
	uint32_t record_count;
	uint32_t flags;		/* none defined: must be 0 */
	uint32_t body_crc32;	/* of the bytes after the header */
	uint32_t header_crc32;	/* of the header with this field 0 */
	char origin[24];	/* uname -r of the Old kernel (information) */
};

struct qri_record {
	uint16_t type;
	uint16_t flags;
	uint32_t fixed_size;	/* the fixed part of the payload */
	uint64_t length;	/* the whole payload: fixed part + tail */
};

#define QRI_REC_OPTIONAL 0x1

enum qri_type {
	QRI_PROCESS = 1,
	QRI_THREAD = 2,
	QRI_VMA = 3,
	QRI_FD = 4,
	QRI_MM = 5,
	QRI_SIGNALS = 6,
	QRI_RLIMITS = 7,
	QRI_THREAD_SIGNALS = 8,
	QRI_PAGE_RUNS = 9,
	QRI_THREAD_RESTART = 16,
	QRI_ZOMBIE = 17,
	QRI_VMA_OWN = 18,
	QRI_CLOCKS = 19,
	QRI_PAGES_SEAL = 20,
	QRI_CREDS = 21,
	QRI_PROC_ATTRS = 22,
	QRI_THREAD_SCHED = 23,
	QRI_PROOF = 24,
	QRI_FILE = 25,
	QRI_SYSV_SHM = 26,
	QRI_SYSV_SEM = 27,
	QRI_SYSV_MSG = 28,
	QRI_TIMERS = 34,
	QRI_SEM_UNDO = 37,
	QRI_SYSV_USERS = 38,
	QRI_MOUNT = 41,
	QRI_MOUNT_ENTRY = 42,
	QRI_PROC_MNTNS = 43,
	QRI_SECCOMP_FILTER = 44,
	QRI_THREAD_SECCOMP = 45,
	QRI_RUN_MOUNT = 46,
	QRI_RUN_ENTRY = 47,
	QRI_VMA_INHERIT = 50,
};

/* QRI_PROCESS; tail: cwd (cwd_len bytes), then root (root_len bytes). */
struct qri_process {
	uint32_t pid, ppid, pgid, sid;
	uint32_t uid[4];	/* real, effective, saved, fs */
	uint32_t gid[4];
	uint32_t umask;
	uint32_t personality;
	char comm[16];		/* NUL padded */
	uint32_t cwd_len;
	uint32_t root_len;
	/* The working directory's, which restore makes again if it was
	 * deleted. */
	uint32_t cwd_mode, cwd_uid, cwd_gid, pad;
};

/* QRI_THREAD; tail: regs (regs_len bytes, struct user_regs_struct as
 * PTRACE_GETREGSET NT_PRSTATUS gives it), then xstate (xstate_len bytes,
 * NT_X86_XSTATE). */
struct qri_thread {
	uint32_t pid, tid;
	uint64_t sigmask;
	uint64_t sigaltstack_sp, sigaltstack_size;
	uint32_t sigaltstack_flags;
	uint32_t regs_len;
	uint32_t xstate_len;
	uint32_t pad;
	uint64_t clear_child_tid, robust_list, robust_list_len;
	/* Appended: the rseq registration (PTRACE_GET_RSEQ_CONFIGURATION);
	 * rseq_ptr 0 when none. */
	uint64_t rseq_ptr;
	uint32_t rseq_len, rseq_sig;
};

/* QRI_VMA; tail: the mapped file's path (path_len bytes, 0 if none). */
struct qri_vma {
	uint32_t pid;
	uint32_t prot;		/* PROT_* */
	uint32_t flags;		/* QRI_VMA_* */
	uint32_t path_len;
	uint64_t start, end;	/* page aligned, start < end */
	uint64_t pgoff;		/* file offset in pages */
	uint64_t pages_offset;	/* copy mode: where the contents start in the
				 * pages file; QRI_NO_PAGES when none saved */
	/* Appended: what madvise(2) and mlock(2) set on the area, as
	 * /proc/PID/smaps VmFlags shows it (QRI_ADV_*); a reader that does
	 * not know the field leaves the kernel's defaults. */
	uint32_t advice;
	uint32_t pad;
	uint64_t shm_size;	/* QRI_VMA_SHMEM: its object's size */
	/* Appended: a named QRI_VMA_SHMEM object, whose path is the area's
	 * (a memfd's "/memfd:NAME (deleted)", a tmpfs file's "/dev/shm/NAME",
	 * " (deleted)" once unlinked): made again as that file. shm_object
	 * is what QRI_FILE.object says of an fd of the same file, which
	 * restore then opens on it: 0 for anonymous memory. */
	uint64_t shm_object;
	uint64_t shm_bytes;	/* the file's size, <= shm_size */
	uint32_t shm_mode;	/* permission bits */
	uint32_t shm_uid, shm_gid;
	uint32_t shm_seals;	/* a memfd's F_SEAL_*; else 0 */
};

#define QRI_ADV_SEQUENTIAL	0x001	/* sr: MADV_SEQUENTIAL */
#define QRI_ADV_RANDOM		0x002	/* rr: MADV_RANDOM */
#define QRI_ADV_DONTFORK	0x004	/* dc: MADV_DONTFORK */
#define QRI_ADV_WIPEONFORK	0x008	/* wf: MADV_WIPEONFORK */
#define QRI_ADV_DONTDUMP	0x010	/* dd: MADV_DONTDUMP */
#define QRI_ADV_HUGEPAGE	0x020	/* hg: MADV_HUGEPAGE */
#define QRI_ADV_NOHUGEPAGE	0x040	/* nh: MADV_NOHUGEPAGE */
#define QRI_ADV_MERGEABLE	0x080	/* mg: MADV_MERGEABLE */
#define QRI_ADV_LOCKED		0x100	/* lo: mlock */
#define QRI_ADV_LOCKONFAULT	0x200	/* lf: mlock2(MLOCK_ONFAULT), with lo */
#define QRI_ADV_KNOWN		0x3ff

#define QRI_NO_PAGES UINT64_MAX
#define QRI_VMA_SHARED	0x01
#define QRI_VMA_ANON	0x02
#define QRI_VMA_STACK	0x04
#define QRI_VMA_HEAP	0x08
#define QRI_VMA_VDSO	0x10
#define QRI_VMA_VVAR	0x20
/* Shared anonymous memory (MAP_SHARED | MAP_ANONYMOUS, or of /dev/zero):
 * its whole object is saved once at pages_offset (shm_size bytes) for
 * every area of every process that maps it, and made once at restore. */
#define QRI_VMA_SHMEM	0x40
/* An attach of a System V segment (with QRI_VMA_SHARED): shm_object is
 * its QRI_SYSV_SHM id; the area at pgoff 0 attaches the whole segment
 * again (shmat), those after it are the rest of that attach. */
#define QRI_VMA_SYSV	0x80
#define QRI_VMA_KNOWN	0xff

/* QRI_FILE: one open file description of the kept processes. Restore
 * makes it once and every fd that named it (after dup, fork, SCM_RIGHTS)
 * gets it again, across processes too: one offset, one set of flags.
 * Before the QRI_FD records that name it. Tail: path (path_len bytes: the
 * /proc/PID/fd link), then the kind's own data (data_len bytes, laid out
 * by the kind, at most QRI_MAX_FILE_DATA). */
struct qri_file {
	uint32_t id;		/* 1.., unique in the image */
	uint32_t kind;		/* enum qri_fd_kind */
	uint32_t open_flags;	/* O_* as fcntl(F_GETFL) gives them */
	uint32_t path_len;
	uint64_t pos;
	uint64_t object;	/* what several files share (a pipe's inode) */
	uint32_t data_len;
	uint32_t pad;
	/* Signal-driven I/O (fcntl(2) F_SETOWN_EX, F_SETSIG), appended:
	 * older images read it as none. */
	uint32_t owner_type;	/* F_OWNER_TID, F_OWNER_PID or F_OWNER_PGRP */
	uint32_t owner;		/* the thread, process or group; 0: none */
	uint32_t signal;	/* F_SETSIG: 0 (SIGIO), or the signal */
	uint32_t pad2;
};

/* System V IPC objects of the kept processes' IPC namespace (init's:
 * check refuses another), before any process record: restore makes each
 * again with its id (/proc/sys/kernel/{shm,sem,msg}_next_id) and key,
 * created as cuid/cgid, then owned by uid/gid with its mode.
 *
 * QRI_SYSV_SHM: a shared memory segment; its contents in the pages file
 * at pages_offset (size rounded up to pages). */
struct qri_sysv_shm {
	int32_t key;		/* IPC_PRIVATE: 0 */
	uint32_t id;		/* below 2^31 */
	uint32_t mode;		/* 0777 bits, QRI_SHM_DEST, QRI_SHM_LOCKED */
	uint32_t uid, gid, cuid, cgid;
	uint32_t pad;
	uint64_t size;		/* bytes, > 0 */
	uint64_t pages_offset;
};

/* Marked for removal (IPC_RMID) while attached: made with key, removed
 * once made (its attaches keep it); key: what its map name says. */
#define QRI_SHM_DEST 01000
#define QRI_SHM_LOCKED 02000	/* SHM_LOCK */

/* QRI_SYSV_SEM: a semaphore set; tail: nsems uint32_t values (semval,
 * at most QRI_SEM_VMAX). Each process's SEM_UNDO adjustments are its
 * QRI_SEM_UNDO record. */
struct qri_sysv_sem {
	int32_t key;
	uint32_t id;
	uint32_t mode;		/* 0777 bits */
	uint32_t uid, gid, cuid, cgid;
	uint32_t nsems;		/* 1..QRI_SEM_MAX */
};

#define QRI_SEM_MAX 32000	/* the kernel's SEMMSL_FAST bound: SEMMSL max */
#define QRI_SEM_VMAX 32767	/* SEMVMX */

/* QRI_SYSV_MSG: a message queue; tail: nmsgs messages, oldest first, each
 * a struct qri_sysv_msg_item and its text (len bytes) zero padded to 8. */
struct qri_sysv_msg {
	int32_t key;
	uint32_t id;
	uint32_t mode;		/* 0777 bits */
	uint32_t uid, gid, cuid, cgid;
	uint32_t nmsgs;		/* at most QRI_MSG_MAX */
	uint64_t qbytes;	/* msg_qbytes: the queue's capacity */
};

struct qri_sysv_msg_item {
	int64_t type;		/* > 0 */
	uint64_t len;		/* at most QRI_MSG_LEN */
};

/* QRI_SEM_UNDO: a process's SEM_UNDO adjustments (what the kernel adds
 * to each semaphore when the process exits; pfncheck reads them), at
 * most one record per process. Tail: count struct qri_sem_adj, non-zero,
 * in increasing (semid, semnum) order, each of a set of the image. */
struct qri_sem_undo {
	uint32_t pid;
	uint32_t count;		/* 1..QRI_SEM_UNDO_MAX */
};

struct qri_sem_adj {
	uint32_t semid;
	uint16_t semnum;	/* below the set's nsems */
	int16_t adj;		/* non-zero, within +-QRI_SEM_VMAX */
};

#define QRI_SEM_UNDO_MAX 65536

/* QRI_SYSV_USERS: the kept processes known to use a System V object of
 * the image (after its record, before the processes): a segment's
 * creator and last attacher or detacher, a set's last operator on each
 * semaphore, a queue's last sender and receiver. Processes that attach
 * a segment, or hold adjustments on a set, use it too. One that cannot
 * be made fails those processes, not the others. Tail: count uint32_t
 * pids. */
struct qri_sysv_users {
	uint32_t kind;		/* QRI_SYSV_KIND_* */
	uint32_t id;
	uint32_t count;		/* 1..QRI_SYSV_USERS_MAX */
	uint32_t pad;
};

#define QRI_SYSV_KIND_SHM 1
#define QRI_SYSV_KIND_SEM 2
#define QRI_SYSV_KIND_MSG 3
#define QRI_SYSV_USERS_MAX 65536

#define QRI_MSG_MAX 65536
#define QRI_MSG_LEN (1u << 20)
#define QRI_IPC_ID_MAX 0x7fffffffu

/* QRI_MOUNT: one mount of a kept mount namespace (checkpoint/mntns.c),
 * before the first process; a namespace's mounts in the order its
 * mountinfo lists them, its root first, each after its parent. Restore
 * rebuilds them in a new namespace (restore/mntns.c). Tail: root (the
 * directory of its filesystem mounted), point (relative to the
 * namespace's root), fstype, source, super (the super block's options),
 * host (BIND, DIR: the path in init's namespace bound from), each its
 * *_len bytes, no NUL. */
struct qri_mount {
	uint64_t ns;		/* the namespace's inode at the checkpoint */
	uint32_t id, parent;	/* mountinfo's ids; the root's parent is not
				 * one of the namespace's */
	uint32_t how;		/* QRI_MNT_BIND ... */
	uint32_t flags;		/* QRI_MNT_RDONLY ... (per mount) */
	uint32_t propagation;	/* QRI_MNT_SHARED | QRI_MNT_SLAVE | ... */
	uint32_t pad;
	uint16_t root_len, point_len, fstype_len, source_len, super_len,
		 host_len;
	uint32_t pad2;
};

#define QRI_MNT_BIND 1		/* a bind of host, a filesystem kept as is */
#define QRI_MNT_PROC 2		/* a new proc of the same PID namespace */
#define QRI_MNT_TMPFS 3		/* a new tmpfs, filled from QRI_MOUNT_ENTRY */
#define QRI_MNT_DIR 4		/* a bind of host on a tmpfs (emptied by the
				 * reboot): made and filled if missing */
#define QRI_MNT_HOW_MAX 4

#define QRI_MNT_RDONLY		0x01
#define QRI_MNT_NOSUID		0x02
#define QRI_MNT_NODEV		0x04
#define QRI_MNT_NOEXEC		0x08
#define QRI_MNT_NOATIME		0x10
#define QRI_MNT_NODIRATIME	0x20
#define QRI_MNT_RELATIME	0x40
#define QRI_MNT_NOSYMFOLLOW	0x80
#define QRI_MNT_FLAGS_KNOWN	0xff

#define QRI_MNT_SHARED		0x1	/* a peer group of its own */
#define QRI_MNT_SLAVE		0x2	/* receives from its source's in init's */
#define QRI_MNT_UNBINDABLE	0x4
#define QRI_MNT_PROP_KNOWN	0x7

/* QRI_MOUNT_ENTRY: a file of a TMPFS or DIR mount, after its QRI_MOUNT,
 * parents before children, the mount's root first (path_len 0). Tail:
 * path (relative to the mount's root, no "." or ".." or empty part),
 * then size bytes: a regular file's contents or a link's target. */
struct qri_mount_entry {
	uint64_t ns;
	uint32_t mount;		/* its QRI_MOUNT's id */
	uint32_t mode;		/* type and permission bits */
	uint32_t uid, gid;
	uint64_t rdev;		/* character and block devices */
	uint64_t size;
	uint32_t path_len;
	uint32_t pad;
};

#define QRI_MNT_ENTRIES_MAX 4096	/* per mount */
#define QRI_MNT_DATA_MAX (4u << 20)	/* per mount, contents and targets */

/* QRI_PROC_MNTNS: the process is in the image's mount namespace ns
 * (QRI_MOUNT records), not init's. After its process record. */
struct qri_proc_mntns {
	uint32_t pid;
	uint32_t pad;
	uint64_t ns;
};

/* QRI_SECCOMP_FILTER: one seccomp filter of a process (classic BPF, as
 * PTRACE_SECCOMP_GET_FILTER gives it), after its process record. A
 * process's filters are numbered from 0 in record order; each names the
 * filter installed before it in its chain (prev), so that the filters of
 * all its threads form the tree the kernel has, a chain shared by threads
 * written once. Tail: ninsns struct sock_filter (8 bytes each: u16 code,
 * u8 jt, u8 jf, u32 k), 1..QRI_MAX_BPF_INSNS of them. Never
 * QRI_REC_OPTIONAL: a reader that ignored it would bring the process back
 * with fewer filters, that is more privilege. */
struct qri_seccomp_filter {
	uint32_t pid;
	uint32_t id;		/* the process's next number */
	uint32_t prev;		/* a lower id, or QRI_SECCOMP_NONE: the first */
	uint32_t flags;		/* QRI_SECCOMP_LOG */
	uint32_t ninsns;
	uint32_t pad;
};

#define QRI_SECCOMP_NONE UINT32_MAX
#define QRI_SECCOMP_LOG 0x2	/* SECCOMP_FILTER_FLAG_LOG */
#define QRI_MAX_BPF_INSNS 4096	/* the kernel's BPF_MAXINSNS */
/* The kernel's MAX_INSNS_PER_PATH: a chain's instructions, counting 4
 * more for each filter, never exceed it. */
#define QRI_MAX_SECCOMP_PATH 32768
#define QRI_MAX_SECCOMP_FILTERS 4096	/* of one process, in the image */

/* QRI_THREAD_SECCOMP: the thread runs under filter top (a
 * QRI_SECCOMP_FILTER id of its process) and every filter before it.
 * After its thread record and that filter; at most one per thread; a
 * thread without one has no filter. */
struct qri_thread_seccomp {
	uint32_t pid, tid;
	uint32_t top;
	uint32_t pad;
};

/* QRI_RUN_MOUNT: a tmpfs of init's mounted at /run or below it, which
 * the reboot empties, with files of the kept units or processes to make
 * again there before any process (checkpoint/runfiles.c). Before the
 * first process; tail: its mount point (point_len bytes, absolute). */
struct qri_run_mount {
	uint32_t id;
	uint32_t point_len;
};

/* QRI_RUN_ENTRY: a file of the last QRI_RUN_MOUNT, as a QRI_MOUNT_ENTRY
 * (parents before children, the mount's root first, path relative to
 * its point); flags QRI_RUN_ABOVE: a directory above what is carried,
 * made if missing and left as it is otherwise (the mount's root always).
 * Tail: path, then size bytes (contents or a link's target). */
struct qri_run_entry {
	uint32_t mount;		/* its QRI_RUN_MOUNT's id */
	uint32_t mode;
	uint32_t uid, gid;
	uint64_t rdev;
	uint64_t size;
	uint32_t path_len;
	uint32_t flags;
};

#define QRI_RUN_ABOVE 0x1
#define QRI_RUN_FLAGS_KNOWN 0x1
#define QRI_RUN_MOUNTS_MAX 64
#define QRI_RUN_ENTRIES_MAX 16384	/* per mount */
#define QRI_RUN_DATA_MAX (16u << 20)	/* per mount */

/* QRI_FD: an fd of a process, and the file it names; after its process
 * and its file. */
struct qri_fd {
	uint32_t pid;
	uint32_t fd;
	uint32_t file;		/* a QRI_FILE id */
	uint32_t fd_flags;	/* FD_CLOEXEC */
};

enum qri_fd_kind {
	QRI_FD_FILE = 1,
	QRI_FD_DIR = 2,
	QRI_FD_CHARDEV = 3,	/* /dev/null, /dev/zero, /dev/urandom, console */
	QRI_FD_SYMLINK = 4,	/* a symbolic link itself (O_PATH) */
	QRI_FD_PIPE = 5,	/* "pipe:[INO]"; data: fds/pipe_rec.h */
	QRI_FD_FIFO = 6,	/* a FIFO on disk; data: fds/pipe_rec.h */
	QRI_FD_UNIX = 7,	/* a UNIX socket (fds/unix.h) */
	/* The event kinds: their data in fds/event.h. */
	QRI_FD_EVENTFD = 8,
	QRI_FD_TIMERFD = 9,
	QRI_FD_SIGNALFD = 10,
	QRI_FD_EPOLL = 11,
	QRI_FD_INOTIFY = 12,	/* data: struct qri_inotify_watch, path... */
	QRI_FD_GHOST = 13,	/* a regular file deleted while open */
	QRI_FD_MEMFD = 14,	/* memfd_create(2) */
	QRI_FD_TCP = 15,	/* TCP, IPv4 or IPv6 (fds/inet.h) */
	QRI_FD_UDP = 16,	/* UDP, IPv4 or IPv6 (fds/inet.h) */
	QRI_FD_PTMX = 17,	/* a pty master (/dev/ptmx); data: fds/pty.h */
	QRI_FD_PTS = 18,	/* a pty slave (/dev/pts/N); data: fds/pty.h */
	QRI_FD_JOURNAL = 19,	/* a journald stream (fds/journal.h) */
};

/* The data of a QRI_FD_FILE or QRI_FD_DIR file: none, or this head, its
 * nlocks locks held on the file that restore takes again (fds/locks.h),
 * then for a file on a tmpfs its contents (fds/contents.h). A POSIX lock
 * is its owner process's and is listed in the data of every open file of
 * the inode: the owner takes it on whichever of its fds allows it. */
struct qri_locks_head {
	uint32_t nlocks;
	uint32_t pad;
};

struct qri_lock {
	uint32_t kind;		/* QRI_LOCK_* */
	uint32_t write;		/* 1: WRITE (exclusive), 0: READ (shared) */
	uint32_t pid;		/* POSIX: the owner; FLOCK, LEASE: the process
				 * that took it; OFD: 0 */
	uint32_t pad;
	uint64_t start, end;	/* bytes, end included; FLOCK, LEASE: 0, QRI_LOCK_EOF */
};

#define QRI_LOCK_POSIX 1	/* fcntl F_SETLK: the process's */
#define QRI_LOCK_OFD 2		/* F_OFD_SETLK: the open file description's */
#define QRI_LOCK_FLOCK 3	/* flock(2): the open file description's */
#define QRI_LOCK_LEASE 4	/* F_SETLEASE: the description's; pid took it */
#define QRI_LOCK_EOF UINT64_MAX	/* to the end of the file, however long */

/* The data of a QRI_FD_INOTIFY file: its watches in increasing wd order,
 * each this and its path (path_len bytes, absolute, no NUL) padded with
 * zeros to 8 bytes (fds/inotify.c); then, last, one with path_len, mask
 * and ino 0 whose wd is where the group numbers its next watch from
 * (above every watch's; images written before it have none). */
struct qri_inotify_watch {
	uint32_t wd;		/* the watch descriptor the process knows */
	uint32_t mask;		/* IN_* events, IN_EXCL_UNLINK, IN_ONESHOT */
	uint32_t path_len;
	uint32_t pad;
	uint64_t ino;		/* the file's inode at the checkpoint */
};

/* QRI_MM: the kernel's per-process memory fields (what prctl PR_SET_MM_MAP
 * takes; values from /proc/PID/stat, brk from the [heap] area); tail: the
 * auxiliary vector (auxv_len bytes, /proc/PID/auxv, whole 16-byte entries,
 * at most QRI_MAX_AUXV), then the executable's path (exe_len bytes,
 * absolute; 0 when unknown). At most one per process, after its process
 * record. Without it a process still runs, only brk, /proc/PID/cmdline and
 * /proc/PID/exe are wrong. Images of the first checkpoint code flag it
 * QRI_REC_OPTIONAL; the flag does not matter to a reader that knows it. */
struct qri_mm {
	uint32_t pid;
	uint32_t auxv_len;
	uint32_t exe_len;
	uint32_t pad;
	uint64_t start_code, end_code, start_data, end_data;
	uint64_t start_brk, brk, start_stack;
	uint64_t arg_start, arg_end, env_start, env_end;
};

#define QRI_MAX_AUXV 1024

/* Signal numbers 1..QRI_NSIG, as on x86-64 (_NSIG). */
#define QRI_NSIG 64
#define QRI_SIGKILL 9
#define QRI_SIGSTOP 19

/* A signal's disposition as the x86-64 rt_sigaction system call takes it
 * (the kernel's struct sigaction, not glibc's): handler 0 is SIG_DFL, 1
 * SIG_IGN, else a user address; flags SA_*; mask: bit N-1 is signal N. */
struct qri_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

/* struct itimerval of getitimer/setitimer: the time left in it_value (0:
 * disarmed), the reload in it_interval; microseconds below 1000000. */
struct qri_itimer {
	int64_t interval_sec, interval_usec;
	int64_t value_sec, value_usec;
};

#define QRI_ITIMER_REAL 0
#define QRI_ITIMER_VIRTUAL 1
#define QRI_ITIMER_PROF 2
#define QRI_NITIMERS 3

/* A pending signal's siginfo_t as rt_sigqueueinfo takes it (128 bytes:
 * si_signo, si_errno, si_code, then the union). */
#define QRI_SIGINFO_SIZE 128
/* At most this many pending signals per list (the kernel's default
 * RLIMIT_SIGPENDING on a big machine is far below). */
#define QRI_MAX_PENDING 65536

/* QRI_SIGNALS: what a process's threads share about signals; at most one
 * per process. actions[N-1] is signal N (SIGKILL and SIGSTOP: SIG_DFL);
 * itimers[QRI_ITIMER_*]. Tail: the signals pending for the whole process
 * (rt_sigqueueinfo, the kernel's shared queue), nr_pending siginfos of
 * QRI_SIGINFO_SIZE bytes, oldest first. */
struct qri_signals {
	uint32_t pid;
	uint32_t nr_pending;
	struct qri_sigaction actions[QRI_NSIG];
	struct qri_itimer itimers[QRI_NITIMERS];
	/* Appended: what only the process itself may read (pfncheck gives
	 * them): PR_SET_CHILD_SUBREAPER (0 or 1), and the membarrier(2)
	 * registrations of its memory (QRI_MEMBARRIER_*). */
	uint32_t child_subreaper;
	uint32_t membarrier;
};

/* The MEMBARRIER_CMD_REGISTER_* commands, as membarrier(2) numbers them. */
#define QRI_MEMBARRIER_GLOBAL_EXPEDITED		(1u << 2)
#define QRI_MEMBARRIER_PRIVATE_EXPEDITED	(1u << 4)
#define QRI_MEMBARRIER_SYNC_CORE		(1u << 6)
#define QRI_MEMBARRIER_RSEQ			(1u << 8)
#define QRI_MEMBARRIER_KNOWN			0x154u

/* QRI_TIMERS: a process's POSIX timers (timer_create(2)), at most one
 * record per process. Tail: count struct qri_posix_timer in increasing id
 * order: restore makes each again with its id (the kernel gives ids in
 * order; the ids between are made and deleted, and so up to next_id).
 * Time left as at
 * realtime_ns (CLOCK_REALTIME at the capture): the time the reboot took
 * is taken off it, as for a timerfd. */
struct qri_timers {
	uint32_t pid;
	uint32_t count;
	uint64_t realtime_ns;
	int32_t next_id;	/* the id the next timer_create(2) gets */
	uint32_t pad;
};

struct qri_posix_timer {
	int32_t id;		/* 0..QRI_TIMER_ID_MAX */
	int32_t clock;		/* QRI_CLOCK_REALTIME, MONOTONIC, BOOTTIME, TAI */
	int32_t notify;		/* QRI_SIGEV_*: to the main thread for THREAD_ID */
	int32_t signo;		/* 1..QRI_NSIG, or 0 with QRI_SIGEV_NONE */
	uint64_t sigev_value;
	uint64_t value_ns;	/* time left: 0 disarmed */
	uint64_t interval_ns;
};

#define QRI_TIMER_ID_MAX 65535
#define QRI_TIMER_MAX_NS (1ull << 62)
#define QRI_SIGEV_SIGNAL 0
#define QRI_SIGEV_NONE 1
#define QRI_SIGEV_THREAD_ID 4
#define QRI_CLOCK_REALTIME 0
#define QRI_CLOCK_MONOTONIC 1
#define QRI_CLOCK_BOOTTIME 7
#define QRI_CLOCK_TAI 11

/* QRI_RLIMITS: the resource limits as prlimit(2) gives them; at most one
 * per process. Tail: count struct qri_rlimit, indexed by RLIMIT_*; a
 * kernel may know more or fewer than the Old one did. */
struct qri_rlimits {
	uint32_t pid;
	uint32_t count;
};

struct qri_rlimit {
	uint64_t cur, max;	/* UINT64_MAX: RLIM_INFINITY; cur <= max */
};

#define QRI_MAX_RLIMITS 64

/* QRI_THREAD_SIGNALS: one thread's own signal state; at most one per
 * thread, after its thread record. The sigaltstack as sigaltstack(2)
 * reports it (ss_flags QRI_SS_*; SS_DISABLE with size 0 when none). Tail:
 * the signals pending for this thread only (rt_tgsigqueueinfo),
 * nr_pending siginfos, oldest first. Supersedes qri_thread's sigaltstack
 * fields, which the capture leaves 0: the reader puts its sigaltstack
 * there (without SS_ONSTACK), where restore takes it for every thread. */
struct qri_thread_signals {
	uint32_t pid, tid;
	uint64_t ss_sp, ss_size;
	uint32_t ss_flags;
	uint32_t nr_pending;
	/* Appended: PR_SET_PDEATHSIG, the thread's (0: none). */
	int32_t pdeath_signal;
	uint32_t pad;
};

/* QRI_THREAD_RESTART: a thread frozen in a sleep that the kernel would
 * continue through its restart_block (nanosleep, relative clock_nanosleep:
 * -ERESTART_RESTARTBLOCK), which no user ABI carries; at most one per
 * thread, after its thread record. Restore continues the sleep for the
 * time left instead of returning EINTR. clockid is the clock the kernel
 * times the sleep on (a relative sleep on CLOCK_REALTIME is on
 * CLOCK_MONOTONIC, by POSIX). CLOCK_MONOTONIC and CLOCK_BOOTTIME carry
 * the time left at the checkpoint (left_ns): the downtime does not count
 * (restored in a time namespace, QRI_CLOCKS, those clocks go on and count
 * it, but a relative sleep sleeps its time left); CLOCK_REALTIME and
 * CLOCK_TAI carry the absolute expiry on CLOCK_REALTIME (realtime_ns),
 * and the downtime counts.
 * rmtp: where the call writes the time left if a signal interrupts it
 * later (0: nowhere). */
struct qri_thread_restart {
	uint32_t pid, tid;
	uint32_t kind;		/* QRI_RESTART_* */
	int32_t clockid;	/* CLOCK_* the sleep was on */
	uint64_t left_ns;	/* clocks that restart: time left */
	uint64_t realtime_ns;	/* realtime clocks: absolute expiry; else 0 */
	uint64_t rmtp;
};

#define QRI_RESTART_NANOSLEEP 1

/* QRI_ZOMBIE: a child that had exited and that its parent (a process
 * record before it) had not reaped: restore creates it with its PID,
 * session and group, and it ends at once with the same status, for its
 * parent's wait(2). status: as wait(2) reports it, an exit (code << 8) or
 * a death by signal (its number, | 0x80 if it dumped core: not kept). */
struct qri_zombie {
	uint32_t pid, ppid, pgid, sid;
	uint32_t status;
	char comm[16];		/* NUL padded */
	uint32_t pad;
};

/* QRI_PAGE_RUNS: zero copy. Where a private area's pages are when they
 * are not saved whole (the area's pages_offset is QRI_NO_PAGES): at most
 * one per area, right after its QRI_VMA record (same pid, vma_start its
 * start). Tail: nr_runs struct qri_page_run, ascending by addr, not
 * overlapping, inside the area. A page in no run was not present: an
 * anonymous area reads zero there. Frames are physical page numbers of
 * the Old kernel, left in place across the kexec: each may appear once in
 * the whole image. */
struct qri_page_runs {
	uint32_t pid;
	uint32_t pad;
	uint64_t vma_start;
	uint64_t nr_runs;
};

struct qri_page_run {
	uint64_t addr;		/* page aligned */
	uint64_t count;		/* pages, > 0 */
	uint64_t where;		/* FRAMES: the first frame number (the others
				 * follow it); COPY: offset of the contents in
				 * the pages file, page aligned */
	uint32_t kind;		/* QRI_RUN_* */
	uint32_t pad;
};

#define QRI_RUN_FRAMES 1
#define QRI_RUN_COPY 2
/* Frame numbers stay below 2^40 (52-bit physical addresses). */
#define QRI_MAX_PFN (1ull << 40)

/* QRI_VMA_OWN: the pages of a private file mapping that are the process's
 * own (written, so copied on write); the others still show the file, and
 * restore maps them from it instead of filling them, so that they keep
 * following it. At most one per memory area, right after its QRI_VMA
 * record, which names a file, is not shared and has its contents saved in
 * full (the pages file keeps its layout). Tail: nruns struct
 * qri_own_run, in page order, not overlapping, inside the area. Written
 * with QRI_REC_OPTIONAL: a reader that does not know it fills the whole
 * area, with the contents it had at checkpoint. */
struct qri_vma_own {
	uint32_t pid;
	uint32_t nruns;
	uint64_t start;		/* the area's start */
};

struct qri_own_run {
	uint64_t first, count;	/* pages from the area's start; count > 0 */
};

/* QRI_VMA_INHERIT: the pages of a private anonymous area that the process
 * shares copy-on-write with its parent (a kept process, its ppid) since a
 * fork: the same frame at the same address at checkpoint, with the same
 * contents. Their contents are the parent's: they are not saved again
 * (copy mode: holes of the pages file, read as zeros; zero copy: in no
 * page run), and restore makes the parent's area before the child is
 * forked, so that the child inherits them, shared again
 * (restore/premap.h). At most one per area, after its QRI_VMA record and
 * its page runs; the parent's area has the same start and end and is
 * private anonymous memory too, and its record came before. Tail: nruns
 * struct qri_own_run, in page order, not overlapping, inside the area.
 * Not optional: a reader that does not know it would restore those pages
 * as zeros. */
struct qri_vma_inherit {
	uint32_t pid;
	uint32_t nruns;
	uint64_t start;		/* the area's start */
};

/* QRI_CLOCKS: the clocks as the kept processes saw them at the checkpoint
 * (all share one time namespace), read at one moment: CLOCK_MONOTONIC and
 * CLOCK_BOOTTIME of their time namespace, CLOCK_REALTIME. At most one per
 * image, before any process record. Restore puts the processes in a new
 * time namespace where both clocks go on from these values plus the
 * CLOCK_REALTIME elapsed since (never less). Written with
 * QRI_REC_OPTIONAL: without it (an older image, or an older reader) the
 * processes see the New kernel's clocks, which start again near 0. */
struct qri_clocks {
	uint64_t monotonic_ns;
	uint64_t boottime_ns;
	uint64_t realtime_ns;	/* > 0 */
};

/* A time namespace's clocks stay below KTIME_SEC_MAX / 2 seconds (the
 * kernel refuses offsets beyond): 2^62 ns is below that. */
#define QRI_MAX_CLOCK_NS (1ull << 62)

/* QRI_PAGES_SEAL: what ties the image to its pages file and to the quick
 * reboot it was made for. Exactly one per image written since it exists,
 * after the processes; restore refuses an image without one. The pages
 * file starts with a struct qri_pages_header (QRI_PAGES_HEADER bytes)
 * carrying the same id; its contents are summed in blocks of
 * QRI_SEAL_BLOCK bytes from offset 0 (qr_sum64, lib/sum64.h). Tail:
 * nblocks uint64_t sums, block by block. */
struct qri_pages_seal {
	uint8_t id[16];		/* random, one per checkpoint */
	char token[24];		/* the keep record's token, NUL padded;
				 * all NUL for a checkpoint without one */
	uint64_t pages_size;	/* the pages file's size */
	uint64_t nblocks;	/* pages_size / QRI_SEAL_BLOCK rounded up */
};

#define QRI_SEAL_BLOCK (1u << 20)
#define QRI_PAGES_MAGIC "QRPAGES\0"
#define QRI_PAGES_HEADER 4096

struct qri_pages_header {
	char magic[8];
	uint32_t version;	/* QRI_VERSION */
	uint32_t header_size;	/* QRI_PAGES_HEADER */
	uint8_t id[16];		/* the image's QRI_PAGES_SEAL id */
};

/* QRI_CREDS: what a process may do beyond its uids and gids, as
 * /proc/PID/status shows it (every thread the same: check refuses a
 * process whose threads differ). At most one per process, after its
 * process record. Restore sets it in every thread after the uids; an image
 * without it restores uids and gids only (images written before it).
 * Never QRI_REC_OPTIONAL: a reader that ignored it would bring the process
 * back with more privilege than it had. Capability sets are bit N for
 * capability N; effective within permitted, ambient within permitted and
 * inheritable. Tail: ngroups uint32_t supplementary group ids. Securebits
 * are not here: no interface shows another process's. */
struct qri_creds {
	uint32_t pid;
	uint32_t no_new_privs;	/* 0 or 1 */
	uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
	uint32_t ngroups;	/* at most QRI_MAX_GROUPS */
	uint32_t pad;
};

#define QRI_MAX_GROUPS 65536	/* the kernel's NGROUPS_MAX */

/* QRI_PROC_ATTRS: per-process attributes (of the whole thread group or
 * the mm), at most one per process, after its process record. */
struct qri_proc_attrs {
	uint32_t pid;
	int32_t oom_score_adj;	/* -1000..1000 */
	uint32_t thp_disabled;	/* prctl PR_SET_THP_DISABLE: 0 or 1 */
	uint32_t pad;
};

/* QRI_THREAD_SCHED: one thread's scheduling (sched_getscheduler,
 * sched_getparam, getpriority, sched_getaffinity), at most one per thread,
 * after its thread record. Tail: the affinity, ncpus / 8 bytes (bit N is
 * CPU N), ncpus a multiple of 64 up to QRI_MAX_CPUS. */
struct qri_thread_sched {
	uint32_t pid, tid;
	uint32_t policy;	/* QRI_SCHED_*, | QRI_SCHED_RESET_ON_FORK */
	uint32_t rt_priority;	/* 1..99 for FIFO and RR, else 0 */
	int32_t nice;		/* -20..19 */
	uint32_t ncpus;
	uint32_t ioprio;	/* ioprio_get(2): class << 13 | data */
	uint32_t pad;
	uint64_t timerslack_ns;	/* /proc/TID/timerslack_ns */
};

#define QRI_SCHED_OTHER 0
#define QRI_SCHED_FIFO 1
#define QRI_SCHED_RR 2
#define QRI_SCHED_BATCH 3
#define QRI_SCHED_IDLE 5
#define QRI_SCHED_RESET_ON_FORK 0x40000000
#define QRI_MAX_CPUS 8192

/* QRI_PROOF: what /proc showed of a process at the checkpoint, for
 * restore to compare with the rebuilt one before it resumes (proof/).
 * One per process, after its QRI_PROCESS; tail: len bytes of "key=value"
 * lines, printable ASCII. Written with QRI_REC_OPTIONAL: a reader that
 * does not know it restores without the check. */
struct qri_proof {
	uint32_t pid;
	uint32_t len;
};

#define QRI_SS_ONSTACK 1
#define QRI_SS_DISABLE 2
#define QRI_SS_AUTODISARM (1u << 31)

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "the image is written in the host's byte order: little-endian only");
_Static_assert(sizeof(struct qri_header) == 64, "qri_header layout");
_Static_assert(sizeof(struct qri_record) == 16, "qri_record layout");
_Static_assert(sizeof(struct qri_pages_seal) == 56, "qri_pages_seal layout");
_Static_assert(sizeof(struct qri_proof) == 8, "qri_proof layout");
_Static_assert(sizeof(struct qri_pages_header) == 32, "qri_pages_header layout");
_Static_assert(sizeof(struct qri_process) == 96, "qri_process layout");
_Static_assert(sizeof(struct qri_thread) == 88, "qri_thread layout");
_Static_assert(sizeof(struct qri_vma) == 96, "qri_vma layout");
_Static_assert(sizeof(struct qri_creds) == 56, "qri_creds layout");
_Static_assert(sizeof(struct qri_proc_attrs) == 16, "qri_proc_attrs layout");
_Static_assert(sizeof(struct qri_thread_sched) == 40, "qri_thread_sched layout");
_Static_assert(sizeof(struct qri_file) == 56, "qri_file layout");
_Static_assert(sizeof(struct qri_fd) == 16, "qri_fd layout");
_Static_assert(sizeof(struct qri_sysv_shm) == 48, "qri_sysv_shm layout");
_Static_assert(sizeof(struct qri_sysv_sem) == 32, "qri_sysv_sem layout");
_Static_assert(sizeof(struct qri_sysv_msg) == 40, "qri_sysv_msg layout");
_Static_assert(sizeof(struct qri_sysv_msg_item) == 16, "qri_sysv_msg_item layout");
_Static_assert(sizeof(struct qri_sem_undo) == 8, "qri_sem_undo layout");
_Static_assert(sizeof(struct qri_sem_adj) == 8, "qri_sem_adj layout");
_Static_assert(sizeof(struct qri_sysv_users) == 16, "qri_sysv_users layout");
_Static_assert(sizeof(struct qri_mm) == 104, "qri_mm layout");
_Static_assert(sizeof(struct qri_locks_head) == 8, "qri_locks_head layout");
_Static_assert(sizeof(struct qri_lock) == 32, "qri_lock layout");
_Static_assert(sizeof(struct qri_inotify_watch) == 24, "qri_inotify_watch layout");
_Static_assert(sizeof(struct qri_sigaction) == 32, "qri_sigaction layout");
_Static_assert(sizeof(struct qri_itimer) == 32, "qri_itimer layout");
_Static_assert(sizeof(struct qri_signals) == 2160, "qri_signals layout");
_Static_assert(sizeof(struct qri_rlimits) == 8, "qri_rlimits layout");
_Static_assert(sizeof(struct qri_timers) == 24, "qri_timers layout");
_Static_assert(sizeof(struct qri_posix_timer) == 40, "qri_posix_timer layout");
_Static_assert(sizeof(struct qri_rlimit) == 16, "qri_rlimit layout");
_Static_assert(sizeof(struct qri_thread_signals) == 40, "qri_thread_signals layout");
_Static_assert(sizeof(struct qri_thread_restart) == 40, "qri_thread_restart layout");
_Static_assert(sizeof(struct qri_page_runs) == 24, "qri_page_runs layout");
_Static_assert(sizeof(struct qri_page_run) == 32, "qri_page_run layout");
_Static_assert(sizeof(struct qri_zombie) == 40, "qri_zombie layout");
_Static_assert(sizeof(struct qri_vma_own) == 16, "qri_vma_own layout");
_Static_assert(sizeof(struct qri_own_run) == 16, "qri_own_run layout");
_Static_assert(sizeof(struct qri_vma_inherit) == 16, "qri_vma_inherit layout");
_Static_assert(sizeof(struct qri_clocks) == 24, "qri_clocks layout");

/* struct user_regs_struct on x86-64: 27 registers. */
#define QRI_REGS_SIZE 216
/* The legacy FXSAVE area and the XSAVE header: the least an xstate has. */
#define QRI_XSTATE_MIN 576
/* Highest user address plus one, with 5-level paging. */
#define QRI_USER_LIMIT (1ull << 56)
/* The kernel's NR_OPEN: no fd number reaches it. */
#define QRI_FD_LIMIT (1u << 20)

#endif
