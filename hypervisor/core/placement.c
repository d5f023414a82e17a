/* Round-robin placement over usable CPUs. */
#include "core/placement.h"

bool placement_assign(const bool *cpu_usable, unsigned cpus, unsigned partitions,
		      unsigned *cpu_of)
{
	unsigned next = 0, found = 0;
	for (unsigned i = 0; i < cpus; i++)
		found += cpu_usable[i];
	if (!found)
		return false;
	for (unsigned p = 0; p < partitions; p++) {
		while (!cpu_usable[next % cpus])
			next++;
		cpu_of[p] = next % cpus;
		next++;
	}
	return true;
}
