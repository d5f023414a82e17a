/*
 * A partition: one guest with its own EPT-isolated RAM, its vCPUs and its
 * life-cycle state.
 */
#ifndef SOLO_CORE_PARTITION_H
#define SOLO_CORE_PARTITION_H

#include <stdarg.h>

#include "core/log_ring.h"
#include "core/partition_net.h"
#include "lib/spinlock.h"
#include "core/vcpu.h"
#include "devices/ioapic.h"
#include "devices/pci_host.h"
#include "devices/rtc_cmos.h"
#include "devices/uart16550.h"
#include "vmx/ept.h"

#define PARTITION_NAME_LEN   32
#define PARTITION_REASON_LEN 160
#define PARTITION_LINE_MAX   200
/* Matches the guest kernel's CONFIG_NR_CPUS. */
#define PARTITION_MAX_VCPUS 8

enum partition_state {
	PARTITION_CREATED,
	PARTITION_RUNNING,
	PARTITION_STOPPED, /* ended the way guests end: power-off, halt */
	PARTITION_CRASHED, /* ended by a fault: bad entry, EPT violation, triple fault */
};

struct template;

struct partition {
	char name[PARTITION_NAME_LEN];
	enum partition_state state;
	char reason[PARTITION_REASON_LEN];
	hpa_t ram_hpa; /* its own RAM, one block; 0 for a clone */
	uint64_t ram_size;
	/* A clone's RAM is its template's, shared read-only, and the pages
	 * it wrote, its own (core/template.h). */
	struct template *template;
	uint64_t private_pages;
	struct template *making; /* booting to make it, until its clone point */
	bool building;           /* a clone not yet handed to a CPU */
	/* A template's maker from its clone point to its first line: the
	 * pages its writes copy become the template's write set. */
	bool recording_writes;
	const char *hostname; /* given at its clone point; NULL: its spec's */
	/* Built as a clone: vCPU 0 starts where its template stopped, and
	 * its single pages come from the clones' pool (the template's maker
	 * is a clone too, but kept its own). */
	bool from_snapshot;
	struct ept ept;
	hpa_t msr_bitmap;
	struct vcpu vcpus[PARTITION_MAX_VCPUS];
	unsigned vcpu_count;
	/* Set once by partition_end: each vCPU then leaves its CPU. vCPUs
	 * started and not yet gone; the partition is taken down at 0. */
	volatile int ended;
	volatile int vcpus_active;
	/* Its devices are shared by its vCPUs, which may run on several
	 * CPUs at once. */
	struct spinlock device_lock;
	struct vcpu *device_vcpu; /* the vCPU driving them now, under the lock */

	struct uart16550 uart;    /* its COM1, on I/O APIC pin 4 */
	struct uart16550 control; /* its control line (COM2), on pin 3 */
	struct ioapic ioapic;
	struct rtc_cmos rtc;
	struct pci_host pci; /* a host bridge, nothing behind it */
	/* Its network interfaces (partition_net.c; under net_lock). */
	unsigned nic_count;
	struct partition_nic nics[CONFIG_MAX_NICS];
	char line[PARTITION_LINE_MAX + 1];
	unsigned line_len;
	struct log_ring log; /* recent console output */
	bool has_exit_status;
	int exit_status;       /* as reported by the guest's init */
	uint64_t launched_tsc; /* when solo began to build it (a start as a user sees it) */
	uint64_t started_tsc;
	uint64_t first_output_tsc; /* its first console line; 0 before */
	uint64_t entry_gpa;
	const struct partition_measurements *measurements; /* NULL: none */
};

/* One byte of the partition's console output: lines go to the physical
 * console prefixed "[name] " and into the partition's log. A kernel panic
 * line ends the partition. */
void partition_console_byte(void *partition, uint8_t byte);

/* Sets up the partition's devices: COM1 wired to its I/O APIC, and the
 * RTC running from the wall-clock time solo read at boot. */
void partition_devices_init(struct partition *p);

/* The wall-clock reading every partition's RTC runs from. */
void partition_devices_set_time(const struct rtc_clock *time);

/* What solo writes on a partition's control line to ask it to shut down
 * (docs/control-line.md). */
#define PARTITION_STOP_REQUEST "stop\n"

/* Asks the guest to shut down: the stop request on its control line,
 * with its interrupt, unless one is still waiting there unread, and a
 * press of its ACPI power button; `again` repeats the request only if
 * the last one was lost unread, and not the press. Called on the
 * partition's home CPU between slices. False when the line had no room
 * for it (a guest in loopback mode, say). */
bool partition_ask_to_stop(struct partition *p, bool again);

/* Writes out a partial console line (at the partition's end). */
void partition_console_flush(struct partition *p);

/* Ends the partition with a state and a one-line reason. The first
 * ending wins: later calls keep the original cause. Its vCPUs' CPUs hear
 * of it from the caller: a vCPU's own exit returns VCPU_ENDED (the
 * scheduler alerts the rest); from anywhere else, partition_alert_all. */
void partition_end(struct partition *p, enum partition_state state, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

const char *partition_state_name(enum partition_state state);

/* Sets up `count` vCPUs (at most PARTITION_MAX_VCPUS) placed on cpus[i]:
 * vCPU 0 is the bootstrap processor, about to start; the others wait for
 * a start-up IPI. Their local APICs, with IDs 0..count-1, send IPIs
 * through the partition (partition_ipi.c). notices[i], if given, is where
 * vCPU i's CPU hears that it should look at it (sched_notice). */
void partition_init_vcpus(struct partition *p, unsigned count, const unsigned *cpus,
                          const struct sched_notice *notices);

#endif
