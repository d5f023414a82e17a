/*
 * Linux partitions: a kernel, an initramfs and a command line become a
 * partition whose RAM is mapped by EPT from guest-physical 0 and whose
 * vCPU starts at the kernel's 32-bit entry, as the Linux boot protocol
 * describes.
 */
#ifndef SOLO_CORE_LINUX_PARTITION_H
#define SOLO_CORE_LINUX_PARTITION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/measurements.h"
#include "core/partition.h"
#include "core/restart_policy.h"

struct partition;
struct pcpu;
struct vmx_bitmaps;

struct linux_partition_spec {
	const char *name;
	const void *kernel;
	size_t kernel_size;
	const void *initrd; /* NULL for none */
	size_t initrd_size;
	const char *cmdline;
	uint64_t memory; /* bytes of guest RAM */
	unsigned vcpus;
	/* The CPU each vCPU is placed on; cpus[0], where vCPU 0 runs, is the
	 * partition's home (PLACEMENT_NONE if it has none). */
	unsigned cpus[PARTITION_MAX_VCPUS];
	/* Where each vCPU's CPU keeps its "look at me" bit (vcpu.h). */
	struct sched_notice notices[PARTITION_MAX_VCPUS];
	const struct partition_measurements *measurements; /* what it boots */
	const struct config_nic *nics;                     /* its network interfaces */
	unsigned nic_count;
	bool clonable;        /* may start as a clone of a template (not start = boot) */
	bool template_eager;  /* more starts expected: make the template at the first */
	const char *hostname; /* a replica's own; NULL: its spec's */
};

enum slot_state {
	SLOT_CREATED,  /* partition built, vCPU 0 not set up yet */
	SLOT_RUNNABLE, /* running: its vCPUs are scheduled (vcpu.run_state) */
	SLOT_BACKOFF,  /* ended; restarts at wake_tsc */
	SLOT_DONE,     /* ended for good (its memory is freed) */
	SLOT_WAITING,  /* not built yet: waits for its template to be made */
};

/* A partition as configured, which may be started several times: what it
 * boots, its restart policy and count, and its scheduling state on the
 * CPU it was placed on. */
struct partition_slot {
	struct linux_partition_spec spec;
	struct restart_policy policy;
	bool pinned; /* wants a CPU of its own */
	unsigned restarts;
	struct partition *partition;
	enum slot_state state; /* written by the CPU of its vCPU 0 only */
	uint64_t wake_tsc;
	bool stopped_by_console; /* this run's ending: no restart */
	/* A stop asks the guest to shut down (its control line) and waits
	 * stop_timeout_s (plus STOP_FORCE_MARGIN_S for the guest to report)
	 * before it ends the partition by force. Home CPU only. */
	uint32_t stop_timeout_s;
	struct partition_measurements measurements;
	bool stopping;
	uint64_t stop_asked_tsc, stop_deadline_tsc, stop_resend_tsc;
	/* How the last stop went, for the console's shutdown summary. */
	volatile enum { STOP_NONE, STOP_GRACEFUL, STOP_FORCED } stop_outcome;
	/* Set by the management console on the boot CPU, acted on (and
	 * cleared) by the slot's own CPU between slices: only that CPU may
	 * touch the partition's VMCS. kill_requested ends it at once. */
	volatile int stop_requested;
	volatile int start_requested;
	volatile int kill_requested;
	/* template_generation() when it last asked for its template. */
	unsigned long templates_asked;
};

/* Seconds past a slot's stop_timeout before solo ends it by force: the
 * guest init ends the command at stop_timeout and needs a moment to
 * report its exit status. */
#define STOP_FORCE_MARGIN_S 2

/* Allocates the partition's RAM, EPT and MSR bitmap and lays out the
 * kernel, initrd, command line, boot parameters and MP table in it. On
 * failure writes the cause to err and frees what it took. */
bool linux_partition_create(struct partition *p, const struct linux_partition_spec *spec, char *err,
                            size_t errlen);

/* Builds the partition as a clone of a ready template: its EPT maps the
 * template's RAM shared, its vCPU and devices carry the snapshot's
 * state, and its guest init gets its own answer at the clone point. */
bool linux_partition_clone(struct partition *p, const struct linux_partition_spec *spec,
                           struct template *t, char *err, size_t errlen);

enum partition_launch {
	PARTITION_LAUNCH_BUILT,   /* booted in full or cloned: ready to start */
	PARTITION_LAUNCH_WAITING, /* its template is being made: ask again later */
	PARTITION_LAUNCH_FAILED,  /* err says why */
};

/* Builds the partition the fastest way its kind allows (template.h):
 * as a clone of its template, or booting in full (and making the
 * template), or not yet, while another partition makes it. */
enum partition_launch linux_partition_launch(struct partition *p,
                                             const struct linux_partition_spec *spec, char *err,
                                             size_t errlen);

/* Sets up one of the partition's vCPUs to run on this CPU: VMCS (left
 * current) and VPID; vCPU 0 at the kernel's entry, the others where
 * their start-up IPI said. False, with the partition ended, if it cannot. */
bool linux_partition_start(struct partition *p, unsigned index, struct pcpu *cpu,
                           const struct vmx_bitmaps *bitmaps, uint64_t tsc_hz);

/* Exit counts by reason, summed over the partition's vCPUs. */
void partition_exit_totals(const struct partition *p, uint64_t counts[EXIT_REASON_COUNT],
                           uint64_t *total);

/* Prints how the partition ended, its exit counters and its figures. */
void linux_partition_report(struct partition *p, uint64_t tsc_hz);

/* Bytes solo itself holds for a running partition, its RAM not counted. */
uint64_t partition_overhead_bytes(const struct partition *p);

/* Returns every page the partition holds to the allocator. */
void partition_destroy(struct partition *p);

#endif
