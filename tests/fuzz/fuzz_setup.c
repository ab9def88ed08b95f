/* Fuzzes setup planning on a hostile /proc/iomem: the input up to its
 * first NUL byte; after it, an old drop-in's text, whose shelter is also
 * the running kernel's when the text starts with "active". No crash, and
 * a planned shelter is page aligned, a new one free RAM above the floor
 * and 2 MiB aligned, and its drop-in text names it again. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "boot/grub_dropin.h"
#include "boot/bootarea.h"
#include "boot/bootarea_place.h"
#include "boot/setup_plan.h"
#include "shelter/checks.h"
#include "shelter/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	const uint8_t *nul = memchr(data, 0, size);
	char *old = nul ? fuzz_string(nul + 1, size - (size_t)(nul + 1 - data)) : NULL;
	struct qr_setup_input in = { 0 };
	struct qr_setup_plan p;
	struct qr_strbuf text = { 0 };
	struct qr_range back;
	struct qr_iomem io;
	struct qr_err e;

	if (old) {
		in.dropin_named = qr_grub_dropin_shelter(old, &in.dropin, &e) == 0;
		in.active_named = in.dropin_named && !strncmp(old, "active", 6);
		in.active = in.dropin;
	}
	if (qr_iomem_parse(s, &io, &e) == 0) {
		in.io = &io;
		if (qr_setup_decide(&in, &p, &e) == 0) {
			if (p.shelter.start % QR_SHELTER_ALIGN || p.shelter.size % QR_SHELTER_ALIGN ||
			    !p.shelter.size)
				abort();
			if (p.source == QR_SETUP_NEW &&
			    (qr_shelter_fits(&io, &p.shelter, &e) != QR_FIT_FREE ||
			     p.shelter.start < QR_SHELTER_FLOOR ||
			     p.shelter.start % QR_SHELTER_PLACE_ALIGN))
				abort();
			/* The boot area: whole blocks, below 4 GiB, apart from the shelter. */
			if (p.boot.size && (p.boot.start % QR_MEMORY_BLOCK || p.boot.size % QR_MEMORY_BLOCK ||
			    p.boot.size < QR_BOOTAREA_MIN ||
			    p.boot.start + p.boot.size > QR_BOOTAREA_LIMIT ||
			    (p.boot.start < p.shelter.start + p.shelter.size &&
			     p.shelter.start < p.boot.start + p.boot.size)))
				abort();
			qr_grub_dropin_text(&text, &p.shelter, p.boot.size ? &p.boot : NULL);
			if (qr_grub_dropin_shelter(qr_strbuf_str(&text), &back, &e) ||
			    back.start != p.shelter.start || back.size != p.shelter.size)
				abort();
			qr_strbuf_free(&text);
		}
		qr_iomem_free(&io);
	}
	free(s);
	free(old);
	return 0;
}
