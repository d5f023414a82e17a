/*
 * A device register read or write of 32 bits at a host-physical address
 * (solo's identity map makes it a pointer). Out of line on purpose:
 * drivers reach their registers only through these two, so a host test
 * links a fake device model in their place (tests/unit/test_e1000.c).
 */
#ifndef SOLO_DRIVERS_MMIO_H
#define SOLO_DRIVERS_MMIO_H

#include <stdint.h>

uint32_t mmio_read32(uint64_t address);
void mmio_write32(uint64_t address, uint32_t value);

#endif
