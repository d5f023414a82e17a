/*
 * The boot stage's internal interfaces: one small module per step of
 * efi_main (boot/main.c). Every step that can fail prints its one
 * "solo-boot: error: ..." line itself and returns false, so main only
 * sequences the steps and cleans up. Only boot/ includes gnu-efi.
 */
#ifndef SOLO_BOOT_BOOT_H
#define SOLO_BOOT_BOOT_H

#include <efi.h>
#include <efilib.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "elf_image.h"
#include "public/handoff.h"

#define BOOT_CONFIG_PATH     L"\\solo\\appliance.conf"
#define BOOT_HYPERVISOR_PATH L"\\solo\\hypervisor.elf"

/* A file read from the ESP into MEMORY_MAP_TYPE_MODULE pages. */
struct boot_file {
	EFI_PHYSICAL_ADDRESS base;
	UINTN size;
};

/* console.c: every line starts with "solo-boot: ". */
void console_info(const CHAR16 *fmt, ...);
void console_error(const CHAR16 *fmt, ...); /* "solo-boot: error: <fmt>" */

/* pages.c: page allocations, remembered so a failure can free them all. */
bool pages_alloc(UINT32 type, UINTN bytes, EFI_PHYSICAL_ADDRESS *addr);
bool pages_alloc_below(UINT32 type, UINTN bytes, EFI_PHYSICAL_ADDRESS max_addr,
                       EFI_PHYSICAL_ADDRESS *addr);
bool pages_alloc_aligned(UINT32 type, UINTN bytes, UINTN align, EFI_PHYSICAL_ADDRESS *addr);
void pages_free_all(void);

/* files.c: reads a whole file of at most max_size bytes. context (ASCII,
 * "" for none) starts each error line, before the path. */
bool files_read(EFI_HANDLE image, const char *context, const CHAR16 *path, UINTN max_size,
                struct boot_file *file);

/* verify.c: verified launch. verify_begin reads and checks the manifest
 * (when this boot stage holds its digest); files_read then checks each
 * file with verify_file; verify_appliance checks the config's name;
 * verify_commit records the build counter once every file has passed.
 * Each failure prints its line. */
bool verify_begin(EFI_HANDLE image);
bool verify_file(const char *context, const CHAR16 *path, const void *data, UINTN size);
bool verify_appliance(const char *name);
void verify_commit(void);
/* Whether a file failed its check against the manifest. */
bool verify_refused(void);
/* The manifest as read, to hand over; false in an unverified build. */
bool verify_manifest(struct boot_file *out);

/* measure.c: measured launch. measure_begin finds the TPM 2.0 (or says
 * there is none); files_read extends PCR 12 with each file it accepts
 * (measure_file); measure_report prints the PCR's value. */
void measure_begin(void);
bool measure_file(const char *context, const CHAR16 *path, const void *data, UINTN size);
void measure_report(void);

/* A file handed over under a name of its own (an ESP path). */
struct boot_named_file {
	char name[HANDOFF_FILE_NAME_LEN];
	struct boot_file file;
};

/* Every VM's kernel and initrd, and every container's initramfs (the
 * containers share one kernel), each distinct path once. */
#define BOOT_VM_FILES_MAX (2 * CONFIG_MAX_VMS + CONFIG_MAX_CONTAINERS + 1)
struct vm_files {
	unsigned count;
	struct boot_named_file files[BOOT_VM_FILES_MAX];
};

/* vm_files.c: reads every [vm]'s kernel and initrd, checks each kernel
 * with bzimage_check() and that the VM's memory can hold it all
 * (linux_boot_plan()). */
bool vm_files_read(EFI_HANDLE image, const struct appliance_config *config, struct vm_files *files);

/* vmx_check.c: the CPU can run solo (Intel, VT-x usable, required
 * controls). Prints the VMCS revision on success. */
bool vmx_check(void);

/* hypervisor_load.c: loads a checked image into a 2 MiB-aligned block. */
bool hypervisor_load(const struct boot_file *elf, const struct elf_image_info *info,
                     EFI_PHYSICAL_ADDRESS *phys, UINT64 *size);

/* acpi.c: the RSDP's physical address, 0 when there is none. */
UINT64 acpi_find_rsdp(void);

/* cpus.c: fills cpu_count, bsp_apic_id and apic_ids (BSP first). */
void cpus_enumerate(struct handoff *handoff);

/* address_space.c: builds the start-up page tables for the current
 * memory map; sets handoff->boot_pml4. */
bool address_space_build(struct handoff *handoff);

/* exit.c: ExitBootServices, the final memory map into the handoff, the
 * switch to the new page tables and the jump. Returns only on a failure
 * before boot services ended (after printing its error line). */
bool exit_and_enter(EFI_HANDLE image, struct handoff *handoff, UINT64 entry,
                    EFI_PHYSICAL_ADDRESS stack_top);

#endif
