/*
 * Host-test stand-in for PCI configuration access: the same calls,
 * answered by tests/fakes/fake_pci_config.c from a made-up set of
 * functions (fake/pci_config.h builds it).
 */
#ifndef SOLO_ARCH_PCI_CONFIG_H
#define SOLO_ARCH_PCI_CONFIG_H

#include <stdint.h>

uint32_t pci_config_read32(unsigned bus, unsigned device, unsigned function, unsigned offset);
void pci_config_write32(unsigned bus, unsigned device, unsigned function, unsigned offset,
                        uint32_t value);

#endif
