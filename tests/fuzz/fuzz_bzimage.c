/*
 * libFuzzer target for the bzImage loader: every input is a kernel image
 * for bzimage_check(), and the images it accepts are laid out by
 * linux_boot_prepare() into a guest RAM whose bytes past the chosen size
 * are poisoned, so AddressSanitizer catches any access outside it (one
 * buffer for all runs: a fresh allocation per run costs more than the
 * loader). The RAM size, vCPU
 * count, initrd length and command line come from bytes of the input the
 * setup header does not use, so the fuzzer explores placement too. What
 * prepare reports is then checked against its own promises.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/asan_interface.h>

#include "linux_boot.h"

#define RAM_MAX (64ULL << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int ok)
{
	if (!ok)
		abort();
}

static void check_error(const char *err, size_t errlen)
{
	require(memchr(err, 0, errlen) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[128];
	struct bzimage_info info;
	if (!bzimage_check(data, size, &info, err, sizeof(err))) {
		check_error(err, sizeof(err));
		require(err[0] != '\0');
		return 0;
	}
	require(info.setup_size + info.protected_mode_size <= size);
	require(info.init_size >= info.protected_mode_size);
	require((info.kernel_alignment & (info.kernel_alignment - 1)) == 0);

	/* Bytes 0x00-0x1ef are the boot sector, unused by the checks: they
	 * pick the guest. */
	uint64_t ram_size = ((uint64_t)data[0] % 48 + 1) << 20; /* 1..48 MiB */
	ram_size += (uint64_t)data[1] << 12;
	unsigned vcpus = data[2] % 66; /* 0 and 65 are refused */
	size_t initrd_size = ((size_t)data[3] << 8 | data[4]) * 64;
	if (initrd_size > size)
		initrd_size = size;
	char cmdline[64];
	size_t cmdline_len = data[5] % sizeof(cmdline);
	for (size_t i = 0; i < cmdline_len; i++)
		cmdline[i] = (char)(data[16 + i] | 1); /* no NUL inside */
	cmdline[cmdline_len] = '\0';

	static uint8_t *ram;
	if (!ram)
		ram = malloc(RAM_MAX);
	require(ram != NULL && ram_size <= RAM_MAX);
	ASAN_UNPOISON_MEMORY_REGION(ram, ram_size);
	ASAN_POISON_MEMORY_REGION(ram + ram_size, RAM_MAX - ram_size);
	struct linux_boot_layout l;
	if (linux_boot_prepare(ram, ram_size, data, size, data, initrd_size, cmdline,
	                       &(struct guest_machine){.vcpus = vcpus}, &l,
	                       err, sizeof(err))) {
		require(l.kernel_gpa >= LINUX_BOOT_HIGH_RAM_BASE);
		require(l.kernel_gpa % info.kernel_alignment == 0);
		require(l.kernel_end == l.kernel_gpa + info.init_size);
		require(l.kernel_end <= ram_size);
		require(l.entry_gpa == l.kernel_gpa);
		if (initrd_size) {
			require(l.initrd_gpa >= l.kernel_end);
			require(l.initrd_gpa % 4096 == 0);
			require(l.initrd_gpa + initrd_size <= ram_size);
			require(l.initrd_gpa + initrd_size - 1 <= info.initrd_addr_max);
		}
		require(memcmp(ram + l.kernel_gpa, data + info.protected_mode_offset,
		               info.protected_mode_size) == 0);
		require(ram[l.boot_params_gpa + 0x1e8] == 3);
		require(strcmp((const char *)ram + l.cmdline_gpa, cmdline) == 0);
	} else {
		check_error(err, sizeof(err));
		require(err[0] != '\0');
	}
	return 0;
}
