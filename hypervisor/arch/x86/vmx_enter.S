/*
 * int vmx_enter(struct guest_regs *regs, uint64_t launched)
 *
 * Enters the guest whose VMCS is current: saves the host's callee-saved
 * registers, points HOST_RSP at this frame, loads the guest's general
 * registers and runs VMLAUNCH (first entry) or VMRESUME. On a VM exit the
 * CPU continues at vmx_exit_entry (HOST_RIP) with that stack; the guest's
 * registers are stored back and 0 is returned. If the entry instruction
 * itself fails, it returns -1 (VMfailInvalid) or -2 (VMfailValid).
 */
#define HOST_RSP 0x6c14
#define REG_RAX 0
#define REG_RCX 8
#define REG_RDX 16
#define REG_RBX 24
#define REG_RBP 32
#define REG_RSI 40
#define REG_RDI 48
#define REG_R8 56
#define REG_R9 64
#define REG_R10 72
#define REG_R11 80
#define REG_R12 88
#define REG_R13 96
#define REG_R14 104
#define REG_R15 112

	.text
	.globl vmx_enter
vmx_enter:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi /* the regs pointer, found again at exit */
	movl $HOST_RSP, %eax
	vmwrite %rsp, %rax
	jbe .Lentry_failed
	testq %rsi, %rsi
	movq REG_RAX(%rdi), %rax
	movq REG_RCX(%rdi), %rcx
	movq REG_RDX(%rdi), %rdx
	movq REG_RBX(%rdi), %rbx
	movq REG_RBP(%rdi), %rbp
	movq REG_RSI(%rdi), %rsi
	movq REG_R8(%rdi), %r8
	movq REG_R9(%rdi), %r9
	movq REG_R10(%rdi), %r10
	movq REG_R11(%rdi), %r11
	movq REG_R12(%rdi), %r12
	movq REG_R13(%rdi), %r13
	movq REG_R14(%rdi), %r14
	movq REG_R15(%rdi), %r15
	movq REG_RDI(%rdi), %rdi
	jnz .Lresume /* flags still from the testq above: moves keep them */
	vmlaunch
	jmp .Lentry_failed
.Lresume:
	vmresume
.Lentry_failed:
	movl $-1, %eax
	jc 1f
	movl $-2, %eax
1:	popq %rdi
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

	.globl vmx_exit_entry
vmx_exit_entry:
	pushq %rax
	movq 8(%rsp), %rax /* regs pointer */
	movq %rcx, REG_RCX(%rax)
	movq %rdx, REG_RDX(%rax)
	movq %rbx, REG_RBX(%rax)
	movq %rbp, REG_RBP(%rax)
	movq %rsi, REG_RSI(%rax)
	movq %rdi, REG_RDI(%rax)
	movq %r8, REG_R8(%rax)
	movq %r9, REG_R9(%rax)
	movq %r10, REG_R10(%rax)
	movq %r11, REG_R11(%rax)
	movq %r12, REG_R12(%rax)
	movq %r13, REG_R13(%rax)
	movq %r14, REG_R14(%rax)
	movq %r15, REG_R15(%rax)
	popq %rcx
	movq %rcx, REG_RAX(%rax)
	popq %rdi
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	xorl %eax, %eax
	ret
	.section .note.GNU-stack,"",@progbits
