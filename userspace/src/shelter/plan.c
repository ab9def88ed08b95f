/* Shelter size and placement. */
#include "shelter/plan.h"

#include <inttypes.h>
#include <string.h>

#include "shelter/checks.h"

#define SYSTEM_RAM "System RAM"

static int is_ram(const struct qr_iomem_entry *en)
{
	return en->depth == 0 && !strcmp(en->name, SYSTEM_RAM);
}

uint64_t qr_ram_bytes(const struct qr_iomem *io)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < io->n; i++)
		if (is_ram(&io->entry[i]))
			sum += io->entry[i].end - io->entry[i].start + 1;
	return sum;
}

uint64_t qr_shelter_default_size(uint64_t ram)
{
	uint64_t size = ram / QR_SHELTER_RAM_FRACTION;

	if (size > QR_SHELTER_DEFAULT_MAX)
		size = QR_SHELTER_DEFAULT_MAX;
	size &= ~(QR_SHELTER_PLACE_ALIGN - 1);
	return size < QR_SHELTER_MIN ? 0 : size;
}

int qr_shelter_check_size(uint64_t size, uint64_t ram, struct qr_err *e)
{
	if (size % QR_SHELTER_ALIGN)
		return qr_err_set(e, "shelter size 0x%" PRIx64 " is not a multiple of the page size (%u)",
				  size, QR_SHELTER_ALIGN);
	if (size < QR_SHELTER_MIN)
		return qr_err_set(e, "shelter size %" PRIu64 " is below the minimum of %" PRIu64 " MiB",
				  size, QR_SHELTER_MIN / QR_MIB);
	if (size > ram / 2)
		return qr_err_set(e, "shelter size %" PRIu64 " MiB is more than half of RAM (%" PRIu64 " MiB)",
				  size / QR_MIB, ram / QR_MIB);
	return 0;
}

/* The first entry other than a top-level System RAM range that overlaps
 * [start, last] (a kernel image, a crash kernel, anything reserved), or
 * NULL. Every entry is looked at, sorted or not. */
static const struct qr_iomem_entry *taken(const struct qr_iomem *io,
					  uint64_t start, uint64_t last)
{
	for (size_t k = 0; k < io->n; k++) {
		const struct qr_iomem_entry *en = &io->entry[k];

		if (!is_ram(en) && en->start <= last && en->end >= start)
			return en;
	}
	return NULL;
}

/* Whether [start, start + size) lies inside ram (index i), above the
 * floor, and is not taken. */
static int free_at(const struct qr_iomem *io, size_t i, uint64_t start,
		   uint64_t size)
{
	const struct qr_iomem_entry *ram = &io->entry[i];
	uint64_t last;

	if (start < QR_SHELTER_FLOOR || start < ram->start ||
	    start > UINT64_MAX - (size - 1))
		return 0;
	last = start + (size - 1);
	return last <= ram->end && !taken(io, start, last);
}

/* The highest aligned start of size bytes that ends at or below hi. */
static uint64_t align_below(uint64_t hi, uint64_t size)
{
	if (hi < size - 1)
		return 0;
	return (hi - (size - 1)) & ~(QR_SHELTER_PLACE_ALIGN - 1);
}

int qr_shelter_place(const struct qr_iomem *io, uint64_t size,
		     struct qr_range *out, struct qr_err *e)
{
	uint64_t best = 0;

	if (size == 0 || size % QR_SHELTER_ALIGN)
		return qr_err_set(e, "shelter size 0x%" PRIx64 " is not a positive multiple of the page size",
				  size);
	/* The best place ends at the top of a RAM range or just below one of
	 * its children: try those ends (children need not be sorted). */
	for (size_t i = 0; i < io->n; i++) {
		const struct qr_iomem_entry *ram = &io->entry[i];
		uint64_t start;

		if (!is_ram(ram))
			continue;
		start = align_below(ram->end, size);
		if (start > best && free_at(io, i, start, size))
			best = start;
		for (size_t j = i + 1; j < io->n && io->entry[j].depth > 0; j++) {
			if (io->entry[j].start == 0)
				continue;
			start = align_below(io->entry[j].start - 1, size);
			if (start > best && free_at(io, i, start, size))
				best = start;
		}
	}
	if (!best)
		return qr_err_set(e, "no free System RAM range of %" PRIu64 " MiB above %" PRIu64 " MiB: "
				  "give a smaller --shelter", size / QR_MIB, QR_SHELTER_FLOOR / QR_MIB);
	out->start = best;
	out->size = size;
	return 0;
}

int qr_shelter_fits(const struct qr_iomem *io, const struct qr_range *r,
		    struct qr_err *e)
{
	uint64_t last = qr_range_last(r);

	if (qr_shelter_check_alignment(r, e))
		return -1;
	if (qr_shelter_check_iomem(io, r, NULL) == 0)
		return QR_FIT_RESERVED;
	for (size_t i = 0; i < io->n; i++) {
		const struct qr_iomem_entry *ram = &io->entry[i], *c;
		char shown[QR_TOKEN_BUF];

		if (!is_ram(ram) || r->start < ram->start || last > ram->end)
			continue;
		c = taken(io, r->start, last);
		if (c)
			return qr_err_set(e, "shelter 0x%" PRIx64 "-0x%" PRIx64 " overlaps '%s' at 0x%" PRIx64 "-0x%" PRIx64,
					  r->start, last,
					  qr_err_token(shown, c->name, strlen(c->name)),
					  c->start, c->end);
		return QR_FIT_FREE;
	}
	return qr_err_set(e, "shelter 0x%" PRIx64 "-0x%" PRIx64 " is neither reserved nor inside one System RAM range",
			  r->start, last);
}
