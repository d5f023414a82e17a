/* A bitmap of the 65535 usable VPIDs, searched on from the last one
 * handed out, so freed numbers are reused as late as possible. */
#include "lib/spinlock.h"
#include "vmx/vpid.h"

#define VPID_COUNT 65536

static uint64_t taken[VPID_COUNT / 64] = {1}; /* VPID 0 means "none" to VMX */
static uint32_t next = 1;
static struct spinlock lock = SPINLOCK_INIT;

uint16_t vpid_alloc(void)
{
	uint16_t found = 0;
	spin_lock(&lock);
	for (uint32_t k = 0; k < VPID_COUNT && !found; k++) {
		uint32_t v = (next + k) % VPID_COUNT;
		if (!(taken[v / 64] & (1ULL << (v % 64)))) {
			taken[v / 64] |= 1ULL << (v % 64);
			next = v + 1;
			found = (uint16_t)v;
		}
	}
	spin_unlock(&lock);
	return found;
}

void vpid_free(uint16_t vpid)
{
	if (!vpid)
		return;
	spin_lock(&lock);
	taken[vpid / 64] &= ~(1ULL << (vpid % 64));
	spin_unlock(&lock);
}
