/* The local APIC, only as far as solo needs it: its ID and the ICR for
 * starting the other CPUs and kicking them. Works in x2APIC mode (MSRs) or xAPIC (MMIO). */
#ifndef SOLO_ARCH_LAPIC_H
#define SOLO_ARCH_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

/* The vector of solo's kick between CPUs (vcpu_kick.c). */
#define LAPIC_KICK_VECTOR 0xf2

void lapic_init(void);
uint32_t lapic_id(void);
void lapic_send_init(uint32_t apic_id);
void lapic_send_sipi(uint32_t apic_id, uint8_t vector);
/* A fixed interrupt. solo's host context runs with interrupts off, so the
 * only use is making a CPU leave its guest (a VM exit). */
void lapic_send_fixed(uint32_t apic_id, uint8_t vector);
void lapic_eoi(void);

#endif
