/*
 * Steering and reading the fake machine I/O APIC (fake_host_ioapic.c):
 * whether one is present, the routes and unmasks made, the interrupts
 * taken.
 */
#ifndef SOLO_FAKE_HOST_IOAPIC_H
#define SOLO_FAKE_HOST_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

struct fake_host_ioapic {
	bool present;
	unsigned routes, route_pin, unmasks, unmask_pin, interrupts;
	uint32_t route_apic;
};

extern struct fake_host_ioapic fake_host_ioapic;

#endif
