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
};

/* A partition as configured, which may be started several times: what it
 * boots, and its restart policy and count. */
struct partition_slot {
	struct linux_partition_spec spec;
	struct restart_policy policy;
	unsigned restarts;
	struct partition *partition;
};

/* Runs the slot's partition on this CPU to its end, restarting it as its
 * policy says (after the backoff), and frees its memory each time. */
void partition_slot_run(struct partition_slot *slot, struct pcpu *cpu,
			const struct vmx_bitmaps *bitmaps, uint64_t tsc_hz);

/* Allocates the partition's RAM, EPT and MSR bitmap and lays out the
 * kernel, initrd, command line, boot parameters and MP table in it. On
 * failure writes the cause to err and frees what it took. */
bool linux_partition_create(struct partition *p, const struct linux_partition_spec *spec,
			    char *err, size_t errlen);

/* Runs the partition's vCPU on this CPU until the partition ends, then
 * prints how it ended and its exit counters. */
void linux_partition_run(struct partition *p, struct pcpu *cpu, const struct vmx_bitmaps *bitmaps,
			 uint64_t tsc_hz);

/* Bytes solo itself holds for a running partition, its RAM not counted. */
uint64_t partition_overhead_bytes(const struct partition *p);

/* Returns every page the partition holds to the allocator. */
void partition_destroy(struct partition *p);

#endif
