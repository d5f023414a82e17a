/*
 * The fake PCI configuration space (fake/pci_config.h). A function that
 * is not present reads as all ones, as on a real bus.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/pci_config.h"
#include "fake/pci_config.h"

#define MAX_FUNCTIONS 32
#define REG_COMMAND   0x04
#define REG_BAR0      0x10
#define BAR_IO        1u
#define BAR_64        4u

static struct fake_pci_function functions[MAX_FUNCTIONS];
static unsigned reads;

void fake_pci_reset(void)
{
	memset(functions, 0, sizeof(functions));
	reads = 0;
}

struct fake_pci_function *fake_pci_add(unsigned bus, unsigned device, unsigned function,
                                       uint16_t vendor, uint16_t device_id, uint32_t class_rev,
                                       uint8_t header_type)
{
	for (unsigned i = 0; i < MAX_FUNCTIONS; i++) {
		struct fake_pci_function *f = &functions[i];
		if (f->present)
			continue;
		f->present = true;
		f->bus = (uint8_t)bus;
		f->device = (uint8_t)device;
		f->function = (uint8_t)function;
		f->config[0] = (uint32_t)device_id << 16 | vendor;
		f->config[2] = class_rev;
		f->config[3] = (uint32_t)header_type << 16;
		return f;
	}
	fail_msg("fake PCI space full");
	return 0;
}

void fake_pci_set_bar(struct fake_pci_function *f, unsigned index, uint32_t value, uint64_t size)
{
	f->config[REG_BAR0 / 4 + index] = value;
	f->bar_size[index] = size;
}

static struct fake_pci_function *find(unsigned bus, unsigned device, unsigned function)
{
	assert_true(bus < 256 && device < 32 && function < 8);
	for (unsigned i = 0; i < MAX_FUNCTIONS; i++) {
		struct fake_pci_function *f = &functions[i];
		if (f->present && f->bus == bus && f->device == device && f->function == function)
			return f;
	}
	return 0;
}

uint32_t pci_config_read32(unsigned bus, unsigned device, unsigned function, unsigned offset)
{
	assert_true(offset < 256 && offset % 4 == 0);
	reads++;
	struct fake_pci_function *f = find(bus, device, function);
	return f ? f->config[offset / 4] : 0xffffffffu;
}

/* The BAR's mask of writable address bits, for the BAR at index (or the
 * upper half of the 64-bit BAR before it). */
static uint32_t write_bar(struct fake_pci_function *f, unsigned index, uint32_t value)
{
	uint32_t old = f->config[REG_BAR0 / 4 + index];
	if (index > 0 && (f->config[REG_BAR0 / 4 + index - 1] & (BAR_64 | BAR_IO)) == BAR_64 &&
	    f->bar_size[index - 1]) {
		uint64_t mask = ~(f->bar_size[index - 1] - 1);
		return value & (uint32_t)(mask >> 32);
	}
	if (!f->bar_size[index])
		return 0;
	uint32_t type_bits = old & ((old & BAR_IO) ? 3u : 0xfu);
	bool io = old & BAR_IO;
	uint32_t command = f->config[REG_COMMAND / 4];
	if (value == 0xffffffffu && (command & (io ? 1u : 2u)))
		f->sized_while_decoding = true;
	return (value & (uint32_t) ~(f->bar_size[index] - 1)) | type_bits;
}

void pci_config_write32(unsigned bus, unsigned device, unsigned function, unsigned offset,
                        uint32_t value)
{
	assert_true(offset < 256 && offset % 4 == 0);
	struct fake_pci_function *f = find(bus, device, function);
	if (!f)
		return;
	unsigned header = (f->config[3] >> 16) & 0x7f;
	if (offset == REG_COMMAND)
		f->config[1] = (f->config[1] & 0xffff0000u) | (value & 0xffff);
	else if (offset >= REG_BAR0 && offset < REG_BAR0 + 24 && header == 0)
		f->config[offset / 4] = write_bar(f, (offset - REG_BAR0) / 4, value);
	else if (offset >= 0x0c || offset == 0)
		f->config[offset / 4] = offset == 0 ? f->config[0] : value;
}

unsigned fake_pci_reads(void)
{
	return reads;
}
