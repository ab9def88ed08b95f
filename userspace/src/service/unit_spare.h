/* A quick reboot under systemd stops every unit but the kept ones
 * (reboot/orderly.h); a kept unit is still stopped with a unit it depends
 * on so (Requires=, BindsTo=, Requisite=, PartOf=, its slice), and its
 * frozen processes then waited for. */
#ifndef QR_UNIT_SPARE_H
#define QR_UNIT_SPARE_H

#include <stddef.h>

/* QR_EXIT_OK, or QR_EXIT_UNSAFE after naming each unit, dependency and
 * why (QR_EXIT_FAIL if systemctl failed). */
int qr_units_spare_check(const char *const *units, size_t n);

#endif
