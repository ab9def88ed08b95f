/* Writes seed images for fuzz_image into DIR (run by `make seeds`; the
 * seeds are kept in corpus/fuzz_image/). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "fds/event.h"
#include "fds/inet.h"
#include "fds/journal.h"
#include "fds/unix.h"
#include "fds/pipe_rec.h"
#include "fds/pty.h"
#include "image/image.h"
#include "image/seal.h"

static void save(const char *dir, const char *name, struct qri_writer *w)
{
	char path[512];
	FILE *f;

	qri_finish(w);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(w->buf, 1, w->len, f) != w->len || fclose(f)) {
		perror(path);
		return;
	}
	qri_writer_free(w);
}

static const struct qri_page_run runs[] = {
	{ .addr = 0x10000000, .count = 4, .where = 0x50000, .kind = QRI_RUN_FRAMES },
	{ .addr = 0x10004000, .count = 1, .where = 0, .kind = QRI_RUN_COPY },
	{ .addr = 0x10008000, .count = 2, .where = 0x40000, .kind = QRI_RUN_FRAMES },
};

int main(int argc, char **argv)
{
	static unsigned char regs[QRI_REGS_SIZE], xstate[QRI_XSTATE_MIN];
	struct qri_process p = { .pid = 100, .ppid = 1, .pgid = 100,
				 .sid = 100, .umask = 022, .comm = "seed" };
	struct qri_thread t = { .pid = 100, .tid = 100,
				.regs_len = QRI_REGS_SIZE,
				.xstate_len = QRI_XSTATE_MIN };
	struct qri_vma v = { .pid = 100, .prot = 3, .flags = QRI_VMA_ANON,
			     .start = 0x10000, .end = 0x20000 };
	struct qri_file file = { .id = 1, .kind = QRI_FD_FILE, .pos = 9,
				 .owner_type = 1, .owner = 100, .signal = 36 };
	struct qri_fd f = { .pid = 100, .fd = 3, .file = 1 };
	/* A deleted file: its head (size 16, mode, uid, gid, 1 extent),
	 * then the extent (offset 8, 8 bytes) and its bytes. */
	static const uint64_t ghost_data[] = { 16, 0644, 1ull << 32, 8, 8,
					       0x6f6867 };
	struct qri_file ghost = { .id = 2, .kind = QRI_FD_GHOST,
				  .data_len = sizeof(ghost_data) };
	struct qri_fd g = { .pid = 100, .fd = 4, .file = 2 };
	struct qri_mm mm = { .pid = 100, .auxv_len = 16, .start_brk = 0x600000,
			     .brk = 0x601000 };
	struct qri_thread_signals ts = { .pid = 100, .tid = 100,
					 .ss_sp = 0x700000, .ss_size = 0x4000,
					 .nr_pending = 1, .pdeath_signal = 15 };
	struct qri_rlimit lim[2] = { { 1024, 4096 }, { UINT64_MAX, UINT64_MAX } };
	static struct qri_signals sig = { .pid = 100 };
	struct qri_timers timers = { .pid = 100, .count = 2, .next_id = 5 };
	struct qri_posix_timer timer[2] = {
		{ .id = 0, .clock = QRI_CLOCK_MONOTONIC, .signo = 34,
		  .value_ns = 1000, .interval_ns = 50000000 },
		{ .id = 3, .clock = QRI_CLOCK_REALTIME, .notify = QRI_SIGEV_NONE },
	};
	static unsigned char auxv[16] = { 6, 0, 0, 0, 0, 0, 0, 0, 0x10 };
	struct qri_siginfo si = { { 12, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff } };
	struct qri_own_run own[2] = { { 0, 1 }, { 3, 2 } };
	struct qri_writer w;

	if (argc != 2) {
		fprintf(stderr, "usage: image_seeds DIR\n");
		return 2;
	}
	qri_writer_init(&w, "seed");
	save(argv[1], "empty", &w);

	qri_writer_init(&w, "seed");
	qri_add_process(&w, &p, "/", "/");
	qri_add_thread(&w, &t, regs, xstate);
	save(argv[1], "one-process", &w);

	qri_writer_init(&w, "seed");
	qri_add_process(&w, &p, "/srv/data", "/");
	qri_add_thread(&w, &t, regs, xstate);
	t.tid = 101;
	t.xstate_len = 0;
	qri_add_thread(&w, &t, regs, NULL);
	qri_add_vma(&w, &v, NULL);
	v.flags = 0;
	v.start = 0x400000;
	v.end = 0x402000;
	qri_add_vma(&w, &v, "/usr/bin/seed");
	v.start = 0x500000;
	v.end = 0x508000;
	v.pages_offset = 0;
	qri_add_vma(&w, &v, "/srv/data/map");
	qri_add_vma_own(&w, 100, 0x500000, own, 2);
	qri_add_file(&w, &file, "/srv/data/log", NULL);
	qri_add_fd(&w, &f);
	qri_add_file(&w, &ghost, "/srv/data/old (deleted)", ghost_data);
	qri_add_fd(&w, &g);
	qri_add_raw(&w, 200, QRI_REC_OPTIONAL, "future", 6, NULL, 0);
	save(argv[1], "full", &w);

	/* Locks on a file (fds/locks.h), an inotify fd's watches and next
	 * wd. */
	qri_writer_init(&w, "seed");
	qri_add_process(&w, &p, "/", "/");
	t.tid = 100;
	t.xstate_len = QRI_XSTATE_MIN;
	qri_add_thread(&w, &t, regs, xstate);
	{
		struct {
			struct qri_locks_head h;
			struct qri_lock l[4];
		} lk = { { .nlocks = 4 }, {
			{ .kind = QRI_LOCK_POSIX, .write = 1, .pid = 100,
			  .start = 100, .end = 199 },
			{ .kind = QRI_LOCK_OFD, .start = 0, .end = QRI_LOCK_EOF },
			{ .kind = QRI_LOCK_FLOCK, .pid = 100, .end = QRI_LOCK_EOF },
			{ .kind = QRI_LOCK_LEASE, .pid = 100, .end = QRI_LOCK_EOF },
		} };
		uint8_t in[3 * sizeof(struct qri_inotify_watch) + 16] = { 0 };
		struct qri_inotify_watch next = { .wd = 7 };	/* next wd */
		struct qri_inotify_watch iw = { .wd = 1, .mask = 0x100,
						.path_len = 4, .ino = 12 };
		struct qri_file lf = { .id = 1, .kind = QRI_FD_FILE,
				       .open_flags = 2, .data_len = sizeof(lk) };
		struct qri_file inf = { .id = 2, .kind = QRI_FD_INOTIFY,
					.data_len = sizeof(in) };
		struct qri_fd lfd = { .pid = 100, .fd = 3, .file = 1 };
		struct qri_fd ifd = { .pid = 100, .fd = 4, .file = 2 };

		memcpy(in, &iw, sizeof(iw));
		memcpy(in + sizeof(iw), "/srv", 4);
		iw.wd = 3;
		iw.mask = 0x4000002;
		iw.path_len = 6;
		memcpy(in + sizeof(iw) + 8, &iw, sizeof(iw));
		memcpy(in + 2 * sizeof(iw) + 8, "/srv/x", 6);
		memcpy(in + 2 * sizeof(iw) + 16, &next, sizeof(next));
		qri_add_file(&w, &lf, "/srv/locked", &lk);
		qri_add_file(&w, &inf, "anon_inode:inotify", in);
		qri_add_fd(&w, &lfd);
		qri_add_fd(&w, &ifd);
	}
	save(argv[1], "locks-inotify", &w);

	/* A UNIX socket pair with data queued in each end, a listener. */
	qri_writer_init(&w, "seed");
	qri_add_process(&w, &p, "/", "/");
	qri_add_thread(&w, &t, regs, xstate);
	{
		struct qr_unix_rec r = { .type = 1, .state = 1, .ino = 5,
					 .peer = 6, .nmsgs = 2, .peek_off = -1 };
		struct qri_file uf = { .id = 1, .kind = QRI_FD_UNIX, .object = 5 };
		uint8_t d[sizeof(r) + 6 + sizeof(struct qr_unix_msg_cred)] = { 0 };
		uint32_t len = 3;

		memcpy(d, &r, sizeof(r));
		memcpy(d + sizeof(r), &len, 4);
		memcpy(d + sizeof(r) + 5, "abc", 3);
		len = 2;
		memcpy(d + sizeof(r) + 8, &len, 4);
		memcpy(d + sizeof(r) + 13, "de", 2);
		uf.data_len = sizeof(r) + 15;
		qri_add_file(&w, &uf, "socket:[5]", d);
		/* Its other end: one byte queued with its sender's
		 * credentials. */
		r = (struct qr_unix_rec){ .type = 1, .state = 1, .ino = 6,
					  .peer = 5, .peek_off = -1, .nmsgs = 1,
					  .flags = QR_UNIX_MSGCRED };
		len = 1;
		memcpy(d, &r, sizeof(r));
		memcpy(d + sizeof(r), &len, 4);
		d[sizeof(r) + 4] = 0;
		memcpy(d + sizeof(r) + 5, &(struct qr_unix_msg_cred){ 42, 1000, 1000 },
		       sizeof(struct qr_unix_msg_cred));
		d[sizeof(r) + 5 + sizeof(struct qr_unix_msg_cred)] = 'x';
		uf = (struct qri_file){ .id = 2, .kind = QRI_FD_UNIX, .object = 6,
					.data_len = sizeof(r) + 6 +
						    sizeof(struct qr_unix_msg_cred) };
		qri_add_file(&w, &uf, "socket:[6]", d);
		r = (struct qr_unix_rec){ .type = 1, .state = 10, .ino = 7,
					  .flags = QR_UNIX_BIND, .name_len = 4,
					  .backlog = 5, .peek_off = -1 };
		memcpy(d, &r, sizeof(r));
		memcpy(d + sizeof(r), "\0abc", 4);
		uf = (struct qri_file){ .id = 3, .kind = QRI_FD_UNIX,
					.object = 7, .data_len = sizeof(r) + 4 };
		qri_add_file(&w, &uf, "socket:[7]", d);
		f.file = 1;
		qri_add_fd(&w, &f);
		f.fd = 4;
		f.file = 2;
		qri_add_fd(&w, &f);
		f.fd = 5;
		f.file = 3;
		qri_add_fd(&w, &f);
		f.fd = 3;
		f.file = 1;
	}
	save(argv[1], "unix", &w);

	/* A journal stream at fds 1 and 2, one open file description. */
	qri_writer_init(&w, "seed");
	qri_add_process(&w, &p, "/", "/");
	qri_add_thread(&w, &t, regs, xstate);
	{
		static const char sock[] = "/run/systemd/journal/stdout",
			id[] = "seed", unit[] = "seed.service";
		struct qr_journal_rec r = { .priority = 6, .owner = 100,
					    .sndbuf = 8388608, .shutdown = 1,
					    .path_len = sizeof(sock) - 1,
					    .identifier_len = sizeof(id) - 1,
					    .unit_len = sizeof(unit) - 1 };
		uint8_t d[sizeof(r) + sizeof(sock) + sizeof(id) + sizeof(unit)];
		struct qri_file jf = { .id = 1, .kind = QRI_FD_JOURNAL,
				       .open_flags = 1, .object = 9,
				       .data_len = sizeof(d) - 3 };
		struct qri_fd jfd = { .pid = 100, .fd = 1, .file = 1 };

		memcpy(d, &r, sizeof(r));
		memcpy(d + sizeof(r), sock, r.path_len);
		memcpy(d + sizeof(r) + r.path_len, id, r.identifier_len);
		memcpy(d + sizeof(r) + r.path_len + r.identifier_len, unit,
		       r.unit_len);
		qri_add_file(&w, &jf, "socket:[9]", d);
		qri_add_fd(&w, &jfd);
		jfd.fd = 2;
		qri_add_fd(&w, &jfd);
	}
	save(argv[1], "journal", &w);

	/* UNIX sockets with peer credentials and groups, a connection not
	 * yet accepted with its client's, a filter, options, and datagrams
	 * with their senders' names. */
	qri_writer_init(&w, "seed");
	qri_add_process(&w, &p, "/", "/");
	qri_add_thread(&w, &t, regs, xstate);
	{
		struct qr_unix_rec r = {
			.type = 1, .state = 1, .ino = 5, .peer = 6,
			.flags = QR_UNIX_PEERCRED | QR_UNIX_ACCEPTED,
			.name_len = 4, .peek_off = -1,
			.peer_cred = { .pid = 300, .uid = 1000, .gid = 1000,
				       .ngroups = 2 },
			.opt = { [QR_UNIX_OPT_PRIORITY] = 5,
				 [QR_UNIX_OPT_RCVLOWAT] = 3 },
			.opt_absent = 1u << QR_UNIX_OPT_PASSRIGHTS,
			.linger_onoff = 1, .linger_s = 7, .nfilter = 1,
			.peersec_len = 11,
		};
		struct qri_file uf = { .id = 1, .kind = QRI_FD_UNIX, .object = 5 };
		uint32_t groups[2] = { 1001, 1002 }, len = 2;
		uint8_t d[sizeof(r) + 64] = { 0 }, ret[8] = { 6, 0, 0, 0, 0, 0, 4, 0 };
		size_t n = sizeof(r);

		memcpy(d, &r, sizeof(r));
		memcpy(d + n, "\0abc", 4);
		n += 4;
		memcpy(d + n, groups, 8);
		n += 8;
		memcpy(d + n, ret, 8);
		n += 8;
		memcpy(d + n, "unconfined", 11);
		n += 11;
		uf.data_len = n;
		qri_add_file(&w, &uf, "socket:[5]", d);
		r = (struct qr_unix_rec){
			.type = 1, .state = 1, .ino = 6, .peer = 5,
			.flags = QR_UNIX_PEERCRED, .peek_off = -1,
			.peer_cred = { .pid = 1, .uid = 0, .gid = 0 },
		};
		uf = (struct qri_file){ .id = 2, .kind = QRI_FD_UNIX,
					.object = 6, .data_len = sizeof(r) };
		qri_add_file(&w, &uf, "socket:[6]", &r);
		r = (struct qr_unix_rec){
			.type = 2, .state = 7, .ino = 7, .flags = QR_UNIX_BIND,
			.name_len = 4, .nmsgs = 2, .peek_off = -1,
		};
		n = sizeof(r);
		memcpy(d, &r, sizeof(r));
		memcpy(d + n, "\0dgr", 4);
		n += 4;
		memcpy(d + n, &len, 4);
		d[n + 4] = 4;
		memcpy(d + n + 5, "\0snd", 4);
		memcpy(d + n + 9, "hi", 2);
		n += 11;
		memcpy(d + n, &len, 4);
		d[n + 4] = 0;
		memcpy(d + n + 5, "yo", 2);
		n += 7;
		uf = (struct qri_file){ .id = 3, .kind = QRI_FD_UNIX,
					.object = 7, .data_len = n };
		qri_add_file(&w, &uf, "socket:[7]", d);
		r = (struct qr_unix_rec){
			.type = 1, .state = 1, .ino = 8,
			.flags = QR_UNIX_PENDING | QR_UNIX_PEERCRED | QR_UNIX_CONNCRED,
			.peek_off = -1,
			.peer_cred = { .pid = 300, .uid = 0, .gid = 0 },
			.conn_cred = { .pid = 301, .uid = 0, .gid = 0, .ngroups = 1 },
		};
		n = sizeof(r);
		memcpy(d, &r, sizeof(r));
		memcpy(d + n, groups, 4);
		n += 4;
		uf = (struct qri_file){ .id = 4, .kind = QRI_FD_UNIX,
					.object = 8, .data_len = n };
		qri_add_file(&w, &uf, "socket:[8]", d);
		f.fd = 3;
		for (uint32_t i = 1; i <= 4; i++, f.fd++) {
			f.file = i;
			qri_add_fd(&w, &f);
		}
		f.fd = 3;
		f.file = 1;
	}
	save(argv[1], "unix-cred", &w);

	/* A TCP listener, an established connection with both queues, a
	 * connected UDP socket. */
	qri_writer_init(&w, "seed");
	qri_add_process(&w, &p, "/", "/");
	qri_add_thread(&w, &t, regs, xstate);
	{
		struct qr_inet_rec r = { .family = AF_INET, .state = 10,
					 .flags = QR_INET_BOUND, .backlog = 9,
					 .ino = 8, .local = { .addr = { 127, 0, 0, 1 },
							      .port = 7010 },
					 .o = { .cork = 1, .fastopen = 5,
						.congestion = "reno",
						.transparent = 1, .buflocks = 1,
						.bindtodevice = "lo",
						.fastopen_key_len = 16,
						.fastopen_key = { 1, 2, 3, 4 } } };
		for (size_t i = 0; i < QR_INET_MORE; i++)
			r.o.more[i] = QR_INET_MORE_UNSET;
		r.o.more[1] = 4096;	/* SO_RCVLOWAT */
		r.o.linger = 5;
		struct qr_tcp_conn c = { .snd_seq = 1000, .rcv_seq = 2000,
					 .outq_len = 3, .inq_len = 2, .mss = 1460,
					 .snd_wscale = 7, .rcv_wscale = 7, .opts = 7,
					 .snd_wnd = 65535, .rcv_wnd = 65535 };
		struct qri_file tf = { .id = 1, .kind = QRI_FD_TCP, .object = 8,
				       .data_len = sizeof(r) };
		uint8_t d[sizeof(r) + sizeof(c) + 5];

		qri_add_file(&w, &tf, "socket:[8]", &r);
		r.state = 1;
		r.flags = QR_INET_BOUND | QR_INET_PEER;
		r.ino = 9;
		r.peer = r.local;
		r.peer.port = 40000;
		memcpy(d, &r, sizeof(r));
		memcpy(d + sizeof(r), &c, sizeof(c));
		memcpy(d + sizeof(r) + sizeof(c), "abcde", 5);
		tf = (struct qri_file){ .id = 2, .kind = QRI_FD_TCP, .object = 9,
					.data_len = sizeof(d) };
		qri_add_file(&w, &tf, "socket:[9]", d);
		r.family = AF_INET6;
		r.ino = 10;
		memset(r.o.congestion, 0, sizeof(r.o.congestion));
		r.o.fastopen_key_len = 0;
		memset(r.o.fastopen_key, 0, sizeof(r.o.fastopen_key));
		r.o.udp_cork = 1;
		tf = (struct qri_file){ .id = 3, .kind = QRI_FD_UDP, .object = 10,
					.data_len = sizeof(r) };
		qri_add_file(&w, &tf, "socket:[10]", &r);
		for (uint32_t i = 1; i <= 3; i++) {
			f.fd = 2 + i;
			f.file = i;
			qri_add_fd(&w, &f);
		}
		f.fd = 3;
		f.file = 1;
	}
	save(argv[1], "inet", &w);

	/* The per-process kernel state records. */
	qri_writer_init(&w, "seed");
	qri_add_process(&w, &p, "/", "/");
	t.tid = 100;
	t.xstate_len = QRI_XSTATE_MIN;
	qri_add_thread(&w, &t, regs, xstate);
	qri_add_mm(&w, &mm, auxv, "/usr/bin/seed");
	sig.actions[9].handler = 0x401000;
	sig.actions[14].handler = 1;
	sig.itimers[QRI_ITIMER_REAL].interval_usec = 500000;
	sig.nr_pending = 1;
	sig.child_subreaper = 1;
	sig.membarrier = QRI_MEMBARRIER_PRIVATE_EXPEDITED;
	qri_add_signals(&w, &sig, &si);
	qri_add_rlimits(&w, 100, lim, 2);
	qri_add_thread_signals(&w, &ts, &si);
	qri_add_timers(&w, &timers, timer);
	save(argv[1], "state", &w);

	/* Credentials, process attributes, a thread's scheduling, an area
	 * with advice. */
	qri_writer_init(&w, "seed");
	qri_add_process(&w, &p, "/", "/");
	qri_add_thread(&w, &t, regs, xstate);
	{
		struct qri_creds k = { .pid = 100, .no_new_privs = 1,
			.cap_inh = 0x401, .cap_prm = 0x2400, .cap_eff = 0x400,
			.cap_bnd = 0x1ffffbeffffull, .cap_amb = 0x400, .ngroups = 3 };
		static const uint32_t groups[3] = { 10, 20, 30 };
		struct qri_proc_attrs pa = { .pid = 100, .oom_score_adj = 321,
					     .thp_disabled = 1 };
		struct qri_thread_sched sc = { .pid = 100, .tid = 100,
			.policy = QRI_SCHED_BATCH | QRI_SCHED_RESET_ON_FORK,
			.nice = 7, .ncpus = 64, .ioprio = 2 << 13 | 4,
			.timerslack_ns = 50000 };
		static const uint8_t cpus[8] = { 1 };
		struct qri_vma va = { .pid = 100, .prot = 3, .flags = QRI_VMA_ANON,
			.start = 0x10000, .end = 0x20000,
			.pages_offset = QRI_NO_PAGES,
			.advice = QRI_ADV_DONTFORK | QRI_ADV_LOCKED };

		qri_add_creds(&w, &k, groups);
		qri_add_proc_attrs(&w, &pa);
		qri_add_thread_sched(&w, &sc, cpus);
		qri_add_vma(&w, &va, NULL);
	}
	save(argv[1], "carry", &w);

	/* A tree: 200 leads its session, 201 a group that its sibling 202
	 * joins, 203 is 201's child; 201 sleeps. */
	qri_writer_init(&w, "seed");
	for (uint32_t i = 0; i < 4; i++) {
		static const uint32_t ppid[4] = { 1, 200, 200, 201 };
		static const uint32_t pgid[4] = { 200, 201, 201, 201 };
		struct qri_process q = { .pid = 200 + i, .ppid = ppid[i],
					 .pgid = pgid[i], .sid = 200,
					 .umask = 022, .comm = "tree" };
		struct qri_thread_restart rs = { .pid = 201, .tid = 201,
			.kind = QRI_RESTART_NANOSLEEP,
			.clockid = QRI_CLOCK_MONOTONIC, .left_ns = 1500000000,
			.rmtp = 0x7ffc0000 };

		qri_add_process(&w, &q, "/", "/");
		t.pid = t.tid = q.pid;
		qri_add_thread(&w, &t, regs, xstate);
		if (q.pid == rs.pid)
			qri_add_thread_restart(&w, &rs);
	}
	{
		struct qri_zombie z = { .pid = 204, .ppid = 200, .pgid = 200,
					.sid = 200, .status = 9 << 8,
					.comm = "gone" };

		qri_add_zombie(&w, &z);
	}
	save(argv[1], "tree", &w);

	/* Zero copy: an area whose pages are frames and copied runs. */
	qri_writer_init(&w, "seed");
	qri_add_process(&w, &p, "/", "/");
	t.pid = t.tid = p.pid;
	qri_add_thread(&w, &t, regs, xstate);
	v.flags = QRI_VMA_ANON;
	v.start = 0x10000000;
	v.end = 0x10010000;
	v.pages_offset = QRI_NO_PAGES;
	qri_add_vma(&w, &v, NULL);
	qri_add_page_runs(&w, 100, 0x10000000, runs, 3);
	save(argv[1], "zero-copy", &w);

	/* The clocks at the checkpoint, before the process. */
	qri_writer_init(&w, "seed");
	{
		struct qri_clocks k = { .monotonic_ns = 3600000000000,
					.boottime_ns = 3700000000000,
					.realtime_ns = 1764150000000000000 };

		qri_add_clocks(&w, &k);
	}
	qri_add_process(&w, &p, "/", "/");
	qri_add_thread(&w, &t, regs, xstate);
	save(argv[1], "clocks", &w);

	/* A pipe, its read end carrying five queued bytes, its write end,
	 * and a FIFO open for both. */
	qri_writer_init(&w, "seed");
	qri_add_process(&w, &p, "/", "/");
	qri_add_thread(&w, &t, regs, xstate);
	{
		struct qr_pipe_rec r = { 65536, QR_PIPE_QUEUE, 5, 0 };
		unsigned char rd[sizeof(r) + 5];
		struct qri_file pr = { .id = 1, .kind = QRI_FD_PIPE,
				       .open_flags = O_RDONLY, .object = 7,
				       .data_len = sizeof(rd) };
		struct qri_file pw = { .id = 2, .kind = QRI_FD_PIPE,
				       .open_flags = O_WRONLY | O_NONBLOCK,
				       .object = 7, .data_len = sizeof(r) };
		struct qri_file ff = { .id = 3, .kind = QRI_FD_FIFO,
				       .open_flags = O_RDWR, .object = 9,
				       .data_len = sizeof(rd) };

		memcpy(rd, &r, sizeof(r));
		memcpy(rd + sizeof(r), "queue", 5);
		qri_add_file(&w, &pr, "pipe:[7]", rd);
		r.flags = 0;
		r.queue_len = 0;
		qri_add_file(&w, &pw, "pipe:[7]", &r);
		qri_add_file(&w, &ff, "/run/seed.fifo", rd);
		for (uint32_t i = 1; i <= 3; i++) {
			struct qri_fd d = { .pid = 100, .fd = 2 + i, .file = i };

			qri_add_fd(&w, &d);
		}
	}
	save(argv[1], "pipes", &w);

	/* A pty pair at index 3, the controlling terminal of session 100
	 * with group 100 in the foreground: the master with 3 bytes for
	 * its reader, a slave with 2 for its readers. */
	qri_writer_init(&w, "seed");
	qri_add_process(&w, &p, "/", "/");
	qri_add_thread(&w, &t, regs, xstate);
	{
		struct qr_ptmx_rec m = {
			.index = 3, .flags = QR_PTY_PACKET, .iflag = 0x500,
			.oflag = 0x5, .cflag = 0xbf, .lflag = 0x8a3b,
			.ws_row = 24, .ws_col = 80, .uid = 1000, .gid = 5,
			.mode = 0620, .sid = 100, .pgrp = 100, .queue_len = 3,
		};
		struct qr_pts_rec sl = { .index = 3, .flags = QR_PTY_EXCL,
					 .queue_len = 2 };
		unsigned char md[sizeof(m) + 3], sd[sizeof(sl) + 2];
		struct qri_file fm = { .id = 1, .kind = QRI_FD_PTMX,
				       .open_flags = O_RDWR | O_NONBLOCK,
				       .object = 3, .data_len = sizeof(md) };
		struct qri_file fs = { .id = 2, .kind = QRI_FD_PTS,
				       .open_flags = O_RDWR, .object = 3,
				       .data_len = sizeof(sd) };

		memcpy(md, &m, sizeof(m));
		memcpy(md + sizeof(m), "ab\n", 3);
		memcpy(sd, &sl, sizeof(sl));
		memcpy(sd + sizeof(sl), "\x03z", 2);
		qri_add_file(&w, &fm, "/dev/ptmx", md);
		qri_add_file(&w, &fs, "/dev/pts/3", sd);
		for (uint32_t i = 1; i <= 2; i++) {
			struct qri_fd d = { .pid = 100, .fd = 2 + i, .file = i };

			qri_add_fd(&w, &d);
		}
	}
	save(argv[1], "ptys", &w);

	/* Sealed with a pages file of one page and a token. */
	qri_writer_init(&w, "seed");
	qri_add_process(&w, &p, "/", "/");
	qri_add_thread(&w, &t, regs, xstate);
	{
		static uint8_t header[QRI_PAGES_HEADER], page[4096];
		struct qr_seal s;

		if (qr_seal_start(&s, "0123456789abcdef", header))
			return 1;
		qr_seal_add(&s, 0, header, sizeof(header));
		qr_seal_add(&s, sizeof(header), page, sizeof(page));
		if (qr_seal_finish(&s, &w))
			return 1;
		qr_seal_free(&s);
	}
	{
		static const char view[] = "Uid=0 0 0 0\nNoNewPrivs=0\nnice=0\n";
		struct qri_proof pf = { .pid = p.pid, .len = sizeof(view) - 1 };

		qri_add_raw(&w, QRI_PROOF, QRI_REC_OPTIONAL, &pf, sizeof(pf),
			    view, pf.len);
	}
	save(argv[1], "sealed", &w);

	/* The event kinds: an epoll of process 100 at fd 6 over an eventfd
	 * (3), a timerfd (4) and a signalfd (5). */
	qri_writer_init(&w, "seed");
	qri_add_process(&w, &p, "/", "/");
	qri_add_thread(&w, &t, regs, xstate);
	{
		struct qri_eventfd ev = { .count = 5, .flags = QRI_EFD_SEMAPHORE };
		struct qri_timerfd tf = { .clockid = QRI_CLOCK_MONOTONIC,
			.settime_flags = QRI_TFD_ABSTIME, .ticks = 2,
			.value_ns = 300000000, .interval_ns = 100000000,
			.realtime_ns = 1764150000000000000 };
		struct qri_signalfd sf = { .sigmask = 0x800 };
		struct {
			struct qri_epoll h;
			struct qri_epoll_target t[3];
		} ep = { { 100, 6, 3, 0 }, { { 3, 0x80000019, 0x1111 },
			{ 4, 0x40000019, ~0ull }, { 5, 0x19, 0 } } };
		static const uint32_t kinds[4] = { QRI_FD_EVENTFD,
			QRI_FD_TIMERFD, QRI_FD_SIGNALFD, QRI_FD_EPOLL };
		static const char *const links[4] = { "anon_inode:[eventfd]",
			"anon_inode:[timerfd]", "anon_inode:[signalfd]",
			"anon_inode:[eventpoll]" };
		const void *data[4] = { &ev, &tf, &sf, &ep };
		const uint32_t len[4] = { sizeof(ev), sizeof(tf), sizeof(sf),
					  sizeof(ep) };

		for (uint32_t i = 0; i < 4; i++) {
			struct qri_file ef = { .id = i + 1, .kind = kinds[i],
					       .open_flags = 04002,
					       .data_len = len[i] };
			struct qri_fd ed = { .pid = 100, .fd = 3 + i, .file = i + 1 };

			qri_add_file(&w, &ef, links[i], data[i]);
			qri_add_fd(&w, &ed);
		}
	}
	save(argv[1], "events", &w);

	/* System V IPC before the process: a segment marked for removal, a
	 * semaphore set, a queue of two messages; the process attaches the
	 * segment and maps a sealed memfd shared. */
	qri_writer_init(&w, "seed");
	{
		struct qri_sysv_shm shm = { .key = 0x51520001, .id = 32768,
					    .mode = 0640 | QRI_SHM_DEST,
					    .uid = 1, .gid = 2, .cuid = 3,
					    .cgid = 4, .size = 5000,
					    .pages_offset = 4096 };
		struct qri_sysv_sem sem = { .key = 7, .id = 1, .mode = 0600,
					    .nsems = 3 };
		uint32_t vals[3] = { 5, 0, 32767 };
		struct qri_sysv_msg q = { .key = 8, .id = 2, .mode = 0600,
					  .nmsgs = 2, .qbytes = 4000 };
		struct {
			struct qri_sysv_msg_item a;
			char at[8];
			struct qri_sysv_msg_item b;
			char bt[16];
		} m = { { 3, 6 }, "three", { 1, 9 }, "one again" };
		struct qri_vma sv = { .pid = 100, .prot = 3,
				      .flags = QRI_VMA_SHARED | QRI_VMA_SYSV,
				      .start = 0x30000, .end = 0x32000,
				      .pages_offset = QRI_NO_PAGES,
				      .shm_object = 32768 };
		struct qri_vma mv = { .pid = 100, .prot = 3,
				      .flags = QRI_VMA_SHARED | QRI_VMA_SHMEM,
				      .start = 0x40000, .end = 0x42000,
				      .pages_offset = 12288, .shm_size = 8192,
				      .shm_object = 77, .shm_bytes = 8000,
				      .shm_mode = 0600, .shm_seals = 6 };

		qri_add_raw(&w, QRI_SYSV_SHM, 0, &shm, sizeof(shm), NULL, 0);
		qri_add_raw(&w, QRI_SYSV_SEM, 0, &sem, sizeof(sem), vals,
			    sizeof(vals));
		qri_add_raw(&w, QRI_SYSV_MSG, 0, &q, sizeof(q), &m, sizeof(m));
		{
			struct qri_sysv_users u = { QRI_SYSV_KIND_SEM, 1, 1, 0 };
			uint32_t user = 100;

			qri_add_raw(&w, QRI_SYSV_USERS, 0, &u, sizeof(u), &user,
				    sizeof(user));
		}
		qri_add_process(&w, &p, "/", "/");
		qri_add_thread(&w, &t, regs, xstate);
		qri_add_vma(&w, &sv, NULL);
		qri_add_vma(&w, &mv, "/memfd:seed (deleted)");
		mv.start = 0x50000;
		mv.end = 0x51000;
		mv.flags = QRI_VMA_SHARED | QRI_VMA_SHMEM;
		mv.pages_offset = 20480;
		mv.shm_size = 4096;
		mv.shm_object = 78;
		mv.shm_bytes = 100;
		mv.shm_seals = 0;
		qri_add_vma(&w, &mv, "/dev/shm/PostgreSQL.42");
		/* Its SEM_UNDO adjustments on two of the set's semaphores. */
		{
			struct qri_sem_undo u = { .pid = 100, .count = 2 };
			struct qri_sem_adj adj[2] = { { 1, 0, -2 }, { 1, 2, 3 } };

			qri_add_raw(&w, QRI_SEM_UNDO, 0, &u, sizeof(u), adj,
				    sizeof(adj));
		}
	}
	save(argv[1], "sysv-shm", &w);

	/* A mount namespace as a systemd sandbox has it: init's root bound
	 * read-only, a private /tmp carried as a directory with a file, a
	 * /dev tmpfs with a node, a link and a directory; the process in it. */
	qri_writer_init(&w, "seed");
	{
		struct qri_mount root = { .ns = 4026532200ull, .id = 300, .parent = 29,
					  .how = QRI_MNT_BIND,
					  .flags = QRI_MNT_RDONLY | QRI_MNT_RELATIME,
					  .propagation = QRI_MNT_SHARED | QRI_MNT_SLAVE };
		struct qri_mount tmp = { .ns = 4026532200ull, .id = 301, .parent = 300,
					 .how = QRI_MNT_DIR, .flags = QRI_MNT_RELATIME,
					 .propagation = QRI_MNT_SHARED };
		struct qri_mount dev = { .ns = 4026532200ull, .id = 302, .parent = 300,
					 .how = QRI_MNT_TMPFS,
					 .flags = QRI_MNT_NOSUID | QRI_MNT_NOEXEC,
					 .propagation = QRI_MNT_UNBINDABLE };
		struct qri_mount_entry e = { .ns = 4026532200ull, .mount = 301,
					     .mode = 041777 };
		struct qri_proc_mntns pm = { .pid = 100, .ns = 4026532200ull };

		qri_add_mount(&w, &root, "/", "/", "ext4", "/dev/vda1", "rw,errors=remount-ro", "/");
		qri_add_mount(&w, &tmp, "/systemd-private-1-redis/tmp", "/tmp", "tmpfs", "tmpfs",
			      "rw,inode64", "/tmp/systemd-private-1-redis/tmp");
		qri_add_mount_entry(&w, &e, "", NULL);
		e.mode = 0100600;
		e.uid = 100;
		e.size = 6;
		qri_add_mount_entry(&w, &e, "dump.rdb", "REDIS0");
		qri_add_mount(&w, &dev, "/", "/dev", "tmpfs", "tmpfs", "rw,size=4k,mode=755", NULL);
		e = (struct qri_mount_entry){ .ns = 4026532200ull, .mount = 302, .mode = 040755 };
		qri_add_mount_entry(&w, &e, "", NULL);
		e.mode = 020666;
		e.rdev = 0x103;
		qri_add_mount_entry(&w, &e, "null", NULL);
		e.mode = 0120777;
		e.rdev = 0;
		e.size = 13;
		qri_add_mount_entry(&w, &e, "ptmx", "/dev/pts/ptmx");
		e.mode = 040755;
		e.size = 0;
		qri_add_mount_entry(&w, &e, "pts", NULL);
		qri_add_process(&w, &p, "/", "/");
		qri_add_thread(&w, &t, regs, xstate);
		qri_add_raw(&w, QRI_PROC_MNTNS, 0, &pm, sizeof(pm), NULL, 0);
	}
	save(argv[1], "mntns", &w);

	/* A parent and its child sharing pages since a fork
	 * (QRI_VMA_INHERIT): copy mode, then zero copy. */
	for (int zc = 0; zc < 2; zc++) {
		struct qri_process child = p;
		struct qri_thread ct = t;
		struct qri_vma pv = { .pid = 100, .prot = 3, .flags = QRI_VMA_ANON,
				      .start = 0x10000000, .end = 0x1000a000,
				      .pages_offset = zc ? QRI_NO_PAGES : 0x1000 };
		struct qri_own_run in[2] = { { 0, 4 }, { 6, 1 } };
		struct qri_page_run crun = { .addr = 0x10004000, .count = 2,
					     .where = 0x2000, .kind = QRI_RUN_COPY };

		child.pid = ct.pid = ct.tid = 101;
		child.ppid = 100;
		qri_writer_init(&w, "seed");
		qri_add_process(&w, &p, "/", "/");
		qri_add_thread(&w, &t, regs, xstate);
		qri_add_vma(&w, &pv, NULL);
		if (zc)
			qri_add_page_runs(&w, 100, pv.start, runs, 3);
		qri_add_process(&w, &child, "/", "/");
		qri_add_thread(&w, &ct, regs, xstate);
		pv.pid = 101;
		pv.pages_offset = zc ? QRI_NO_PAGES : 0xb000;
		qri_add_vma(&w, &pv, NULL);
		if (zc)
			qri_add_page_runs(&w, 101, pv.start, &crun, 1);
		qri_add_vma_inherit(&w, 101, pv.start, in, 2);
		save(argv[1], zc ? "forked-zero-copy" : "forked", &w);
	}
	/* Seccomp filters as a systemd sandbox leaves them: two threads
	 * sharing a first filter (an errno for one call, logged), the
	 * second thread with one more (kill for another call). */
	qri_writer_init(&w, "seed");
	{
		static const uint64_t errno_prog[] = {
			0x0000000000000020ull,	/* ld [0]: nr */
			0x0000002901000015ull,	/* jeq #41 (socket), 0, 1 */
			0x0005000d00000006ull,	/* ret ERRNO(13) */
			0x7fff000000000006ull,	/* ret ALLOW */
		};
		static const uint64_t kill_prog[] = {
			0x0000000000000020ull,
			0x000000a500010015ull,	/* jeq #165 (mount), 1, 0 */
			0x7fff000000000006ull,
			0x8000000000000006ull,	/* ret KILL_PROCESS */
		};
		struct qri_seccomp_filter sf = { .pid = 100, .id = 0,
						 .prev = QRI_SECCOMP_NONE,
						 .flags = QRI_SECCOMP_LOG,
						 .ninsns = 4 };
		struct qri_thread_seccomp ts0 = { .pid = 100, .tid = 100, .top = 0 };
		struct qri_thread_seccomp ts1 = { .pid = 100, .tid = 101, .top = 1 };

		qri_add_process(&w, &p, "/", "/");
		t.tid = 100;
		qri_add_thread(&w, &t, regs, xstate);
		t.tid = 101;
		qri_add_thread(&w, &t, regs, xstate);
		qri_add_raw(&w, QRI_SECCOMP_FILTER, 0, &sf, sizeof(sf),
			    errno_prog, sizeof(errno_prog));
		sf = (struct qri_seccomp_filter){ .pid = 100, .id = 1, .prev = 0,
						  .ninsns = 4 };
		qri_add_raw(&w, QRI_SECCOMP_FILTER, 0, &sf, sizeof(sf),
			    kill_prog, sizeof(kill_prog));
		qri_add_raw(&w, QRI_THREAD_SECCOMP, 0, &ts0, sizeof(ts0), NULL, 0);
		qri_add_raw(&w, QRI_THREAD_SECCOMP, 0, &ts1, sizeof(ts1), NULL, 0);
	}
	save(argv[1], "seccomp", &w);
	/* A kept nginx's files under /run: its PID file and RuntimeDirectory
	 * with a file and a link on /run, and the directory above a lock
	 * file it holds on the /run/lock tmpfs. */
	qri_writer_init(&w, "seed");
	{
		struct qri_run_entry e = { .mount = 1, .mode = 040755,
					   .flags = QRI_RUN_ABOVE };

		qri_add_run_mount(&w, 1, "/run");
		qri_add_run_entry(&w, &e, "", NULL);
		e = (struct qri_run_entry){ .mount = 1, .mode = 040750, .uid = 33, .gid = 33 };
		qri_add_run_entry(&w, &e, "nginx", NULL);
		e = (struct qri_run_entry){ .mount = 1, .mode = 0100640, .uid = 33, .size = 5 };
		qri_add_run_entry(&w, &e, "nginx/state", "ready");
		e = (struct qri_run_entry){ .mount = 1, .mode = 0120777, .size = 5 };
		qri_add_run_entry(&w, &e, "nginx/current", "state");
		e = (struct qri_run_entry){ .mount = 1, .mode = 0100644, .size = 4 };
		qri_add_run_entry(&w, &e, "nginx.pid", "100\n");
		qri_add_run_mount(&w, 2, "/run/lock");
		e = (struct qri_run_entry){ .mount = 2, .mode = 041777, .flags = QRI_RUN_ABOVE };
		qri_add_run_entry(&w, &e, "", NULL);
		e = (struct qri_run_entry){ .mount = 2, .mode = 040710, .uid = 33,
					    .flags = QRI_RUN_ABOVE };
		qri_add_run_entry(&w, &e, "nginx", NULL);
		qri_add_process(&w, &p, "/", "/");
		qri_add_thread(&w, &t, regs, xstate);
	}
	save(argv[1], "run", &w);
	return 0;
}
