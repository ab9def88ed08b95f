/* UNIX sockets: stream, datagram and seqpacket; socketpairs and pairs
 * made by connect/accept; bound to a path, an abstract name or unbound;
 * listening with their backlog and the connections queued on them;
 * shutdown state; the options that change behaviour; the peer
 * credentials each end reports (SO_PEERCRED, SO_PEERGROUPS); the names
 * each end shows; the data queued in each direction, message by message,
 * datagrams with their senders' names.
 *
 * Its parts (unix_kind.h): capture (unix_capture.c), the kept set
 * (unix_check.c), restore (unix_restore.c) with the sockets that need
 * another process's credentials (unix_cred.c), options (unix_opts.c),
 * the image data (unix_img.c).
 *
 * Not carried, refused by name: a peer or a queued connection outside
 * the kept set, file descriptors or credentials in flight, data sent on
 * a connection not yet accepted, a path name that is no longer the
 * socket's file (or relative, or under another root), datagrams queued
 * on an unnamed socket with no kept peer, peer credentials restore
 * cannot make again (another PID namespace's pid, pid 1, a connection
 * no longer there, a queued connection from a socket another uid made),
 * a peer's security label other than restore's, an eBPF filter, a pair's
 * queue that an empty message peeked over leaves short. Failed at
 * restore, by name: a peer's pid taken in the New kernel, an option set
 * that it lacks. Lost: an empty datagram or seqpacket message peeked
 * over in a queue with no peer to count it (one fed by unconnected
 * senders), the credentials queued messages carry for SCM_CREDENTIALS
 * (restore's, seen if the reader turns SO_PASSCRED on later), and
 * SO_PEERPIDFD (the peer's pid is a helper's that exited).
 */
#include "fds/unix_kind.h"
#include "lib/err.h"

static int unix_valid(const struct qri_file_img *f, struct qr_err *e)
{
	struct qr_unix_img u;
	const char *why;

	if (qr_unix_img_parse(f->data, f->f.data_len, &u, &why))
		return qr_err_set(e, "UNIX socket: %s", why);
	return 0;
}

const struct qr_fd_kind qr_fd_unix = {
	.kind = QRI_FD_UNIX, .name = "UNIX socket",
	.match = qr_unix_match, .capture = qr_unix_capture,
	.check_set = qr_unix_check_set, .valid = unix_valid,
	.open = qr_unix_open,
};
