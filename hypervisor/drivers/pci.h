/*
 * The machine's PCI devices, as solo's own drivers see them: a scan of
 * configuration space at boot lists every function with its IDs, class,
 * BARs and interrupt line, and a driver enables the one it takes. This is
 * hardware solo drives itself; the PCI bus a guest sees is
 * devices/pci_host.c, a different room.
 */
#ifndef SOLO_DRIVERS_PCI_H
#define SOLO_DRIVERS_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_MAX_DEVICES 64
#define PCI_BAR_COUNT   6

#define PCI_COMMAND_IO         (1u << 0)
#define PCI_COMMAND_MEMORY     (1u << 1)
#define PCI_COMMAND_BUS_MASTER (1u << 2)

#define PCI_CLASS_NETWORK 0x02

struct pci_bar {
	uint64_t base; /* 0: not implemented (or not assigned) */
	uint64_t size;
	bool io;       /* an I/O-port BAR (else memory) */
	bool is_64bit; /* takes this slot and the next */
};

struct pci_device {
	uint8_t bus, device, function;
	uint16_t vendor_id, device_id;
	uint8_t class_code, subclass, prog_if;
	uint8_t header_type; /* without the multifunction bit */
	/* As the firmware programmed it: the legacy (8259/ISA) IRQ number,
	 * 0xff when none; pin 1-4 for INTA#-INTD#, 0 when it has none. */
	uint8_t interrupt_line, interrupt_pin;
	struct pci_bar bars[PCI_BAR_COUNT];
};

/* Lists every function of every bus reachable from bus 0 through PCI-PCI
 * bridges into out (at most max), in bus, device, function order for
 * each bus. Functions 1-7 are looked at only when function 0 says the
 * device is multifunction. BARs are sized (decoding is off while they
 * are). Returns the count found (which may exceed max: the rest were not
 * stored). */
unsigned pci_scan(struct pci_device *out, unsigned max);

/* Sets the given PCI_COMMAND_* bits of the function's command register
 * (memory decoding, bus mastering...). */
void pci_enable(const struct pci_device *d, uint16_t command_bits);

/* "00:02.0" */
void pci_format_address(const struct pci_device *d, char out[8]);

#endif
