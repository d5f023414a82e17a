/* Pinned partitions first, highest CPU first; then round-robin. */
#include "core/placement.h"

#define MAX_CPUS 64

bool placement_assign(const bool *cpu_usable, unsigned cpus, const bool *pinned,
		      unsigned partitions, unsigned *cpu_of)
{
	bool taken[MAX_CPUS] = {false};
	unsigned usable = 0;
	if (cpus > MAX_CPUS)
		cpus = MAX_CPUS;
	for (unsigned i = 0; i < cpus; i++)
		usable += cpu_usable[i];
	if (!usable)
		return false;
	for (unsigned p = 0; p < partitions; p++) {
		cpu_of[p] = PLACEMENT_NONE;
		if (!pinned[p])
			continue;
		for (unsigned c = cpus; c-- > 0;) {
			if (cpu_usable[c] && !taken[c]) {
				taken[c] = true;
				cpu_of[p] = c;
				break;
			}
		}
	}
	unsigned next = 0;
	for (unsigned p = 0; p < partitions; p++) {
		if (pinned[p])
			continue;
		for (unsigned k = 0; k < cpus; k++) {
			unsigned c = (next + k) % cpus;
			if (cpu_usable[c] && !taken[c]) {
				cpu_of[p] = c;
				next = c + 1;
				break;
			}
		}
	}
	return true;
}
