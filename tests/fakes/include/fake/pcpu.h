/* The fake this_cpu() (tests/fakes/fake_pcpu.c). */
#ifndef SOLO_FAKE_PCPU_H
#define SOLO_FAKE_PCPU_H

/* The index this_cpu() reports from now on (0 at the start). */
void fake_pcpu_set_index(unsigned index);

#endif
