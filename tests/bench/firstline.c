/*
 * The program bench-start.sh starts, under solo in a container and on a
 * plain Linux host under chroot: its first line says when it ran, in TSC
 * ticks (the same clock solo's timeline uses), then it exits with status
 * 1 so a restart policy starts it again.
 */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	char line[64];
	int n = snprintf(line, sizeof(line), "first line at TSC %llu\n",
	                 (unsigned long long)((uint64_t)hi << 32 | lo));
	if (write(1, line, (size_t)n) != n)
		return 2;
	return 1;
}
