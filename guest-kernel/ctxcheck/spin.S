/*
 * void ctx_gpr_spin(void)
 *
 * Loads all sixteen general registers, RSP included, from ctx_gpr_in
 * (order: rax rbx rcx rdx rsi rdi rbp rsp r8-r15), sets RFLAGS.DF, and
 * counts ctx_spin_count down to zero in memory, so that no register is
 * needed while the guest waits to be preempted. Then it stores all sixteen
 * into ctx_gpr_out and RFLAGS into ctx_gpr_out[16], and returns with the
 * caller's registers back. Addresses are RIP-relative for the same reason.
 *
 * void ctx_touch(const volatile void *address)
 *
 * Reads one byte at address: the page-fault check's faulting access. Its
 * load instruction is two bytes long, which ctx_fault skips.
 */
	.text
	.globl ctx_gpr_spin
ctx_gpr_spin:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, saved_rsp(%rip)
	movq ctx_gpr_in + 0(%rip), %rax
	movq ctx_gpr_in + 8(%rip), %rbx
	movq ctx_gpr_in + 16(%rip), %rcx
	movq ctx_gpr_in + 24(%rip), %rdx
	movq ctx_gpr_in + 32(%rip), %rsi
	movq ctx_gpr_in + 40(%rip), %rdi
	movq ctx_gpr_in + 48(%rip), %rbp
	movq ctx_gpr_in + 56(%rip), %rsp
	movq ctx_gpr_in + 64(%rip), %r8
	movq ctx_gpr_in + 72(%rip), %r9
	movq ctx_gpr_in + 80(%rip), %r10
	movq ctx_gpr_in + 88(%rip), %r11
	movq ctx_gpr_in + 96(%rip), %r12
	movq ctx_gpr_in + 104(%rip), %r13
	movq ctx_gpr_in + 112(%rip), %r14
	movq ctx_gpr_in + 120(%rip), %r15
	std
1:	decq ctx_spin_count(%rip)
	jnz 1b
	movq %rax, ctx_gpr_out + 0(%rip)
	movq %rbx, ctx_gpr_out + 8(%rip)
	movq %rcx, ctx_gpr_out + 16(%rip)
	movq %rdx, ctx_gpr_out + 24(%rip)
	movq %rsi, ctx_gpr_out + 32(%rip)
	movq %rdi, ctx_gpr_out + 40(%rip)
	movq %rbp, ctx_gpr_out + 48(%rip)
	movq %rsp, ctx_gpr_out + 56(%rip)
	movq %r8, ctx_gpr_out + 64(%rip)
	movq %r9, ctx_gpr_out + 72(%rip)
	movq %r10, ctx_gpr_out + 80(%rip)
	movq %r11, ctx_gpr_out + 88(%rip)
	movq %r12, ctx_gpr_out + 96(%rip)
	movq %r13, ctx_gpr_out + 104(%rip)
	movq %r14, ctx_gpr_out + 112(%rip)
	movq %r15, ctx_gpr_out + 120(%rip)
	movq saved_rsp(%rip), %rsp
	pushfq
	popq ctx_gpr_out + 128(%rip)
	cld
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret

	.globl ctx_touch, ctx_touch_load
ctx_touch:
ctx_touch_load:
	movb (%rdi), %al
	ret

	.bss
	.balign 8
	.globl ctx_gpr_in, ctx_gpr_out, ctx_spin_count
ctx_gpr_in:
	.space 16 * 8
ctx_gpr_out:
	.space 17 * 8
ctx_spin_count:
	.space 8
saved_rsp:
	.space 8

	.section .note.GNU-stack, "", @progbits
