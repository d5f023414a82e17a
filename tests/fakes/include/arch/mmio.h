/*
 * Host-test stand-in for device register access: tests/fakes/fake_e1000.c
 * answers these two with its model of the device's registers.
 */
#ifndef SOLO_ARCH_MMIO_H
#define SOLO_ARCH_MMIO_H

#include <stdint.h>

uint32_t mmio_read32(uint64_t address);
void mmio_write32(uint64_t address, uint32_t value);

#endif
