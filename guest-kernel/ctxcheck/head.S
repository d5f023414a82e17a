/*
 * The context-check guest's entry and exception stubs. solo starts it in
 * 32-bit protected mode at 1 MiB with ESI pointing at the zero page. The
 * entry first records the general registers solo started it with (the
 * first-entry leak check reads them), then installs its own GDT, builds
 * page tables identity-mapping the first GiB with 2 MiB pages (nothing
 * above is mapped, so any address from 1 GiB up faults: the CR2 check
 * uses that), turns on PAE, SSE and long mode, and calls ctx_main in
 * 64-bit mode. Exceptions go through an IST stack of their own, so a
 * fault while the general registers hold random values (RSP included)
 * is still reported rather than escalating to a triple fault; the stubs
 * are freestanding/exception-stubs.h's.
 */
#include "exception-stubs.h"
#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_NE (1 << 5)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define PAGE_PRESENT_RW 0x3
#define PAGE_LARGE 0x80

	.section .text.entry, "ax"
	.code32
	.globl ctx_entry
ctx_entry:
	cli
	movl %eax, ctx_entry_regs + 0
	movl %ebx, ctx_entry_regs + 4
	movl %ecx, ctx_entry_regs + 8
	movl %edx, ctx_entry_regs + 12
	movl %edi, ctx_entry_regs + 16
	movl %ebp, ctx_entry_regs + 20
	movl %esi, ctx_boot_params
	lgdt gdt_descriptor
	ljmp $0x08, $1f
1:	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movl $stack_top, %esp

	/* PML4[0] -> PDPT, PDPT[0] -> PD, PD[i] -> i * 2 MiB. */
	movl $page_tables, %edi
	xorl %eax, %eax
	movl $(3 * 4096 / 4), %ecx
	rep stosl
	movl $(page_tables + 4096 + PAGE_PRESENT_RW), page_tables
	movl $(page_tables + 8192 + PAGE_PRESENT_RW), page_tables + 4096
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $21, %eax
	orl $(PAGE_PRESENT_RW | PAGE_LARGE), %eax
	movl %eax, page_tables + 8192(, %ecx, 8)
	incl %ecx
	cmpl $512, %ecx
	jne 2b
	movl $page_tables, %eax
	movl %eax, %cr3

	movl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	movl %eax, %cr4
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl $(CR0_PE | CR0_MP | CR0_NE | CR0_PG), %eax
	movl %eax, %cr0
	ljmp $0x18, $3f

	.code64
3:	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movq $stack_top, %rsp
	movl ctx_boot_params(%rip), %edi
	call ctx_main
4:	cli
	hlt
	jmp 4b

	.text
	exception_stubs pushq, fault_common

fault_common:
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	movq %rsp, %rdi                 /* struct ctx_fault_frame * */
	call ctx_fault
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rax
	addq $16, %rsp                  /* vector and error code */
	iretq

	.section .rodata
	.balign 8
	.globl ctx_stubs
ctx_stubs:
	exception_stub_table .quad

	.data
	.balign 16
	.globl ctx_gdt
ctx_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff        /* 0x08: flat 32-bit code */
	.quad 0x00cf92000000ffff        /* 0x10: flat data */
	.quad 0x00af9a000000ffff        /* 0x18: 64-bit code */
	.quad 0, 0                      /* 0x20: the TSS, filled in by ctx_main */
gdt_end:
gdt_descriptor:
	.word gdt_end - ctx_gdt - 1
	.long ctx_gdt

	.bss
	.balign 4096
page_tables:
	.space 3 * 4096
	.balign 16
	.space 16384
stack_top:
	.globl ctx_boot_params, ctx_entry_regs
ctx_boot_params:
	.space 4
	.balign 4
ctx_entry_regs:
	.space 24

	.section .note.GNU-stack, "", @progbits
