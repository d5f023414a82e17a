/*
 * Device register access (drivers/mmio.h): one volatile 32-bit access
 * each, which the compiler neither merges, splits nor reorders against
 * other volatile accesses. On x86 the MMIO ranges firmware assigns are
 * uncached by MTRR, so the access reaches the device in program order,
 * after earlier stores to (write-back) descriptor memory.
 */
#include "drivers/mmio.h"

uint32_t mmio_read32(uint64_t address)
{
	return *(volatile uint32_t *)(uintptr_t)address;
}

void mmio_write32(uint64_t address, uint32_t value)
{
	*(volatile uint32_t *)(uintptr_t)address = value;
}
