/* See restore/vdso.h. The section headers give .dynsym and its string
 * table; the vDSO is linked at address 0 on x86-64, but the first PT_LOAD
 * is used as the base anyway so a future link address would not matter. */
#include <elf.h>
#include <string.h>

#include "restore/vdso.h"
#include "restorer/restorer.h"

static int in(size_t len, uint64_t off, uint64_t size)
{
	return off <= len && size <= len - off;
}

int qr_vdso_syms(const uint8_t *img, size_t len, struct qr_vdso_sym *syms,
		 struct qr_err *e)
{
	Elf64_Ehdr eh;
	Elf64_Shdr sym_sh, str_sh;
	uint64_t base = 0;
	int n = 0, have_load = 0;

	if (len < sizeof(eh))
		return qr_err_set(e, "vDSO: shorter than an ELF header");
	memcpy(&eh, img, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    !in(len, eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr)) ||
	    !in(len, eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr)))
		return qr_err_set(e, "vDSO: not a 64-bit ELF image");
	for (int i = 0; i < eh.e_phnum && !have_load; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, img + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_LOAD) {
			base = ph.p_vaddr - ph.p_offset;
			have_load = 1;
		}
	}
	for (int i = 0; i < eh.e_shnum; i++) {
		memcpy(&sym_sh, img + eh.e_shoff + i * sizeof(sym_sh), sizeof(sym_sh));
		if (sym_sh.sh_type == SHT_DYNSYM)
			break;
	}
	if (!have_load || sym_sh.sh_type != SHT_DYNSYM || sym_sh.sh_link >= eh.e_shnum ||
	    !in(len, sym_sh.sh_offset, sym_sh.sh_size))
		return qr_err_set(e, "vDSO: no dynamic symbol table");
	memcpy(&str_sh, img + eh.e_shoff + sym_sh.sh_link * sizeof(str_sh), sizeof(str_sh));
	if (!in(len, str_sh.sh_offset, str_sh.sh_size))
		return qr_err_set(e, "vDSO: string table out of bounds");
	for (uint64_t off = 0; off + sizeof(Elf64_Sym) <= sym_sh.sh_size; off += sizeof(Elf64_Sym)) {
		const char *name = (const char *)img + str_sh.sh_offset;
		Elf64_Sym s;
		size_t nlen;

		memcpy(&s, img + sym_sh.sh_offset + off, sizeof(s));
		if (ELF64_ST_TYPE(s.st_info) != STT_FUNC ||
		    ELF64_ST_BIND(s.st_info) == STB_LOCAL || s.st_shndx == SHN_UNDEF)
			continue;
		if (s.st_name >= str_sh.sh_size)
			return qr_err_set(e, "vDSO: symbol name out of bounds");
		name += s.st_name;
		nlen = strnlen(name, str_sh.sh_size - s.st_name);
		if (nlen == str_sh.sh_size - s.st_name || nlen >= QR_VDSO_NAME)
			return qr_err_set(e, "vDSO: symbol name unterminated or too long");
		if (s.st_value < base || s.st_value - base >= len)
			return qr_err_set(e, "vDSO: symbol %s outside the image", name);
		if (n == QR_VDSO_MAX_SYMS)
			return qr_err_set(e, "vDSO: more than %d functions", QR_VDSO_MAX_SYMS);
		memcpy(syms[n].name, name, nlen + 1);
		syms[n].offset = s.st_value - base;
		syms[n].size = s.st_size < len - syms[n].offset ?
			s.st_size : len - syms[n].offset;
		n++;
	}
	return n;
}

int qr_vdso_link(const struct qr_vdso_sym *old, int nold, uint64_t old_base,
		 size_t old_len, const struct qr_vdso_sym *new, int nnew,
		 uint64_t new_base, struct qr_rst_tramp *out, int max)
{
	int n = 0;

	for (int i = 0; i < nold && n < max; i++) {
		if (old_len < QR_TRAMP_LEN || old[i].offset > old_len - QR_TRAMP_LEN)
			continue;
		for (int j = 0; j < nnew; j++) {
			if (strcmp(old[i].name, new[j].name))
				continue;
			out[n].from = old_base + old[i].offset;
			out[n].to = new_base + new[j].offset;
			n++;
			break;
		}
	}
	return n;
}

static int overlaps_tramp(const struct qr_rst_tramp *t, int n, uint64_t at,
			  size_t len)
{
	for (int i = 0; i < n; i++)
		if (t[i].from < at + len && at < t[i].from + QR_TRAMP_LEN)
			return 1;
	return 0;
}

uint64_t qr_vdso_stub_place(const struct qr_vdso_sym *old, int nold,
			    uint64_t old_base, const struct qr_rst_tramp *t,
			    int n, size_t stub_len)
{
	for (int i = 0; i < nold; i++) {
		uint64_t entry = old_base + old[i].offset;
		int jumps = 0;

		for (int j = 0; j < n; j++)
			jumps |= t[j].from == entry;
		if (!jumps || old[i].size < QR_TRAMP_LEN + stub_len ||
		    overlaps_tramp(t, n, entry + QR_TRAMP_LEN, stub_len))
			continue;
		return entry + QR_TRAMP_LEN;
	}
	return 0;
}

uint64_t qr_find_hole(const uint64_t (*areas)[2], size_t n, uint64_t size,
		      uint64_t from, uint64_t limit)
{
	uint64_t a = (from + 4095) & ~4095ull;

	for (size_t i = 0; i < n; i++) {
		if (areas[i][1] <= a)
			continue;
		if (areas[i][0] >= a + size)
			break;
		a = (areas[i][1] + 4095) & ~4095ull;
	}
	return a + size <= limit && a + size > a ? a : 0;
}
