/*
 * Placement: which physical CPU runs which vCPU. A pinned partition gets
 * a CPU of its own for each of its vCPUs (the highest-numbered free ones,
 * so the boot CPU stays with the shared work); the vCPUs of the others
 * are spread round-robin over the CPUs left, where they share time, so
 * the vCPUs of one partition land on different CPUs where there are
 * several. A vCPU stays on its CPU.
 */
#ifndef SOLO_CORE_PLACEMENT_H
#define SOLO_CORE_PLACEMENT_H

#include <stdbool.h>

#define PLACEMENT_NONE      (~0u)
#define PLACEMENT_MAX_VCPUS 8

/* cpu_usable[i] says whether CPU i can run vCPUs; pinned[p] whether
 * partition p wants CPUs to itself, vcpus[p] (1 to PLACEMENT_MAX_VCPUS)
 * how many vCPUs it has. Writes the CPU index of vCPU v of partition p
 * to cpu_of[p][v]. A pinned partition for which not enough free CPUs are
 * left gets PLACEMENT_NONE for all its vCPUs, and so do shared ones when
 * every CPU is pinned. Returns false when no CPU is usable at all. */
bool placement_assign(const bool *cpu_usable, unsigned cpus, const bool *pinned,
                      const unsigned *vcpus, unsigned partitions,
                      unsigned (*cpu_of)[PLACEMENT_MAX_VCPUS]);

#endif
