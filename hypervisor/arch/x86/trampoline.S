/*
 * AP start-up code, copied to the trampoline page below 1 MiB. A SIPI
 * starts the AP in real mode at CS = page >> 4, IP = 0; this code goes
 * through protected mode into long mode with solo's page tables, then
 * jumps to the C entry with its stack and argument. The fields at the end
 * are patched by ap_start() before each start.
 */
	.text
	.code16
	.globl ap_trampoline_start
ap_trampoline_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	movzwl %ax, %ebx
	shll $4, %ebx
	lgdtl (tr_gdt_pointer - ap_trampoline_start)
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl *(tr_far32 - ap_trampoline_start)

	.code32
	.globl tr_protected
tr_protected:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $0x20, %eax /* PAE */
	movl %eax, %cr4
	movl (tr_cr3 - ap_trampoline_start)(%ebx), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx /* IA32_EFER */
	rdmsr
	orl $0x100, %eax /* LME */
	wrmsr
	movl %cr0, %eax
	orl $0x80000000, %eax /* PG */
	movl %eax, %cr0
	ljmpl *(tr_far64 - ap_trampoline_start)(%ebx)

	.code64
	.globl tr_long
tr_long:
	movl %ebx, %ebx
	movq (tr_stack - ap_trampoline_start)(%rbx), %rsp
	movq (tr_arg - ap_trampoline_start)(%rbx), %rdi
	movq (tr_entry - ap_trampoline_start)(%rbx), %rax
	xorl %ebp, %ebp
	jmp *%rax

	.balign 8
	.globl tr_gdt
tr_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff /* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff /* 0x10: data */
	.quad 0x00af9a000000ffff /* 0x18: 64-bit code */
	.globl tr_gdt_pointer
tr_gdt_pointer:
	.word 31
	.long 0
	.globl tr_far32
tr_far32:
	.long 0
	.word 0x08
	.globl tr_far64
tr_far64:
	.long 0
	.word 0x18
	.globl tr_cr3
tr_cr3:
	.long 0
	.balign 8
	.globl tr_stack
tr_stack:
	.quad 0
	.globl tr_arg
tr_arg:
	.quad 0
	.globl tr_entry
tr_entry:
	.quad 0
	.globl ap_trampoline_end
ap_trampoline_end:
	.section .note.GNU-stack,"",@progbits
