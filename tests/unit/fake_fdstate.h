/* What the unit tests' qr_fdstate answers (fake_fdstate.c). */
#ifndef QR_TEST_FAKE_FDSTATE_H
#define QR_TEST_FAKE_FDSTATE_H

#include <stdint.h>

extern int fake_rqueue_extra;	/* added to a socket's count */
extern uint64_t fake_next_wd;	/* an inotify group's next wd */

#endif
