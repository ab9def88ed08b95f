/* Shelter location and safety checks. */
#include "shelter/checks.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "boot/memmap.h"

int qr_shelter_from_cmdline(const struct qr_cmdline *cl, struct qr_range *r,
			    struct qr_err *e)
{
	const struct qr_param *p = qr_cmdline_find_last(cl, QR_SHELTER_PARAM);
	struct qr_err inner;

	if (!p)
		return 1;
	if (!p->value)
		return qr_err_set(e, "'%s' has no value: expected %s=SIZE@ADDR",
				  QR_SHELTER_PARAM, QR_SHELTER_PARAM);
	if (qr_parse_range(p->value, '@', r, &inner))
		return qr_err_set(e, "%s=: %s", QR_SHELTER_PARAM, inner.msg);
	return 0;
}

int qr_shelter_check_alignment(const struct qr_range *r, struct qr_err *e)
{
	if (r->start % QR_SHELTER_ALIGN || r->size % QR_SHELTER_ALIGN)
		return qr_err_set(e, "shelter 0x%" PRIx64 "@0x%" PRIx64
				  " is not aligned to %u bytes",
				  r->size, r->start, QR_SHELTER_ALIGN);
	/* The module's own floor (modules/shelter/region.c). */
	if (r->size < 2 * QR_SHELTER_ALIGN)
		return qr_err_set(e, "shelter 0x%" PRIx64 "@0x%" PRIx64
				  " is too small: the module needs its header page and at least one data page (%u bytes)",
				  r->size, r->start, 2 * QR_SHELTER_ALIGN);
	return 0;
}

static bool covers(const struct qr_range *outer, const struct qr_range *inner)
{
	return outer->start <= inner->start &&
	       qr_range_last(inner) <= qr_range_last(outer);
}

int qr_shelter_check_memmap(const struct qr_cmdline *cl,
			    const struct qr_range *r, struct qr_err *e)
{
	bool covered = false;

	for (size_t i = 0; i < cl->n; i++) {
		const struct qr_param *p = &cl->param[i];
		struct qr_memmap mm;
		struct qr_err inner;

		if (p->init_arg || !qr_param_name_eq(p->name, "memmap"))
			continue;
		if (!p->value)
			return qr_err_set(e, "'memmap' without a value");
		if (qr_memmap_parse(p->value, &mm, &inner))
			return qr_err_set(e, "%s", inner.msg);
		for (size_t j = 0; j < mm.n; j++)
			if (mm.entry[j].kind == QR_MEMMAP_RESERVED &&
			    covers(&mm.entry[j].range, r))
				covered = true;
		qr_memmap_free(&mm);
	}
	if (!covered)
		return qr_err_set(e, "no memmap=SIZE$ADDR reserves the shelter "
				  "0x%" PRIx64 "@0x%" PRIx64
				  ": the kernel would use it as RAM",
				  r->size, r->start);
	return 0;
}

static bool overlaps(const struct qr_iomem_entry *en, const struct qr_range *r)
{
	return en->start <= qr_range_last(r) && r->start <= en->end;
}

int qr_shelter_check_iomem(const struct qr_iomem *io, const struct qr_range *r,
			   struct qr_err *e)
{
	bool reserved = false;

	for (size_t i = 0; i < io->n; i++) {
		const struct qr_iomem_entry *en = &io->entry[i];

		if (!strcmp(en->name, "System RAM") && overlaps(en, r))
			return qr_err_set(e, "shelter 0x%" PRIx64 "-0x%" PRIx64
					  " overlaps System RAM 0x%" PRIx64 "-0x%" PRIx64
					  ": it is not reserved (is memmap=SIZE$ADDR on the command line?)",
					  r->start, qr_range_last(r), en->start, en->end);
		if (!strcmp(en->name, "Reserved") && en->start <= r->start &&
		    qr_range_last(r) <= en->end)
			reserved = true;
	}
	if (!qr_iomem_has_addresses(io))
		return qr_err_set(e, "iomem shows no addresses (reading /proc/iomem needs CAP_SYS_ADMIN)");
	if (!reserved)
		return qr_err_set(e, "shelter 0x%" PRIx64 "-0x%" PRIx64
				  " is not inside one Reserved range of iomem",
				  r->start, qr_range_last(r));
	return 0;
}
