/* PIDs as the command line, the configuration and the keep record write
 * them: one parser for all three. */
#ifndef QR_LIB_PID_H
#define QR_LIB_PID_H

/* The largest PID Linux gives (PID_MAX_LIMIT on 64-bit). */
#define QR_PID_MAX 4194304

/* Decimal digits only, no sign, space or leading zero, in 1..QR_PID_MAX:
 * the PID, or -1. Pure. */
long qr_pid_parse(const char *s);

#endif
