/*
 * Placement: which physical CPU runs which partition. For now every
 * partition has one vCPU and gets a CPU to itself for as long as it
 * runs, handed out round-robin over the CPUs that reached VMX operation;
 * partitions beyond the CPU count queue up behind earlier ones.
 */
#ifndef SOLO_CORE_PLACEMENT_H
#define SOLO_CORE_PLACEMENT_H

#include <stdbool.h>

/* cpu_usable[i] says whether CPU i can run partitions. Writes the CPU
 * index for each of `partitions` partitions into cpu_of. Returns false
 * when no CPU is usable. */
bool placement_assign(const bool *cpu_usable, unsigned cpus, unsigned partitions,
		      unsigned *cpu_of);

#endif
