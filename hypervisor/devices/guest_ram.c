/* A guest's RAM, one block or page by page (guest_ram.h). */
#include <string.h>

#include "devices/guest_ram.h"

uint8_t *guest_ram_at(const struct guest_ram *ram, uint64_t gpa, uint64_t len, bool for_write,
                      uint64_t *run)
{
	if (ram->base) {
		*run = len;
		return ram->base + gpa;
	}
	uint64_t in_page = GUEST_RAM_PAGE - (gpa & (GUEST_RAM_PAGE - 1));
	*run = len < in_page ? len : in_page;
	uint8_t *page = ram->page(ram->ctx, gpa & ~(uint64_t)(GUEST_RAM_PAGE - 1), for_write);
	return page ? page + (gpa & (GUEST_RAM_PAGE - 1)) : 0;
}

/* Walks [gpa, gpa + len) in host runs, copying to or from buf. */
static bool copy(const struct guest_ram *ram, uint64_t gpa, uint8_t *buf, uint64_t len, bool write)
{
	while (len) {
		uint64_t run;
		uint8_t *at = guest_ram_at(ram, gpa, len, write, &run);
		if (!at)
			return false;
		if (write)
			memcpy(at, buf, run);
		else
			memcpy(buf, at, run);
		gpa += run;
		buf += run;
		len -= run;
	}
	return true;
}

bool guest_ram_read(const struct guest_ram *ram, uint64_t gpa, void *out, uint64_t len)
{
	return copy(ram, gpa, out, len, false);
}

bool guest_ram_write(const struct guest_ram *ram, uint64_t gpa, const void *in, uint64_t len)
{
	return copy(ram, gpa, (uint8_t *)in, len, true);
}

bool guest_ram_writable(const struct guest_ram *ram, uint64_t gpa, uint64_t len)
{
	while (len) {
		uint64_t run;
		if (!guest_ram_at(ram, gpa, len, true, &run))
			return false;
		gpa += run;
		len -= run;
	}
	return true;
}
