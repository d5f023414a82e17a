/*
 * The handoff block: everything the boot stage learned from the firmware,
 * passed to the hypervisor in one versioned, self-describing structure.
 * This is the only contract between boot/ (which knows UEFI) and
 * hypervisor/ (which does not), so a different boot stage (Multiboot2, say)
 * only has to fill this in. docs/handoff.md describes each field.
 */
#ifndef SOLO_PUBLIC_HANDOFF_H
#define SOLO_PUBLIC_HANDOFF_H

#include <stdint.h>

#define HANDOFF_MAGIC   0x46464f444e41484fULL /* "OHANDOFF" little-endian */
#define HANDOFF_VERSION 4

#define HANDOFF_MAX_CPUS          64
#define HANDOFF_MAX_MEMORY_RANGES 512
/* The config, the manifest, the hypervisor, a kernel and an initrd for
 * each of up to 16 [vm] sections, and an initramfs for each of up to 512
 * containers with the kernel they share (548), with room to spare. */
#define HANDOFF_MAX_FILES 576
/* Room for an ESP path of up to 127 characters (CONFIG_PATH_MAX). */
#define HANDOFF_FILE_NAME_LEN 128

/* The hypervisor ELF is linked to run at this virtual address. */
#define HANDOFF_HYPERVISOR_VIRT_BASE 0xffffffff80000000ULL

enum handoff_memory_type {
	HANDOFF_MEM_USABLE = 1,   /* free for the hypervisor's page allocator */
	HANDOFF_MEM_RESERVED = 2, /* firmware, MMIO, anything unknown */
	HANDOFF_MEM_ACPI_RECLAIM = 3,
	HANDOFF_MEM_ACPI_NVS = 4,
	HANDOFF_MEM_HYPERVISOR = 5, /* image, handoff, boot page tables */
	HANDOFF_MEM_MODULE = 6,     /* files loaded from the ESP */
	HANDOFF_MEM_TRAMPOLINE = 7, /* the page below 1 MiB for AP start-up */
};

struct handoff_memory_range {
	uint64_t base;
	uint64_t length;
	uint32_t type; /* enum handoff_memory_type */
	uint32_t reserved;
};

/* The name the appliance config is handed over under. */
#define HANDOFF_FILE_CONFIG "config"
/* The manifest every file was verified against (verified builds only). */
#define HANDOFF_FILE_MANIFEST "manifest"

/* A file the boot stage read from the ESP, e.g. HANDOFF_FILE_CONFIG.
 * Kernels and initrds named by [vm] sections are handed over under their
 * ESP path as the config parser normalised it ("\solo\bzImage"), once
 * each however many VMs name them. */
struct handoff_file {
	char name[HANDOFF_FILE_NAME_LEN]; /* NUL-terminated */
	uint64_t base;                    /* physical address, identity mapped */
	uint64_t size;
};

struct handoff {
	uint64_t magic;
	uint32_t version;
	uint32_t size; /* sizeof(struct handoff) as the boot stage built it */

	/* Where the hypervisor image lives: HANDOFF_HYPERVISOR_VIRT_BASE maps
	 * to hypervisor_phys_base, 2 MiB aligned, hypervisor_size bytes long. */
	uint64_t hypervisor_phys_base;
	uint64_t hypervisor_size;

	uint64_t boot_pml4;       /* page tables active at entry */
	uint64_t trampoline_page; /* 4 KiB, below 1 MiB, for INIT-SIPI-SIPI */
	uint64_t acpi_rsdp;       /* 0 when the firmware has no ACPI tables */

	uint32_t cpu_count;
	uint32_t bsp_apic_id;
	uint32_t apic_ids[HANDOFF_MAX_CPUS]; /* apic_ids[0] is the BSP */

	uint32_t file_count;
	uint32_t memory_range_count;
	struct handoff_file files[HANDOFF_MAX_FILES];
	struct handoff_memory_range memory[HANDOFF_MAX_MEMORY_RANGES];
};

#endif
