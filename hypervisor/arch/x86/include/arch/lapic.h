/* The local APIC, only as far as solo needs it: its ID and the ICR for
 * starting the other CPUs. Works in x2APIC mode (MSRs) or xAPIC (MMIO). */
#ifndef SOLO_ARCH_LAPIC_H
#define SOLO_ARCH_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

void lapic_init(void);
uint32_t lapic_id(void);
void lapic_send_init(uint32_t apic_id);
void lapic_send_sipi(uint32_t apic_id, uint8_t vector);
void lapic_eoi(void);

#endif
