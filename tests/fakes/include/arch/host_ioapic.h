/*
 * Host-test stand-in for the machine's I/O APIC: the same calls, which
 * a test defines itself to record routes and unmasks.
 */
#ifndef SOLO_ARCH_HOST_IOAPIC_H
#define SOLO_ARCH_HOST_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define HOST_IOAPIC_DEFAULT_BASE 0xfec00000u
#define HOST_IOAPIC_VECTOR       0xe0

bool host_ioapic_init(uint64_t base);
bool host_ioapic_route(unsigned pin, uint32_t apic_id);
void host_ioapic_unmask(unsigned pin);
void host_ioapic_interrupt(void);

#endif
