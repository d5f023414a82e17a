/*
 * An I/O APIC model (82093AA register set): 24 redirection entries behind
 * the IOREGSEL/IOWIN window, edge-triggered delivery of a pin's vector to
 * the local APICs its entry names. solo routes one device through it,
 * COM1 on pin 4, so the guest's serial driver can be interrupt-driven.
 */
#ifndef SOLO_DEVICES_IOAPIC_H
#define SOLO_DEVICES_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define IOAPIC_MMIO_BASE 0xfec00000ULL
#define IOAPIC_MMIO_SIZE 0x1000
#define IOAPIC_PINS      24

struct apic_ipi;

struct ioapic {
	uint32_t id;
	uint32_t select;
	uint64_t redirection[IOAPIC_PINS];
	uint64_t delivered;
};

void ioapic_init(struct ioapic *ioapic, uint32_t id);

/* 32-bit accesses at offset 0x00 (IOREGSEL) and 0x10 (IOWIN); false for
 * anything else. */
bool ioapic_mmio_read(struct ioapic *ioapic, unsigned offset, uint32_t *value);
bool ioapic_mmio_write(struct ioapic *ioapic, unsigned offset, uint32_t value);

/* An edge on `pin`: unless masked, or in a delivery mode solo does not
 * model (only fixed and lowest priority are), fills in the interrupt
 * message the entry describes for the caller to deliver. */
bool ioapic_raise(struct ioapic *ioapic, unsigned pin, struct apic_ipi *message);

#endif
