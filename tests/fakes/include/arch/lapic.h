/*
 * Host-test stand-in for the local APIC driver: tests/fakes/fake_lapic.c
 * counts EOIs, records INIT/SIPI targets and fakes sleeps (fake/lapic.h
 * reads and steers them).
 */
#ifndef SOLO_ARCH_LAPIC_H
#define SOLO_ARCH_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define LAPIC_KICK_VECTOR     0xf2
#define LAPIC_WAKE_VECTOR     0xf1
#define LAPIC_SPURIOUS_VECTOR 0xff

void lapic_init(void);
void lapic_enable(void);
bool lapic_sleep_until(uint64_t tsc_deadline);
uint32_t lapic_id(void);
void lapic_send_init(uint32_t apic_id);
void lapic_send_sipi(uint32_t apic_id, uint8_t vector);
void lapic_eoi(void);

#endif
