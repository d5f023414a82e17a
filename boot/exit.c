/*
 * The point of no return: take the final memory map, end boot services,
 * record the map in the handoff block, switch to the hypervisor's page
 * tables and stack, and call its entry point. Between GetMemoryMap and
 * ExitBootServices nothing may allocate or print (either can change the
 * map and invalidate its key), so the buffer is sized with slack first
 * and the last console line comes before it.
 *
 * Once ExitBootServices has been called, even unsuccessfully, the
 * firmware may have stopped its services; a failure from there on is
 * reported straight to COM1 and the CPU halts.
 */
#include <stddef.h>

#include "boot.h"
#include "cpu.h"
#include "memory_map.h"

_Static_assert(sizeof(EFI_MEMORY_DESCRIPTOR) == sizeof(struct memory_map_descriptor),
               "memory_map.h mirrors EFI_MEMORY_DESCRIPTOR");
_Static_assert(offsetof(EFI_MEMORY_DESCRIPTOR, PhysicalStart) ==
                   offsetof(struct memory_map_descriptor, physical_start),
               "memory_map.h mirrors EFI_MEMORY_DESCRIPTOR");
_Static_assert(offsetof(EFI_MEMORY_DESCRIPTOR, NumberOfPages) ==
                   offsetof(struct memory_map_descriptor, number_of_pages),
               "memory_map.h mirrors EFI_MEMORY_DESCRIPTOR");

/* Descriptors the map may gain between sizing it and reading it. */
#define MAP_SLACK_DESCRIPTORS 16

#define COM1          0x3f8
#define UART_LSR      5
#define UART_LSR_THRE 0x20

/* COM1 as the firmware left it configured; bounded waits, so a missing
 * UART cannot hang us before the halt. */
static void serial_line(const char *s)
{
	for (; *s; s++) {
		for (int spin = 0; spin < 100000 && !(cpu_inb(COM1 + UART_LSR) & UART_LSR_THRE);
		     spin++)
			;
		cpu_outb(COM1, (UINT8)*s);
	}
}

static void __attribute__((noreturn)) halt_after_exit_failure(void)
{
	serial_line("solo-boot: error: ExitBootServices failed, halting\r\n");
	cpu_halt_forever();
}

/* The new tables identity map all RAM, so this code keeps running after
 * the CR3 write. The entry is called, not jumped to, so it starts with
 * the stack aligned as the System V ABI expects at a function's first
 * instruction; it must never return, and if it does the CPU halts. */
static void __attribute__((noreturn))
enter(UINT64 pml4, UINT64 stack_top, UINT64 entry, UINT64 handoff)
{
	__asm__ volatile("cli\n\t"
	                 "mov %0, %%cr3\n\t"
	                 "mov %1, %%rsp\n\t"
	                 "xor %%ebp, %%ebp\n\t"
	                 "call *%2\n\t"
	                 "1: cli\n\t"
	                 "hlt\n\t"
	                 "jmp 1b"
	                 :
	                 : "r"(pml4), "r"(stack_top), "r"(entry), "D"(handoff)
	                 : "memory");
	__builtin_unreachable();
}

bool exit_and_enter(EFI_HANDLE image, struct handoff *h, UINT64 entry,
                    EFI_PHYSICAL_ADDRESS stack_top)
{
	UINTN map_size = 0, key, desc_size;
	UINT32 desc_version;
	EFI_STATUS status = BS->GetMemoryMap(&map_size, NULL, &key, &desc_size, &desc_version);
	if (status != EFI_BUFFER_TOO_SMALL) {
		console_error(L"cannot size the UEFI memory map: %r", status);
		return false;
	}
	UINTN capacity = map_size + MAP_SLACK_DESCRIPTORS * desc_size;
	void *map = AllocatePool(capacity);
	if (!map) {
		console_error(L"cannot allocate %ld bytes for the memory map", (UINT64)capacity);
		return false;
	}
	console_info(L"exiting boot services at TSC %lu, entering the hypervisor at 0x%lx",
	             cpu_rdtsc(), entry);

	/* The first ExitBootServices may fail because the map changed under
	 * us (an event ran); the spec's remedy is one more GetMemoryMap. */
	bool exit_called = false;
	for (int attempt = 0; attempt < 2; attempt++) {
		map_size = capacity;
		status = BS->GetMemoryMap(&map_size, map, &key, &desc_size, &desc_version);
		if (EFI_ERROR(status))
			break;
		exit_called = true;
		status = BS->ExitBootServices(image, key);
		if (status != EFI_INVALID_PARAMETER)
			break;
	}
	if (EFI_ERROR(status)) {
		if (exit_called)
			halt_after_exit_failure();
		console_error(L"cannot read the UEFI memory map: %r", status);
		FreePool(map);
		return false;
	}

	/* Checked to fit before boot services ended (address_space.c). */
	memory_map_convert(map, map_size, desc_size, h);
	enter(h->boot_pml4, stack_top, entry, (UINT64)(UINTN)h);
}
