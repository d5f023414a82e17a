/* The local APIC, only as far as solo needs it: its ID and the ICR for
 * starting the other CPUs and kicking them. Works in x2APIC mode (MSRs) or xAPIC (MMIO). */
#ifndef SOLO_ARCH_LAPIC_H
#define SOLO_ARCH_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

/* The vector of solo's kick between CPUs (vcpu_kick.c), of its wake-up
 * timer, and the spurious vector. */
#define LAPIC_KICK_VECTOR     0xf2
#define LAPIC_WAKE_VECTOR     0xf1
#define LAPIC_SPURIOUS_VECTOR 0xff

void lapic_init(void);
/* On each CPU before it schedules: the APIC software-enabled (so it takes
 * the kick and its timer) with the timer masked. */
void lapic_enable(void);
/* Sleeps (sti; hlt) until the TSC reaches tsc_deadline or an interrupt
 * (a kick) comes, whichever is first. False, at once, on a CPU without
 * the TSC-deadline timer. */
bool lapic_sleep_until(uint64_t tsc_deadline);
uint32_t lapic_id(void);
void lapic_send_init(uint32_t apic_id);
void lapic_send_sipi(uint32_t apic_id, uint8_t vector);
/* A fixed interrupt. solo's host context runs with interrupts off, so the
 * only use is making a CPU leave its guest (a VM exit). */
void lapic_send_fixed(uint32_t apic_id, uint8_t vector);
void lapic_eoi(void);

#endif
