/*
 * The fake vCPU kick: instead of a host IPI to the vCPU's CPU, a count
 * per vCPU index, so tests see which vCPUs a delivery woke.
 */
#include <string.h>

#include "core/partition_ipi.h"
#include "core/vcpu.h"
#include "fake/kick.h"

unsigned fake_kicks[8];

void fake_kick_reset(void)
{
	memset(fake_kicks, 0, sizeof(fake_kicks));
}

void vcpu_kick(const struct vcpu *vcpu)
{
	if (vcpu->index < 8)
		fake_kicks[vcpu->index]++;
}
