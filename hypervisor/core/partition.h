/*
 * A partition: one guest with its own EPT-isolated RAM, its vCPUs and its
 * life-cycle state. For now each partition has one vCPU.
 */
#ifndef SOLO_CORE_PARTITION_H
#define SOLO_CORE_PARTITION_H

#include <stdarg.h>

#include "core/vcpu.h"
#include "vmx/ept.h"

#define PARTITION_NAME_LEN   32
#define PARTITION_REASON_LEN 160

enum partition_state {
	PARTITION_CREATED,
	PARTITION_RUNNING,
	PARTITION_STOPPED, /* ended the way guests end: power-off, halt */
	PARTITION_CRASHED, /* ended by a fault: bad entry, EPT violation, triple fault */
};

struct partition {
	char name[PARTITION_NAME_LEN];
	enum partition_state state;
	char reason[PARTITION_REASON_LEN];
	hpa_t ram_hpa;
	uint64_t ram_size;
	struct ept ept;
	struct vcpu vcpu;
};

/* Ends the partition with a state and a one-line reason. The first
 * ending wins: later calls keep the original cause. */
void partition_end(struct partition *p, enum partition_state state, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

const char *partition_state_name(enum partition_state state);

#endif
