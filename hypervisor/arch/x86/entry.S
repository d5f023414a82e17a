/*
 * The hypervisor's entry from the boot stage: RDI holds the physical
 * address of the handoff block, interrupts are off, paging is on with
 * the boot stage's tables. Switch to solo's own boot stack and enter C.
 */
	.section .text.entry, "ax"
	.globl hv_entry
hv_entry:
	cli
	cld
	leaq boot_stack_top(%rip), %rsp
	xorl %ebp, %ebp
	call hv_main
1:	cli
	hlt
	jmp 1b

	.bss
	.balign 16
boot_stack:
	.skip 32768
boot_stack_top:
	.section .note.GNU-stack,"",@progbits
