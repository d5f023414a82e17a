/* Test-side view of the fake vCPU kick (tests/fakes/fake_kick.c). */
#ifndef SOLO_FAKE_KICK_H
#define SOLO_FAKE_KICK_H

struct vcpu;

/* Kicks asked for, per vCPU index (of any partition), since the reset. */
extern unsigned fake_kicks[8];

void fake_kick_reset(void);

#endif
