/* Pinned partitions first, highest CPU first; then round-robin. */
#include "core/placement.h"

#define MAX_CPUS 64

static unsigned free_cpus(const bool *cpu_usable, const bool *taken, unsigned cpus)
{
	unsigned n = 0;
	for (unsigned c = 0; c < cpus; c++)
		n += cpu_usable[c] && !taken[c];
	return n;
}

bool placement_assign(const bool *cpu_usable, unsigned cpus, const bool *pinned,
                      const unsigned *vcpus, unsigned partitions,
                      unsigned (*cpu_of)[PLACEMENT_MAX_VCPUS])
{
	bool taken[MAX_CPUS] = {false};
	if (cpus > MAX_CPUS)
		cpus = MAX_CPUS;
	if (!free_cpus(cpu_usable, taken, cpus))
		return false;
	for (unsigned p = 0; p < partitions; p++) {
		for (unsigned v = 0; v < PLACEMENT_MAX_VCPUS; v++)
			cpu_of[p][v] = PLACEMENT_NONE;
		/* All of its vCPUs pinned, or none: half a partition would
		 * not be what was asked for. */
		if (!pinned[p] || vcpus[p] > PLACEMENT_MAX_VCPUS ||
		    free_cpus(cpu_usable, taken, cpus) < vcpus[p])
			continue;
		unsigned v = 0;
		for (unsigned c = cpus; c-- > 0 && v < vcpus[p];) {
			if (cpu_usable[c] && !taken[c]) {
				taken[c] = true;
				cpu_of[p][v++] = c;
			}
		}
	}
	unsigned next = 0;
	for (unsigned p = 0; p < partitions; p++) {
		if (pinned[p])
			continue;
		for (unsigned v = 0; v < vcpus[p] && v < PLACEMENT_MAX_VCPUS; v++) {
			for (unsigned k = 0; k < cpus; k++) {
				unsigned c = (next + k) % cpus;
				if (cpu_usable[c] && !taken[c]) {
					cpu_of[p][v] = c;
					next = c + 1;
					break;
				}
			}
		}
	}
	return true;
}
