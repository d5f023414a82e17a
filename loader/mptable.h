/*
 * The Intel MultiProcessor Specification 1.4 tables a Linux guest reads to
 * find its CPUs when there is no ACPI: a 16-byte floating pointer structure
 * ("_MP_") and the configuration table ("PCMP") it points to, with one
 * processor entry per vCPU, one ISA bus, the I/O APIC the hypervisor
 * emulates and COM1's interrupt on it (ISA IRQ 4 to pin 4), all from the
 * machine description in guest_machine.h. Pure C, no hardware access:
 * the hypervisor, the host tool and the unit tests share it.
 */
#ifndef SOLO_LOADER_MPTABLE_H
#define SOLO_LOADER_MPTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest_machine.h"

/* Inside the BIOS area 0xF0000-0xFFFFF that Linux scans for "_MP_". */
#define MPTABLE_DEFAULT_GPA 0xf0000ULL
/* APIC IDs in processor entries are 8 bits; solo's config allows 64. */
#define MPTABLE_MAX_CPUS 64

/* Bytes mptable_build() writes for n vCPUs: the floating pointer, the
 * configuration table header, n processor entries, the bus entry, the
 * I/O APIC entry and COM1's interrupt assignment. */
#define MPTABLE_SIZE(n) (16u + 44u + 20u * (unsigned)(n) + 8u + 8u + 8u * (GUEST_ISA_IRQ_COUNT + GUEST_VIRTIO_MAX_DEVICES))

/* Writes the floating pointer at guest-physical gpa (16-byte aligned) and
 * the configuration table right after it, into ram (guest-physical 0 at
 * ram[0], ram_size bytes). vCPU i gets APIC ID i; vCPU 0 is the boot
 * processor. Returns false without writing, with a short phrase in err,
 * when vcpus is outside 1..MPTABLE_MAX_CPUS, gpa is misaligned or the
 * tables do not fit below ram_size (or below 4 GiB: the pointers are 32
 * bits). */
bool mptable_build(uint8_t *ram, uint64_t ram_size, uint64_t gpa, unsigned vcpus, char *err,
                   size_t errlen);

#endif
