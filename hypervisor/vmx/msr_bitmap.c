/* MSR bitmap bit twiddling, kept apart so its layout is tested alone. */
#include <string.h>

#include "vmx/msr_bitmap.h"

#define LOW_RANGE_END 0x2000u
#define HIGH_RANGE_BASE 0xc0000000u
#define HIGH_RANGE_END 0xc0002000u
#define WRITE_OFFSET 2048u

/* Byte offset of the read bit for msr within the read half, or -1. */
static int read_byte_offset(uint32_t msr)
{
	if (msr < LOW_RANGE_END)
		return (int)(msr / 8);
	if (msr >= HIGH_RANGE_BASE && msr < HIGH_RANGE_END)
		return 1024 + (int)((msr - HIGH_RANGE_BASE) / 8);
	return -1;
}

void msr_bitmap_intercept_all(uint8_t *bitmap)
{
	memset(bitmap, 0xff, MSR_BITMAP_SIZE);
}

bool msr_bitmap_pass_through(uint8_t *bitmap, uint32_t msr)
{
	int offset = read_byte_offset(msr);
	if (offset < 0)
		return false;
	uint8_t mask = (uint8_t)(1u << (msr % 8));
	bitmap[offset] &= (uint8_t)~mask;
	bitmap[WRITE_OFFSET + offset] &= (uint8_t)~mask;
	return true;
}

bool msr_bitmap_intercepts(const uint8_t *bitmap, uint32_t msr, bool write)
{
	int offset = read_byte_offset(msr);
	if (offset < 0)
		return true;
	return (bitmap[(write ? WRITE_OFFSET : 0) + offset] >> (msr % 8)) & 1;
}
