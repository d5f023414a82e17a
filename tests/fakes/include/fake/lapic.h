/* Test-side view of the fake local APIC (tests/fakes/fake_lapic.c). */
#ifndef SOLO_FAKE_LAPIC_H
#define SOLO_FAKE_LAPIC_H

#include <stdint.h>

#include "arch/lapic.h"

struct fake_lapic_state {
	uint32_t id;
	bool x2apic;
	unsigned eoi_calls, init_calls, sipi_calls;
	uint32_t last_init_target, last_sipi_target;
	uint8_t last_sipi_vector;
	/* lapic_sleep_until: refused unless can_sleep; a sleep moves the
	 * fake TSC to its deadline. */
	bool can_sleep;
	unsigned sleeps;
};

extern struct fake_lapic_state fake_lapic;

void fake_lapic_reset(void);

#endif
