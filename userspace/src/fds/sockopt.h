/* getsockopt(2) and setsockopt(2) for the socket kinds' options: an int,
 * or a timeout as SO_RCVTIMEO and SO_SNDTIMEO take it (in microseconds). */
#ifndef QR_FD_SOCKOPT_H
#define QR_FD_SOCKOPT_H

#include <stdint.h>

int qr_sockopt_get(int s, int level, int opt, int32_t *v);
int qr_sockopt_set(int s, int level, int opt, int32_t v);
int qr_sockopt_get_time(int s, int opt, uint64_t *us);
int qr_sockopt_set_time(int s, int opt, uint64_t us);

#endif
