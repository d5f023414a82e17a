/*
 * What the home CPU of a partition does with its slot between slices
 * (the scheduler calls these; core/slot_lifecycle.c): the console's
 * requests, a stop under way, the partition's end and its restart.
 */
#ifndef SOLO_CORE_SLOT_LIFECYCLE_H
#define SOLO_CORE_SLOT_LIFECYCLE_H

#include <stdbool.h>
#include <stdint.h>

struct partition_slot;
struct pcpu;

/* Carries out the console's stop, kill and start for the slot, and
 * tends a stop under way (its resends, its end by force). */
void slot_take_requests(struct pcpu *cpu, struct partition_slot *s, uint64_t now, uint64_t tsc_hz);

/* The partition ended and all its vCPUs have left: its report, its
 * memory freed, and its restart (after a backoff) or its end for good. */
void slot_retire(struct partition_slot *slot, uint64_t tsc_hz);

/* Builds the partition afresh (as a clone of its template where it can),
 * or leaves it waiting for its template; false (and done, with a line
 * naming failure and the cause) if it cannot be. */
bool slot_recreate(struct partition_slot *s, const char *failure);

#endif
