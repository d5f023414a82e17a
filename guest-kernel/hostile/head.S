/*
 * The hostile guest's 32-bit entry (its bzImage header is
 * freestanding/bzimage-header.S). solo starts the payload in 32-bit
 * protected mode at 1 MiB with ESI pointing at the zero page; the entry
 * installs the guest's own GDT and stack, since nothing solo set up may
 * be trusted to stay valid, and calls C. The exception stubs give the C
 * handler one frame layout for every vector, with or without a
 * CPU-pushed error code (freestanding/exception-stubs.h).
 */
#include "exception-stubs.h"

	.section .text.entry, "ax"
	.code32
	.globl hostile_entry
hostile_entry:
	cli
	lgdt gdt_descriptor
	ljmp $0x08, $1f
1:	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movl $stack_top, %esp
	pushl %esi                      /* struct boot_params * */
	call hostile_main
2:	cli
	hlt
	jmp 2b

	.text

	exception_stubs pushl, fault_common

fault_common:
	pushal
	pushl %esp                      /* struct fault_frame * */
	call hostile_fault
	addl $4, %esp
	popal
	addl $8, %esp                   /* vector and error code */
	iret

	.section .rodata
	.globl fault_stubs
fault_stubs:
	exception_stub_table .long

	.balign 8
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff        /* 0x08: flat 32-bit code */
	.quad 0x00cf92000000ffff        /* 0x10: flat 32-bit data */
gdt_end:
gdt_descriptor:
	.word gdt_end - gdt - 1
	.long gdt

	.bss
	.balign 16
	.space 16384
stack_top:

	/* No executable stack: the linker would warn. */
	.section .note.GNU-stack, "", @progbits
