/*
 * A fake PCI configuration space (tests/fakes/fake_pci_config.c): a few
 * functions, each with 256 bytes of registers. BARs keep only their
 * address bits above their size, as hardware does, so sizing works; the
 * command register keeps its low 16 bits and the status register is
 * read-only; everything else stores what is written.
 */
#ifndef SOLO_FAKE_PCI_CONFIG_H
#define SOLO_FAKE_PCI_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

struct fake_pci_function {
	bool present;
	uint8_t bus, device, function;
	uint32_t config[64];
	uint64_t bar_size[6]; /* 0: not implemented; a 64-bit BAR's size sits in its first slot */
	/* Set when a BAR was written while its kind of decoding was on. */
	bool sized_while_decoding;
};

void fake_pci_reset(void);

/* Adds a function; header_type may carry the multifunction bit 0x80. */
struct fake_pci_function *fake_pci_add(unsigned bus, unsigned device, unsigned function,
                                       uint16_t vendor, uint16_t device_id, uint32_t class_rev,
                                       uint8_t header_type);

/* Gives BAR index its initial value (with its type bits) and its size. */
void fake_pci_set_bar(struct fake_pci_function *f, unsigned index, uint32_t value, uint64_t size);

/* How many configuration reads were made since the reset. */
unsigned fake_pci_reads(void);

#endif
