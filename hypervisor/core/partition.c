/* Partition life-cycle bookkeeping that does not touch hardware. */
#include <stdio.h>

#include "core/partition.h"

void partition_end(struct partition *p, enum partition_state state, const char *fmt, ...)
{
	/* vCPUs on several CPUs may end it at once: the first one wins. */
	if (__atomic_exchange_n(&p->ended, 1, __ATOMIC_SEQ_CST))
		return;
	p->state = state;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->reason, sizeof(p->reason), fmt, ap);
	va_end(ap);
}

const char *partition_state_name(enum partition_state state)
{
	switch (state) {
	case PARTITION_CREATED:
		return "created";
	case PARTITION_RUNNING:
		return "running";
	case PARTITION_STOPPED:
		return "stopped";
	case PARTITION_CRASHED:
		return "crashed";
	}
	return "unknown";
}
