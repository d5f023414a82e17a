/*
 * Placement: which physical CPU runs which partition. A pinned partition
 * gets a CPU of its own (the highest-numbered free ones, so the boot CPU
 * stays with the shared work); the others are spread round-robin over the
 * CPUs left, where they share time. A partition stays on its CPU.
 */
#ifndef SOLO_CORE_PLACEMENT_H
#define SOLO_CORE_PLACEMENT_H

#include <stdbool.h>

#define PLACEMENT_NONE (~0u)

/* cpu_usable[i] says whether CPU i can run partitions; pinned[p] whether
 * partition p wants a CPU to itself. Writes each partition's CPU index to
 * cpu_of, or PLACEMENT_NONE for a pinned partition no CPU is left for.
 * Shared partitions go to CPUs nobody pinned, or, if every CPU is pinned,
 * get PLACEMENT_NONE too. Returns false when no CPU is usable at all. */
bool placement_assign(const bool *cpu_usable, unsigned cpus, const bool *pinned,
		      unsigned partitions, unsigned *cpu_of);

#endif
