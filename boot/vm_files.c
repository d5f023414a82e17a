/*
 * Reads the kernel and initrd of every [vm] section from the ESP, so the
 * hypervisor gets them through the handoff block like the config. A path
 * named by several VMs is read once. Everything that can be known before
 * leaving the firmware is checked here, with the loader code the
 * hypervisor uses: the kernel's setup header (bzimage_check()) and that
 * the VM's memory holds the kernel, the initrd and the command line
 * (linux_boot_plan()). So a wrong file or a VM too small fails now, with
 * one line naming the VM, rather than later inside the hypervisor.
 */
#include "boot.h"
#include "linux_boot.h"

/* Far above any real kernel or initrd, far below what would exhaust the
 * memory the VMs themselves need. */
#define VM_KERNEL_MAX (64ULL << 20)
#define VM_INITRD_MAX (512ULL << 20)

/* The config, the manifest and the hypervisor come first (main.c). */
_Static_assert(3 + BOOT_VM_FILES_MAX <= HANDOFF_MAX_FILES,
               "the handoff block has room for every VM file");
_Static_assert(CONFIG_PATH_MAX < HANDOFF_FILE_NAME_LEN, "ESP paths fit handoff file names");

/* gnu-efi has no strcmp or strlen, hence these two loops. */
static bool same_name(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static const struct boot_named_file *find(const struct vm_files *files, const char *path)
{
	for (unsigned i = 0; i < files->count; i++)
		if (same_name(files->files[i].name, path))
			return &files->files[i];
	return NULL;
}

/* Appends ASCII src to dst (of size n), always NUL-terminated. */
static void append(char *dst, size_t n, const char *src)
{
	size_t len = 0;
	while (dst[len])
		len++;
	while (*src && len + 1 < n)
		dst[len++] = *src++;
	dst[len] = '\0';
}

/* Reads the file at path (from the config, so printable ASCII) unless an
 * earlier VM already did. what is "kernel" or "initrd", for messages. */
static const struct boot_named_file *read_file(EFI_HANDLE image, const char *kind,
                                               const struct config_vm *vm, const char *what,
                                               const char *path, UINTN max_size,
                                               struct vm_files *files)
{
	const struct boot_named_file *known = find(files, path);
	if (known)
		return known;

	char context[CONFIG_NAME_MAX + 32] = "";
	append(context, sizeof(context), kind);
	append(context, sizeof(context), " '");
	append(context, sizeof(context), vm->name);
	append(context, sizeof(context), "': ");
	append(context, sizeof(context), what);
	append(context, sizeof(context), " ");
	CHAR16 wide[CONFIG_PATH_MAX + 1];
	size_t i = 0;
	for (; path[i] && i < CONFIG_PATH_MAX; i++)
		wide[i] = (CHAR16)(unsigned char)path[i];
	wide[i] = 0;

	struct boot_named_file *f = &files->files[files->count];
	if (!files_read(image, context, wide, max_size, &f->file))
		return NULL;
	f->name[0] = '\0';
	append(f->name, sizeof(f->name), path);
	files->count++;
	return f;
}

/* kind is "vm" or "container", for messages. */
static bool read_vm(EFI_HANDLE image, const char *kind, const struct config_vm *vm,
                    struct vm_files *files)
{
	const struct boot_named_file *kernel =
	    read_file(image, kind, vm, "kernel", vm->kernel, VM_KERNEL_MAX, files);
	if (!kernel)
		return false;
	char err[128];
	struct bzimage_info info;
	if (!bzimage_check((const void *)(UINTN)kernel->file.base, kernel->file.size, &info, err,
	                   sizeof(err))) {
		console_error(L"%a '%a': kernel %a: %a", kind, vm->name, vm->kernel, err);
		return false;
	}

	UINT64 initrd_size = 0;
	if (vm->initrd[0]) {
		const struct boot_named_file *initrd =
		    read_file(image, kind, vm, "initrd", vm->initrd, VM_INITRD_MAX, files);
		if (!initrd)
			return false;
		initrd_size = initrd->file.size;
	}

	struct linux_boot_layout layout;
	if (!linux_boot_plan(vm->memory, &info, initrd_size, vm->cmdline, vm->vcpus, &layout, err,
	                     sizeof(err))) {
		console_error(L"%a '%a': %a", kind, vm->name, err);
		return false;
	}
	console_info(L"%a '%a': kernel %a (boot protocol %d.%02d, %ld KiB), initrd %ld KiB", kind,
	             vm->name, vm->kernel, info.version >> 8, info.version & 0xff,
	             (UINT64)kernel->file.size >> 10, initrd_size >> 10);
	return true;
}

bool vm_files_read(EFI_HANDLE image, const struct appliance_config *config, struct vm_files *files)
{
	files->count = 0;
	for (uint32_t i = 0; i < config->vm_count; i++)
		if (!read_vm(image, "vm", &config->vms[i], files))
			return false;
	/* A container whose files are missing or broken (a hand-edited ESP)
	 * must not keep the others from starting: it is reported and left
	 * out, and the hypervisor says again that it did not start. One that
	 * fails verification stops the boot. */
	for (uint32_t i = 0; i < config->container_count; i++) {
		struct config_vm vm;
		config_container_vm(&config->containers[i], &vm);
		if (read_vm(image, "container", &vm, files))
			continue;
		/* A file that fails verification is tampering: nothing boots. */
		if (verify_refused())
			return false;
		console_info(L"container '%a' will not start; the others go on", vm.name);
	}
	return true;
}
