/* The event-loop kinds (eventfd.c, timerfd.c, signalfd.c, epoll.c): the
 * data each keeps in its QRI_FILE record (little-endian, fixed layout),
 * the pure parsers of the /proc/PID/fdinfo text they capture from, and
 * the pure decoders of that data that restore and the image fuzz target
 * run. fdinfo and the image are both untrusted here: a parser or decoder
 * refuses what it does not understand with a message in e, never crashes.
 */
#ifndef QR_FDS_EVENT_H
#define QR_FDS_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

/* QRI_FD_EVENTFD: the counter and whether reads take one at a time. */
struct qri_eventfd {
	uint64_t count;		/* below UINT64_MAX */
	uint32_t flags;		/* QRI_EFD_* */
	uint32_t pad;
};

#define QRI_EFD_SEMAPHORE 1

/* QRI_FD_TIMERFD: as timerfd_settime(2) armed it, with what it had left
 * when read. value_ns is the time left on its clock at realtime_ns
 * (CLOCK_REALTIME): restore takes off what CLOCK_REALTIME went on since,
 * as the time namespace makes the kept processes' clocks go on, so a
 * timer due during the reboot fires at once with its expirations
 * counted. An absolute timer is armed again as absolute, on the clocks
 * of the image's time namespace. ticks: expirations not read yet. */
struct qri_timerfd {
	int32_t clockid;	/* CLOCK_REALTIME, _MONOTONIC, _BOOTTIME, _*_ALARM */
	uint32_t settime_flags;	/* TFD_TIMER_ABSTIME, TFD_TIMER_CANCEL_ON_SET */
	uint64_t ticks;
	uint64_t value_ns;	/* 0: disarmed */
	uint64_t interval_ns;	/* 0: one expiration */
	uint64_t realtime_ns;
};

#define QRI_TFD_ABSTIME 1
#define QRI_TFD_CANCEL_ON_SET 2
/* Longer than any timer a process arms (292 years). */
#define QRI_TFD_MAX_NS (1ull << 63)

/* QRI_FD_SIGNALFD: the signals it reads (bit N-1: signal N). */
struct qri_signalfd {
	uint64_t sigmask;
};

/* QRI_FD_EPOLL: its targets, which name fds of the one process that
 * added them (the process and fd the capture met it at, which checked
 * each target is still that fd's file): that process registers them again
 * before it runs. Tail: ntargets struct qri_epoll_target. */
struct qri_epoll {
	uint32_t owner_pid, owner_fd;
	uint32_t ntargets;
	uint32_t pad;
};

struct qri_epoll_target {
	uint32_t fd;
	uint32_t events;	/* EPOLL* with EPOLLET, ONESHOT, EXCLUSIVE, WAKEUP */
	uint64_t data;
};

/* What an epoll registration may hold: the poll bits, EPOLLRDHUP and the
 * four input flags. */
#define QRI_EPOLL_KNOWN (0xffffu | 0x2000u | (0xfu << 28))
#define QRI_EPOLL_MAX_TARGETS (1u << 20)

/* The value after "key:" on a line of fdinfo text (spaces and tabs
 * skipped), its length to the end of line in *len; NULL if no line starts
 * with key. */
const char *qr_fdinfo_field(const char *text, const char *key, size_t *len);

/* Digits of base (8, 10, 16) at *s, before end, into *v; *s moved past
 * them. -1 if none or beyond UINT64_MAX. */
int qr_fdinfo_num(const char **s, const char *end, int base, uint64_t *v);

/* fdinfo of each kind. eventfd: *sem_known is 0 when the kernel does not
 * show the mode (before 6.5), out->flags then 0. */
int qr_eventfd_parse(const char *text, struct qri_eventfd *out,
		     int *sem_known, struct qr_err *e);
int qr_timerfd_parse(const char *text, struct qri_timerfd *out,
		     struct qr_err *e);
int qr_signalfd_parse(const char *text, struct qri_signalfd *out,
		      struct qr_err *e);
/* The "tfd:" lines, in order, into a malloc'd *out (NULL when none). */
int qr_epoll_parse(const char *text, struct qri_epoll_target **out,
		   size_t *n, struct qr_err *e);

/* A file's data as restore reads it. epoll: *t points into data. */
int qr_eventfd_decode(const uint8_t *data, size_t len,
		      struct qri_eventfd *out, struct qr_err *e);
int qr_timerfd_decode(const uint8_t *data, size_t len,
		      struct qri_timerfd *out, struct qr_err *e);
int qr_signalfd_decode(const uint8_t *data, size_t len,
		       struct qri_signalfd *out, struct qr_err *e);
int qr_epoll_decode(const uint8_t *data, size_t len, struct qri_epoll *out,
		    const struct qri_epoll_target **t, struct qr_err *e);

/* Restore's timer: what to arm and how many expirations to set, from the
 * data and the CLOCK_REALTIME elapsed since it was read (pure). */
struct qr_timerfd_plan {
	uint64_t value_ns;	/* time left from now; 0: leave disarmed */
	uint64_t interval_ns;
	uint64_t ticks;		/* expirations to set once armed; 0: none */
};

void qr_timerfd_plan(const struct qri_timerfd *t, uint64_t elapsed_ns,
		     struct qr_timerfd_plan *p);

#endif
