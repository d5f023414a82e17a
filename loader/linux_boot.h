/*
 * Turns a Linux bzImage, an optional initrd and a command line into a
 * guest memory image that boots through the 32-bit boot protocol
 * (Documentation/arch/x86/boot.rst, "32-bit Boot Protocol"): the
 * protected-mode kernel, the zero page (struct boot_params) with the setup
 * header copied from the image and an e820 map, the command line, the
 * initrd, an MP table listing the vCPUs and the ACPI tables
 * (acpi_tables.h). Pure C with no hardware
 * access: the boot stage checks kernels with it before leaving the
 * firmware, the hypervisor builds guests with it, and host tests and
 * fuzzers run it on synthetic images. Every field of the image is
 * untrusted; nothing is written outside the guest RAM given.
 *
 * Guest-physical layout (docs/linux-boot.md explains each choice):
 *   0x7000   zero page, 4 KiB
 *   0x20000  command line, NUL-terminated
 *   0x9F000-0x100000  reserved in e820; the ACPI tables at 0xE0000, the
 *            MP table at 0xF0000
 *   pref_address (16 MiB for stock kernels)  protected-mode kernel,
 *            followed by the rest of its init_size
 *   top of RAM (below initrd_addr_max)  initrd, page aligned
 */
#ifndef SOLO_LOADER_LINUX_BOOT_H
#define SOLO_LOADER_LINUX_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest_machine.h"

/* 2.12 is the first protocol with xloadflags; it also has pref_address,
 * init_size (2.10) and cmdline_size (2.06), which placement relies on.
 * Every kernel since 3.8 (2013) speaks it. */
#define LINUX_BOOT_PROTOCOL_MIN 0x020c

#define LINUX_BOOT_ZERO_PAGE_GPA 0x7000ULL
#define LINUX_BOOT_CMDLINE_GPA   0x20000ULL
/* The most command-line bytes solo places, NUL excluded; the kernel's own
 * cmdline_size (2048 on x86_64) usually binds first. */
#define LINUX_BOOT_CMDLINE_MAX 4095
/* e820 layout: RAM below the EBDA, the legacy hole reserved, RAM above. */
#define LINUX_BOOT_LOW_RAM_END   0x9f000ULL
#define LINUX_BOOT_HIGH_RAM_BASE 0x100000ULL
/* Where a kernel whose pref_address is unusable is loaded (aligned up to
 * its kernel_alignment): the x86 default CONFIG_PHYSICAL_START. */
#define LINUX_BOOT_FALLBACK_LOAD_GPA (16ULL << 20)
/* Sanity bound for init_size: stock kernels need well under 100 MiB. */
#define LINUX_BOOT_INIT_SIZE_MAX (1ULL << 30)

/* xloadflags bits (boot.rst). */
#define LINUX_XLF_KERNEL_64              (1u << 0)
#define LINUX_XLF_CAN_BE_LOADED_ABOVE_4G (1u << 1)

/* e820 types (the zero page's e820_table). */
#define LINUX_E820_RAM      1
#define LINUX_E820_RESERVED 2
/* Entries in the zero page's e820_table. */
#define LINUX_E820_TABLE_MAX 128

/* What bzimage_check() learned from a valid image. */
struct bzimage_info {
	uint16_t version;    /* boot protocol, e.g. 0x020f for 2.15 */
	uint16_t xloadflags; /* LINUX_XLF_* */
	uint32_t setup_size; /* (setup_sects + 1) * 512: the real-mode part */
	uint32_t header_end; /* file offset one past the setup header */
	/* The protected-mode kernel: file offset (= setup_size) and length
	 * (syssize * 16), inside the file. */
	uint64_t protected_mode_offset;
	uint64_t protected_mode_size;
	uint64_t pref_address;     /* preferred load address */
	uint32_t init_size;        /* bytes from the load address it needs */
	uint32_t kernel_alignment; /* a power of two */
	uint32_t cmdline_size;     /* longest command line, NUL excluded */
	uint32_t initrd_addr_max;  /* highest byte the initrd may occupy */
};

/* Validates the setup header of a bzImage of size bytes. On success fills
 * *info and returns true; on failure writes one short phrase (e.g. "not a
 * bzImage (no HdrS magic)", "boot protocol 2.04 too old, need 2.12") to
 * err, NUL-terminated and truncated to errlen. Never reads outside
 * [image, image + size). */
bool bzimage_check(const void *image, size_t size, struct bzimage_info *info, char *err,
                   size_t errlen);

struct linux_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type; /* LINUX_E820_* */
};

/* Fills table with the guest's memory map for ram_size bytes of RAM from
 * guest-physical 0: [0, 0x9F000) RAM, [0x9F000, 0x100000) reserved,
 * [0x100000, ram_size) RAM, leaving out what RAM does not reach. Returns
 * the number of entries (at most 3), or 0 when max is below 3. */
unsigned linux_boot_e820(uint64_t ram_size, struct linux_e820_entry *table, unsigned max);

/* Where linux_boot_prepare() put things, all guest-physical. */
struct linux_boot_layout {
	/* The 32-bit entry point (the load address): start the BSP there in
	 * 32-bit protected mode, paging off, interrupts off, with a GDT whose
	 * selectors 0x10 (CS, execute/read) and 0x18 (DS, ES, SS, read/write)
	 * are flat 4 GiB segments, ESI = boot_params_gpa and EBP = EDI = EBX
	 * = 0. */
	uint64_t entry_gpa;
	/* entry_gpa + 0x200 when the image has LINUX_XLF_KERNEL_64 (the
	 * 64-bit boot protocol's entry), else 0. */
	uint64_t entry64_gpa;
	uint64_t boot_params_gpa; /* the zero page */
	uint64_t cmdline_gpa;
	uint64_t mptable_gpa;
	uint64_t acpi_gpa; /* the RSDP, then the other ACPI tables */
	/* [kernel_gpa, kernel_end): the load address and init_size; the
	 * protected-mode code is copied to its start. */
	uint64_t kernel_gpa;
	uint64_t kernel_end;
	uint64_t initrd_gpa; /* 0 when there is no initrd */
	uint64_t initrd_size;
};

/* Plans a guest of ram_size bytes for a kernel bzimage_check() accepted,
 * an initrd of initrd_size bytes (0 for none), a command line (NULL means
 * "") and vcpus vCPUs, without touching any memory: fills *out, or returns
 * false with one short phrase in err, e.g. "guest RAM of 32 MiB too small:
 * the kernel needs 68 MiB". The boot stage uses it to refuse a VM that
 * cannot fit before it leaves the firmware. */
bool linux_boot_plan(uint64_t ram_size, const struct bzimage_info *info, uint64_t initrd_size,
                     const char *cmdline, unsigned vcpus, struct linux_boot_layout *out, char *err,
                     size_t errlen);

/* Lays out a guest: ram is its RAM as the caller sees it, guest-physical 0
 * at ram[0], ram_size bytes. Checks the image with bzimage_check(), plans
 * every placement and checks it (fits in RAM, no overlap, command line no
 * longer than the kernel's cmdline_size, initrd below initrd_addr_max),
 * and only then writes the zero page, the command line (NULL means ""),
 * the MP table and the ACPI tables for the machine (its vCPUs and network
 * interfaces), the kernel and the
 * initrd (NULL when
 * initrd_size is 0). RAM outside those ranges is left as it was, so pass
 * zeroed RAM. On failure returns false with one short phrase in err and
 * writes nothing. */
bool linux_boot_prepare(uint8_t *ram, uint64_t ram_size, const void *image, size_t image_size,
                        const void *initrd, size_t initrd_size, const char *cmdline,
                        const struct guest_machine *machine, struct linux_boot_layout *out,
                        char *err, size_t errlen);

#endif
