/* timerfd: its clock, flags, time left, interval and the expirations not
 * read yet, from fdinfo; armed again for the time it had left less the
 * CLOCK_REALTIME that went on since (event.h), the expirations set by
 * TFD_IOC_SET_TICKS. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "fds/dupfd.h"
#include "fds/event.h"
#include "fds/kind.h"
#include "lib/exit.h"
#include "lib/readfile.h"

#ifndef TFD_IOC_SET_TICKS
#define TFD_IOC_SET_TICKS _IOW('T', 0, uint64_t)
#endif

#define NS 1000000000ull

/* "(SEC, NSEC)" into ns. */
static int parse_time(const char *v, size_t len, uint64_t *ns)
{
	const char *p = v, *end = v + len;
	uint64_t sec, nsec;

	if (p == end || *p++ != '(' || qr_fdinfo_num(&p, end, 10, &sec) ||
	    p + 2 > end || p[0] != ',' || p[1] != ' ')
		return -1;
	p += 2;
	if (qr_fdinfo_num(&p, end, 10, &nsec) || p + 1 != end || *p != ')' ||
	    nsec >= NS || sec >= QRI_TFD_MAX_NS / NS)
		return -1;
	*ns = sec * NS + nsec;
	return 0;
}

/* A whole field as a number of base. */
static int field_num(const char *text, const char *key, int base,
		     uint64_t *v)
{
	size_t len;
	const char *s = qr_fdinfo_field(text, key, &len), *p = s;

	return !s || qr_fdinfo_num(&p, s + len, base, v) || p != s + len ? -1 : 0;
}

static bool known_clock(uint64_t c)
{
	return c == CLOCK_REALTIME || c == CLOCK_MONOTONIC ||
		c == CLOCK_BOOTTIME || c == CLOCK_REALTIME_ALARM ||
		c == CLOCK_BOOTTIME_ALARM;
}

int qr_timerfd_parse(const char *text, struct qri_timerfd *out,
		     struct qr_err *e)
{
	uint64_t clock, flags;
	const char *v;
	size_t len;

	memset(out, 0, sizeof(*out));
	if (field_num(text, "clockid:", 10, &clock) || !known_clock(clock))
		return qr_err_set(e, "timerfd: no clockid it can have in fdinfo");
	if (field_num(text, "ticks:", 10, &out->ticks))
		return qr_err_set(e, "timerfd: no ticks in fdinfo");
	if (field_num(text, "settime flags:", 8, &flags) ||
	    flags & ~(uint64_t)(QRI_TFD_ABSTIME | QRI_TFD_CANCEL_ON_SET))
		return qr_err_set(e, "timerfd: no settime flags it can have in fdinfo");
	out->clockid = (int32_t)clock;
	out->settime_flags = (uint32_t)flags;
	v = qr_fdinfo_field(text, "it_value:", &len);
	if (!v || parse_time(v, len, &out->value_ns))
		return qr_err_set(e, "timerfd: no it_value in fdinfo");
	v = qr_fdinfo_field(text, "it_interval:", &len);
	if (!v || parse_time(v, len, &out->interval_ns))
		return qr_err_set(e, "timerfd: no it_interval in fdinfo");
	return 0;
}

int qr_timerfd_decode(const uint8_t *data, size_t len,
		      struct qri_timerfd *out, struct qr_err *e)
{
	if (len != sizeof(*out))
		return qr_err_set(e, "timerfd data of %zu bytes, not %zu", len,
				  sizeof(*out));
	memcpy(out, data, sizeof(*out));
	if (out->clockid < 0 || !known_clock((uint64_t)out->clockid))
		return qr_err_set(e, "timerfd: clock %d", out->clockid);
	if (out->settime_flags & ~(uint32_t)(QRI_TFD_ABSTIME | QRI_TFD_CANCEL_ON_SET) ||
	    out->value_ns >= QRI_TFD_MAX_NS || out->interval_ns >= QRI_TFD_MAX_NS)
		return qr_err_set(e, "timerfd: flags or times out of range");
	return 0;
}

void qr_timerfd_plan(const struct qri_timerfd *t, uint64_t elapsed_ns,
		     struct qr_timerfd_plan *p)
{
	uint64_t over, n;

	p->interval_ns = t->interval_ns;
	p->ticks = t->ticks;
	p->value_ns = 0;
	if (!t->value_ns && !t->interval_ns)
		return;		/* disarmed */
	if (t->value_ns > elapsed_ns) {
		p->value_ns = t->value_ns - elapsed_ns;
		return;
	}
	/* Due during the reboot: once, and once per whole interval since.
	 * A periodic one read at 0 left was due when read (the capture could
	 * not move it on), that expiration already in ticks. */
	over = elapsed_ns - t->value_ns;
	n = t->interval_ns ? !!t->value_ns + over / t->interval_ns : 1;
	p->ticks = p->ticks > UINT64_MAX - n ? UINT64_MAX : p->ticks + n;
	if (t->interval_ns)
		p->value_ns = t->interval_ns - over % t->interval_ns;
}

static bool timerfd_match(const char *link, const struct stat *st)
{
	(void)st;
	return !strcmp(link, "anon_inode:[timerfd]");
}

static int read_fdinfo(struct qr_fd_capture *c, struct qri_timerfd *t)
{
	struct timespec now;
	char name[32];
	struct qr_err e;
	char *text;
	int rc;

	snprintf(name, sizeof(name), "fdinfo/%d", c->fd);
	text = qr_read_proc(c->pid, name);
	clock_gettime(CLOCK_REALTIME, &now);
	if (!text) {
		qr_error("process %d: fd %d: timerfd: no fdinfo", c->pid, c->fd);
		return -1;
	}
	rc = qr_timerfd_parse(text, t, &e);
	free(text);
	if (rc) {
		qr_error("process %d: fd %d: %s", c->pid, c->fd, e.msg);
		return -1;
	}
	t->realtime_ns = (uint64_t)now.tv_sec * NS + (uint64_t)now.tv_nsec;
	return 0;
}

/* Why t cannot be carried, or NULL. A TFD_TIMER_CANCEL_ON_SET timer that
 * a change of CLOCK_REALTIME cancelled reads ECANCELED until read, and
 * no ABI makes a timer cancelled again short of setting the clock for
 * everyone; fdinfo does not say it either, but the kernel counts the
 * cancel as a tick: a one-shot timer with ticks and time left, or two
 * ticks, was cancelled; a periodic one's ticks cannot be told apart. */
static const char *not_carried(const struct qri_timerfd *t)
{
	bool might_cancel = (t->clockid == CLOCK_REALTIME ||
			     t->clockid == CLOCK_REALTIME_ALARM) &&
		t->settime_flags & QRI_TFD_ABSTIME &&
		t->settime_flags & QRI_TFD_CANCEL_ON_SET;

	if (!might_cancel || !t->ticks)
		return NULL;
	if (!t->interval_ns)
		return t->value_ns || t->ticks > 1 ?
			"cancelled by a change of CLOCK_REALTIME (TFD_TIMER_CANCEL_ON_SET), not read yet" :
			NULL;
	return "periodic TFD_TIMER_CANCEL_ON_SET timer with expirations not read yet: whether a change of CLOCK_REALTIME cancelled it cannot be told";
}

/* fdinfo shows a periodic timer that expired and was not read since at 0
 * left: the kernel moves it on to its next expiry (counting those missed)
 * only when it is read or asked. timerfd_gettime on a duplicate asks, as
 * the process's own read would: nothing it can see changes. */
static int timerfd_capture(struct qr_fd_capture *c)
{
	int dup = qr_fd_dup(c->pid, c->fd), rc = -1;
	struct qri_timerfd t;

	for (int tries = 0; tries < 5; tries++) {
		struct itimerspec its;

		if (dup >= 0)
			timerfd_gettime(dup, &its);
		rc = read_fdinfo(c, &t);
		if (rc || t.value_ns || !t.interval_ns || dup < 0)
			break;
	}
	if (dup >= 0)
		close(dup);
	if (!rc && not_carried(&t)) {
		qr_error("process %d: fd %d: timerfd %s: not carried", c->pid,
			 c->fd, not_carried(&t));
		rc = -1;
	}
	if (!rc)
		qr_strbuf_add(c->data, &t, sizeof(t));
	return rc;
}

static struct timespec ts_of(uint64_t ns)
{
	return (struct timespec){ .tv_sec = ns / NS, .tv_nsec = ns % NS };
}

static int timerfd_open(struct qr_files *t, const struct qri_file_img *f)
{
	struct itimerspec its = { 0 };
	struct qr_timerfd_plan p;
	struct timespec now;
	struct qri_timerfd tf;
	uint64_t real, clock;
	struct qr_err e;
	int fd, flags;

	(void)t;
	if (qr_timerfd_decode(f->data, f->f.data_len, &tf, &e)) {
		qr_error("restore: file %u: %s", f->f.id, e.msg);
		return -1;
	}
	fd = timerfd_create(tf.clockid, TFD_CLOEXEC |
			    (f->f.open_flags & O_NONBLOCK ? TFD_NONBLOCK : 0));
	if (fd < 0) {
		qr_error("restore: file %u: timerfd on clock %d: %s", f->f.id,
			 tf.clockid, strerror(errno));
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	real = (uint64_t)now.tv_sec * NS + (uint64_t)now.tv_nsec;
	qr_timerfd_plan(&tf, real > tf.realtime_ns ? real - tf.realtime_ns : 0, &p);
	flags = (tf.settime_flags & QRI_TFD_ABSTIME ? TFD_TIMER_ABSTIME : 0) |
		(tf.settime_flags & QRI_TFD_CANCEL_ON_SET ? TFD_TIMER_CANCEL_ON_SET : 0);
	its.it_interval = ts_of(p.interval_ns);
	its.it_value = ts_of(p.value_ns);
	/* Absolute: due at the same time of its clock, which this command
	 * reads as the processes will (the image's time namespace). */
	if (p.value_ns && flags & TFD_TIMER_ABSTIME) {
		clock_gettime(tf.clockid, &now);
		clock = (uint64_t)now.tv_sec * NS + (uint64_t)now.tv_nsec;
		its.it_value = ts_of(clock + p.value_ns);
	}
	if (((p.value_ns || flags) && timerfd_settime(fd, flags, &its, NULL)) ||
	    (p.ticks && ioctl(fd, TFD_IOC_SET_TICKS, &p.ticks))) {
		qr_error("restore: file %u: timerfd: %s", f->f.id, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int timerfd_valid(const struct qri_file_img *f, struct qr_err *e)
{
	struct qri_timerfd t;

	return qr_timerfd_decode(f->data, f->f.data_len, &t, e);
}

const struct qr_fd_kind qr_fd_timerfd = {
	.kind = QRI_FD_TIMERFD, .name = "timerfd",
	.match = timerfd_match, .capture = timerfd_capture,
	.valid = timerfd_valid, .open = timerfd_open,
};
