/* What the kernel side (modules/shelter) and the rest of quickreboot agree
 * on about the shelter. */
#ifndef QR_SHELTER_CONTRACT_H
#define QR_SHELTER_CONTRACT_H

#define QR_SHELTER_MODULE "shelter"
/* Module parameters: region=SIZE@ADDR (string), format (bool). */
#define QR_SHELTER_OPT_REGION "region"
#define QR_SHELTER_OPT_FORMAT "format"
#define QR_SHELTER_DEVICE "/dev/shelter0"
#define QR_SHELTER_MOUNTPOINT "/run/quickreboot/shelter"
#define QR_SHELTER_LABEL "qr-shelter"

#endif
