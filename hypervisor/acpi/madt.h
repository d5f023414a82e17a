/*
 * The CPU list from ACPI's MADT, where the firmware provides ACPI (Bochs
 * with OVMF does not; then the boot stage's MP-services list is used).
 */
#ifndef SOLO_ACPI_MADT_H
#define SOLO_ACPI_MADT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Follows RSDP -> XSDT (or RSDT) -> MADT at physical addresses reachable
 * through the identity map, verifying signatures, lengths and checksums,
 * and collects the APIC IDs of enabled (or online-capable) processors,
 * local APIC and x2APIC entries alike. Returns the count, or -1 with err
 * set when the tables are malformed or hold more than max CPUs. */
int madt_find_cpus(uint64_t rsdp_address, uint32_t *apic_ids, unsigned max, char *err,
                   size_t errlen);

#endif
