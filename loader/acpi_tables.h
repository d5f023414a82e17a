/*
 * The ACPI tables of a partition (ACPI 6.4), built from the same machine
 * description as the MP table (guest_machine.h), so that kernels which
 * expect ACPI, such as Debian's cloud kernel, find their CPUs, their
 * interrupt controllers, COM1 and a way to power off. The machine is
 * hardware-reduced (no PM timer, no SCI, no fixed-feature registers): an
 * RSDP, an RSDT and an XSDT pointing at a FADT (with the DSDT), a MADT,
 * and a DSDT with COM1, the CMOS clock and the S5 sleep type. Written byte by byte at the
 * specification's offsets; pure C, shared by the hypervisor and the host
 * tests. docs/linux-boot.md describes each table.
 */
#ifndef SOLO_LOADER_ACPI_TABLES_H
#define SOLO_LOADER_ACPI_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest_machine.h"

/* In the BIOS area Linux scans for the RSDP (0xE0000-0xFFFFF), below the
 * MP table, inside the e820 hole. */
#define ACPI_TABLES_DEFAULT_GPA 0xe0000ULL
/* Room for every table at 64 vCPUs, with space to spare for devices. */
#define ACPI_TABLES_MAX_SIZE 4096u

/* Where each table went, guest-physical. */
struct acpi_tables_layout {
	uint64_t rsdp, rsdt, xsdt, fadt, madt, dsdt;
	uint32_t size; /* bytes from rsdp to the end of the last table */
};

/* Writes the tables for machine m at guest-physical gpa (16-byte aligned,
 * below 4 GiB) into ram (guest-physical 0 at ram[0], ram_size bytes),
 * the RSDP first. Returns false without writing, with a short phrase in
 * err, when m->vcpus is outside 1..64 or the tables do not fit. */
bool acpi_tables_build(uint8_t *ram, uint64_t ram_size, uint64_t gpa, const struct guest_machine *m,
                       struct acpi_tables_layout *out, char *err, size_t errlen);

#endif
