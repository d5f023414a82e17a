/*
 * The fake "which CPU am I": one host thread is one CPU, whose index a
 * test sets to play a sender on another CPU than a partition's own.
 */
#include "core/pcpu.h"
#include "fake/pcpu.h"

static struct pcpu fake_cpu = {.self = &fake_cpu};

void fake_pcpu_set_index(unsigned index)
{
	fake_cpu.index = index;
}

struct pcpu *this_cpu(void)
{
	return &fake_cpu;
}
