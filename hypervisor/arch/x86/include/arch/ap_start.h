/* Starting another CPU with INIT-SIPI-SIPI through the trampoline page. */
#ifndef SOLO_ARCH_AP_START_H
#define SOLO_ARCH_AP_START_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/phys.h"

struct pcpu;
typedef void (*ap_entry_fn)(struct pcpu *cpu);

/* Starts the CPU with `apic_id` at entry(cpu) on the given stack, using
 * page tables `cr3` (below 4 GiB). Waits until *alive becomes non-zero;
 * returns false if it does not within about 200 ms. */
bool ap_start(hpa_t trampoline_page, uint32_t apic_id, hpa_t cr3, uint64_t stack_top,
              ap_entry_fn entry, struct pcpu *cpu, volatile const int *alive);

#endif
