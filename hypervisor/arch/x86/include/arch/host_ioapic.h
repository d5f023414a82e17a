/*
 * The machine's own I/O APIC, as far as solo's device drivers need it:
 * one device interrupt line routed to one CPU, to wake that CPU from its
 * idle HLT (or make it leave its guest) when a device has work. solo
 * takes such an interrupt only to be woken: the handler masks the pin
 * and acknowledges the local APIC, and the driver, once it has cleared
 * its device's cause, unmasks the pin again. Masking in the handler is
 * what makes a level-triggered line safe: without it the still-asserted
 * line would be delivered again the moment the handler's EOI lands.
 *
 * Without ACPI (Bochs with OVMF has none) the I/O APIC is where every PC
 * puts it, 0xFEC00000.
 */
#ifndef SOLO_ARCH_HOST_IOAPIC_H
#define SOLO_ARCH_HOST_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define HOST_IOAPIC_DEFAULT_BASE 0xfec00000u
/* The vector of every routed device interrupt; below solo's wake-up and
 * kick vectors (arch/lapic.h). */
#define HOST_IOAPIC_VECTOR 0xe0

/* Finds the I/O APIC at base and masks every pin (solo takes no
 * interrupt it has not routed). False when nothing answers there. */
bool host_ioapic_init(uint64_t base);

/* Routes pin to HOST_IOAPIC_VECTOR on the CPU with that APIC ID: fixed
 * delivery, physical destination, level-triggered, active high (a legacy
 * PCI interrupt line as the PIIX/ICH PIRQ router presents it to I/O APIC
 * pins 0-15). The pin is left masked, for the first host_ioapic_unmask
 * once the CPU takes interrupts (its local APIC enabled). False for a
 * pin the I/O APIC does not have. */
bool host_ioapic_route(unsigned pin, uint32_t apic_id);

/* Unmasks a routed pin that the interrupt handler masked; call it after
 * the device's cause was cleared. Cheap when it is not masked. */
void host_ioapic_unmask(unsigned pin);

/* The interrupt handler's work (isr.S): mask the routed pins, EOI. */
void host_ioapic_interrupt(void);

#endif
