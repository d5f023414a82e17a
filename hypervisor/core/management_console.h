/*
 * The management console on the physical serial port: the boot CPU reads
 * what the operator types between its scheduling slices and answers
 * list, log, stop, start, restart, stats and help. Stops and starts are
 * only requested here; each partition's own CPU carries them out, since
 * only that CPU may touch the partition's VMCS.
 */
#ifndef SOLO_CORE_MANAGEMENT_CONSOLE_H
#define SOLO_CORE_MANAGEMENT_CONSOLE_H

#include <stdint.h>

struct partition_slot;

/* Hands the console the configured partitions, the free-page count to
 * compare against when all have ended, and the TSC rate for uptimes. */
void console_attach(struct partition_slot *slots, unsigned count, uint64_t baseline_pages,
                    uint64_t tsc_hz);

/* Takes whatever the operator typed and answers complete lines; reports
 * once each time every partition has ended. Boot CPU only. */
void console_poll(void);

#endif
