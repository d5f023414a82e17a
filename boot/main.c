/*
 * solo's UEFI boot stage. efi_main runs the steps in order: read the
 * config and the hypervisor from the ESP, validate both, read and check
 * the kernel and initrd of each [vm], check VT-x, load
 * the hypervisor, reserve the AP trampoline page, find ACPI, list the
 * CPUs, build the page tables and the handoff block, then leave the
 * firmware and enter the hypervisor (docs/handoff.md). Each step prints
 * its own "solo-boot: error: ..." line on failure; then everything
 * allocated is freed and control returns to the firmware, whose boot
 * manager moves on to its next boot option.
 */
#include "boot.h"
#include "cpu.h"
#include "config.h"
#include "memory_map.h"
#include "sha256_cpu.h"

#define CONFIG_FILE_MAX        (1ULL << 20)
#define HYPERVISOR_FILE_MAX    (256ULL << 20)
#define TRAMPOLINE_MAX_ADDRESS 0x9f000 /* below the EBDA, in real-mode reach */
#define BOOT_STACK_SIZE        (64ULL << 10)

/* Parses the config into *config (pool memory: it is too large for the
 * firmware's stack). */
static bool check_config(const struct boot_file *file, struct appliance_config *config)
{
	char err[160];
	bool ok =
	    config_parse((const char *)(UINTN)file->base, file->size, config, err, sizeof(err));
	if (!ok) {
		/* "...conf line 3: unknown key" reads better than "conf: line 3". */
		bool on_a_line = err[0] == 'l' && err[1] == 'i' && err[2] == 'n' && err[3] == 'e';
		console_error(on_a_line ? L"%s %a" : L"%s: %a", BOOT_CONFIG_PATH, err);
	} else {
		console_info(L"appliance '%a': %d container%a, %d vm%a", config->name,
		             config->container_count, config->container_count == 1 ? "" : "s",
		             config->vm_count, config->vm_count == 1 ? "" : "s");
	}
	return ok;
}

static bool check_hypervisor(const struct boot_file *file, struct elf_image_info *info)
{
	char err[96];
	if (!elf_image_check((const void *)(UINTN)file->base, file->size, info, err, sizeof(err))) {
		console_error(L"%s: %a", BOOT_HYPERVISOR_PATH, err);
		return false;
	}
	return true;
}

/* Checks the config, then reads the kernels and initrds it names. The
 * parsed config lives in pool memory only meanwhile. */
static bool read_vm_files(EFI_HANDLE image, const struct boot_file *config_file,
                          struct vm_files *files)
{
	struct appliance_config *config = AllocatePool(sizeof(*config));
	if (!config) {
		console_error(L"cannot allocate memory to check %s", BOOT_CONFIG_PATH);
		return false;
	}
	bool ok = check_config(config_file, config) && verify_appliance(config->name) &&
	          vm_files_read(image, config, files);
	FreePool(config);
	return ok;
}

static void add_file(struct handoff *h, const char *name, const struct boot_file *file)
{
	struct handoff_file *f = &h->files[h->file_count++];
	unsigned i = 0;
	for (; name[i] && i + 1 < HANDOFF_FILE_NAME_LEN; i++)
		f->name[i] = name[i];
	f->name[i] = '\0';
	f->base = file->base;
	f->size = file->size;
}

static void print_cpus(const struct handoff *h)
{
	Print(L"solo-boot: %d CPUs, APIC IDs:", h->cpu_count);
	for (UINT32 i = 0; i < h->cpu_count; i++)
		Print(L" %d", h->apic_ids[i]);
	Print(L" (BSP first)\n");
}

static EFI_STATUS boot(EFI_HANDLE image)
{
	struct boot_file config_file, elf_file;
	sha256_cpu_select();
	measure_begin();
	if (!verify_begin(image))
		return EFI_SECURITY_VIOLATION;
	if (!files_read(image, "", BOOT_CONFIG_PATH, CONFIG_FILE_MAX, &config_file) ||
	    !files_read(image, "", BOOT_HYPERVISOR_PATH, HYPERVISOR_FILE_MAX, &elf_file))
		return EFI_LOAD_ERROR;
	console_info(L"read %s (%ld bytes) and %s (%ld bytes)", BOOT_CONFIG_PATH,
	             (UINT64)config_file.size, BOOT_HYPERVISOR_PATH, (UINT64)elf_file.size);

	struct elf_image_info info;
	static struct vm_files vm_files; /* 77 KiB: kept off the firmware's stack */
	if (!read_vm_files(image, &config_file, &vm_files) || !check_hypervisor(&elf_file, &info))
		return EFI_LOAD_ERROR;
	/* Every file checked: this build is accepted, whether or not this
	 * machine can run it. */
	verify_commit();
	measure_report();

	if (!vmx_check())
		return EFI_UNSUPPORTED;

	EFI_PHYSICAL_ADDRESS image_phys, trampoline, handoff_phys, stack;
	UINT64 image_size;
	if (!hypervisor_load(&elf_file, &info, &image_phys, &image_size))
		return EFI_LOAD_ERROR;
	console_info(L"hypervisor at 0x%lx (%ld KiB), entry 0x%lx", image_phys, image_size >> 10,
	             info.entry);

	if (!pages_alloc_below(MEMORY_MAP_TYPE_TRAMPOLINE, EFI_PAGE_SIZE, TRAMPOLINE_MAX_ADDRESS,
	                       &trampoline) ||
	    !pages_alloc(MEMORY_MAP_TYPE_HYPERVISOR, sizeof(struct handoff), &handoff_phys) ||
	    !pages_alloc(MEMORY_MAP_TYPE_HYPERVISOR, BOOT_STACK_SIZE, &stack))
		return EFI_OUT_OF_RESOURCES;

	struct handoff *h = (struct handoff *)(UINTN)handoff_phys;
	memset(h, 0, sizeof(*h));
	h->magic = HANDOFF_MAGIC;
	h->version = HANDOFF_VERSION;
	h->size = sizeof(*h);
	h->hypervisor_phys_base = image_phys;
	h->hypervisor_size = image_size;
	h->trampoline_page = trampoline;
	h->acpi_rsdp = acpi_find_rsdp();
	add_file(h, HANDOFF_FILE_CONFIG, &config_file);
	struct boot_file manifest_file;
	if (verify_manifest(&manifest_file))
		add_file(h, HANDOFF_FILE_MANIFEST, &manifest_file);
	add_file(h, "hypervisor", &elf_file);
	for (unsigned i = 0; i < vm_files.count; i++)
		add_file(h, vm_files.files[i].name, &vm_files.files[i].file);
	cpus_enumerate(h);

	if (h->acpi_rsdp)
		console_info(L"ACPI RSDP at 0x%lx", h->acpi_rsdp);
	else
		console_info(L"no ACPI tables");
	print_cpus(h);
	console_info(L"trampoline page at 0x%lx, handoff block at 0x%lx", trampoline, handoff_phys);

	if (!address_space_build(h))
		return EFI_LOAD_ERROR;
	exit_and_enter(image, h, info.entry, stack + BOOT_STACK_SIZE);
	return EFI_LOAD_ERROR; /* only reached when boot services are still up */
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *system_table);

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *system_table)
{
	InitializeLib(image, system_table);
	/* The TSC counts from power-on: the firmware's share of a boot. */
	console_info(L"starting at TSC %lu", cpu_rdtsc());
	EFI_STATUS status = boot(image);
	pages_free_all();
	console_info(L"returning to firmware");
	return status;
}
