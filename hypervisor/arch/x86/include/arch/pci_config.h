/*
 * Host PCI configuration space through configuration mechanism #1: the
 * address goes to port 0xCF8, the dword to or from port 0xCFC (PCI Local
 * Bus Specification 3.0, section 3.2.2.3.2). It reaches buses 0-255 of
 * segment 0, which is every device on the machines solo targets (PCIe
 * extended configuration space past offset 0xFF needs ECAM, which solo
 * does not use yet). drivers/pci.c is the only caller; host tests link
 * a fake configuration space instead (tests/fakes/fake_pci_config.c).
 */
#ifndef SOLO_ARCH_PCI_CONFIG_H
#define SOLO_ARCH_PCI_CONFIG_H

#include <stdint.h>

/* offset is a dword-aligned register offset below 0x100. A function that
 * is not there reads as all ones. */
uint32_t pci_config_read32(unsigned bus, unsigned device, unsigned function, unsigned offset);
void pci_config_write32(unsigned bus, unsigned device, unsigned function, unsigned offset,
                        uint32_t value);

#endif
