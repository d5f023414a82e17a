/*
 * The VMX MSR bitmap (SDM 24.6.9): one 4 KiB page of four 1 KiB bitmaps
 * (reads of MSRs 0-0x1fff, reads of 0xc0000000-0xc0001fff, then the same
 * two for writes). A set bit makes the access exit; MSRs outside both
 * ranges always exit.
 */
#ifndef SOLO_VMX_MSR_BITMAP_H
#define SOLO_VMX_MSR_BITMAP_H

#include <stdbool.h>
#include <stdint.h>

#define MSR_BITMAP_SIZE 4096

/* Makes every MSR access exit. */
void msr_bitmap_intercept_all(uint8_t *bitmap);

/* Lets the guest read and write `msr` directly. Returns false for MSRs the
 * bitmap cannot describe (they always exit). */
bool msr_bitmap_pass_through(uint8_t *bitmap, uint32_t msr);

/* Does an access to `msr` exit? */
bool msr_bitmap_intercepts(const uint8_t *bitmap, uint32_t msr, bool write);

#endif
