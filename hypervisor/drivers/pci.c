/*
 * The PCI scan (drivers/pci.h), on top of the architecture layer's
 * configuration access (arch/pci_config.h). It walks bus 0 and every bus
 * a PCI-PCI bridge says lies behind it, rather than probing all 256
 * buses: that is the buses the firmware numbered, and it takes 32 reads
 * per bus instead of 8,192 in all (each one a port access that an
 * emulator such as Bochs pays for). A bitmap of visited buses stops a
 * misprogrammed bridge from sending the walk round in a loop.
 */
#include <stdio.h>

#include "arch/pci_config.h"
#include "drivers/pci.h"

#define REG_ID         0x00
#define REG_COMMAND    0x04
#define REG_CLASS      0x08
#define REG_HEADER     0x0c
#define REG_BAR0       0x10
#define REG_BUSES      0x18 /* type 1: primary, secondary, subordinate */
#define REG_INTERRUPT  0x3c
#define HEADER_TYPE(v) (((v) >> 16) & 0x7f)
#define MULTIFUNCTION  (1u << 23)
#define HEADER_DEVICE  0
#define HEADER_BRIDGE  1
#define BAR_IO         1u
#define BAR_TYPE_64    (2u << 1)
#define BAR_TYPE_MASK  (3u << 1)
#define ID_NONE        0xffffu

struct scan {
	struct pci_device *out;
	unsigned max, found;
	uint8_t visited[256 / 8];
};

static uint32_t read(const struct pci_device *d, unsigned offset)
{
	return pci_config_read32(d->bus, d->device, d->function, offset);
}

static void write(const struct pci_device *d, unsigned offset, uint32_t value)
{
	pci_config_write32(d->bus, d->device, d->function, offset, value);
}

/* Sizes each BAR by writing all ones and reading back which bits stick
 * (PCI 3.0, section 6.2.5.1), with decoding off meanwhile so that the
 * all-ones address decodes nothing, then puts everything back. */
static void read_bars(struct pci_device *d, unsigned count)
{
	uint32_t command = read(d, REG_COMMAND);
	write(d, REG_COMMAND, command & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY) & 0xffff);
	for (unsigned i = 0; i < count; i++) {
		unsigned reg = REG_BAR0 + 4 * i;
		uint32_t low = read(d, reg);
		write(d, reg, 0xffffffffu);
		uint32_t low_mask = read(d, reg);
		write(d, reg, low);
		struct pci_bar *bar = &d->bars[i];
		if (!low_mask)
			continue; /* not implemented */
		if (low & BAR_IO) {
			bar->io = true;
			bar->base = low & ~3u;
			bar->size = (uint32_t)(~(low_mask & ~3u) + 1) & 0xffff;
			continue;
		}
		uint64_t base = low & ~0xfu, mask = (low_mask & ~0xfu) | 0xffffffff00000000ULL;
		if ((low & BAR_TYPE_MASK) == BAR_TYPE_64 && i + 1 < count) {
			uint32_t high = read(d, reg + 4);
			write(d, reg + 4, 0xffffffffu);
			uint32_t high_mask = read(d, reg + 4);
			write(d, reg + 4, high);
			base |= (uint64_t)high << 32;
			mask = (uint64_t)high_mask << 32 | (low_mask & ~0xfu);
			bar->is_64bit = true;
		}
		bar->base = base;
		bar->size = ~mask + 1;
		if (bar->is_64bit)
			i++; /* the upper half is not a BAR of its own */
	}
	write(d, REG_COMMAND, command & 0xffff);
}

static void scan_bus(struct scan *s, unsigned bus);

static void add_function(struct scan *s, unsigned bus, unsigned device, unsigned function,
                         uint32_t id)
{
	struct pci_device d = {
	    .bus = (uint8_t)bus,
	    .device = (uint8_t)device,
	    .function = (uint8_t)function,
	    .vendor_id = (uint16_t)id,
	    .device_id = (uint16_t)(id >> 16),
	};
	uint32_t class = read(&d, REG_CLASS);
	d.class_code = (uint8_t)(class >> 24);
	d.subclass = (uint8_t)(class >> 16);
	d.prog_if = (uint8_t)(class >> 8);
	d.header_type = (uint8_t)HEADER_TYPE(read(&d, REG_HEADER));
	if (d.header_type == HEADER_DEVICE) {
		uint32_t interrupt = read(&d, REG_INTERRUPT);
		d.interrupt_line = (uint8_t)interrupt;
		d.interrupt_pin = (uint8_t)(interrupt >> 8);
		read_bars(&d, PCI_BAR_COUNT);
	}
	if (s->found < s->max)
		s->out[s->found] = d;
	s->found++;
	if (d.header_type == HEADER_BRIDGE) {
		unsigned secondary = (read(&d, REG_BUSES) >> 8) & 0xff;
		/* 0 means the firmware left the bridge unnumbered. */
		if (secondary)
			scan_bus(s, secondary);
	}
}

static void scan_bus(struct scan *s, unsigned bus)
{
	if (s->visited[bus / 8] & (1u << (bus % 8)))
		return;
	s->visited[bus / 8] |= (uint8_t)(1u << (bus % 8));
	for (unsigned device = 0; device < 32; device++) {
		uint32_t id = pci_config_read32(bus, device, 0, REG_ID);
		if ((id & 0xffff) == ID_NONE)
			continue;
		bool multi = pci_config_read32(bus, device, 0, REG_HEADER) & MULTIFUNCTION;
		add_function(s, bus, device, 0, id);
		for (unsigned function = 1; multi && function < 8; function++) {
			id = pci_config_read32(bus, device, function, REG_ID);
			if ((id & 0xffff) != ID_NONE)
				add_function(s, bus, device, function, id);
		}
	}
}

unsigned pci_scan(struct pci_device *out, unsigned max)
{
	struct scan s = {.out = out, .max = max};
	scan_bus(&s, 0);
	return s.found;
}

void pci_enable(const struct pci_device *d, uint16_t command_bits)
{
	uint32_t command = read(d, REG_COMMAND) & 0xffff;
	write(d, REG_COMMAND, command | command_bits);
}

void pci_format_address(const struct pci_device *d, char out[8])
{
	snprintf(out, 8, "%02x:%02x.%x", d->bus & 0xff, d->device & 0x1f, d->function & 7);
}
