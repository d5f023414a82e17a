/*
 * Exception entry stubs for vectors 0-31. Each pushes a uniform frame
 * (a zero where the CPU pushes no error code, then the vector) and jumps
 * to the common path, which saves every register and calls
 * exception_handle(frame). That never returns: solo takes no exceptions
 * in its own code on purpose, so one means a bug and stops the CPU.
 */
	.text

.macro ISR_NOERR vector
	.globl isr_\vector
isr_\vector:
	pushq $0
	pushq $\vector
	jmp isr_common
.endm

.macro ISR_ERR vector
	.globl isr_\vector
isr_\vector:
	pushq $\vector
	jmp isr_common
.endm

ISR_NOERR 0
ISR_NOERR 1
ISR_NOERR 2
ISR_NOERR 3
ISR_NOERR 4
ISR_NOERR 5
ISR_NOERR 6
ISR_NOERR 7
ISR_ERR 8
ISR_NOERR 9
ISR_ERR 10
ISR_ERR 11
ISR_ERR 12
ISR_ERR 13
ISR_ERR 14
ISR_NOERR 15
ISR_NOERR 16
ISR_ERR 17
ISR_NOERR 18
ISR_NOERR 19
ISR_NOERR 20
ISR_ERR 21
ISR_NOERR 22
ISR_NOERR 23
ISR_NOERR 24
ISR_NOERR 25
ISR_NOERR 26
ISR_NOERR 27
ISR_NOERR 28
ISR_ERR 29
ISR_ERR 30
ISR_NOERR 31

isr_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	andq $-16, %rsp
	call exception_handle
1:	cli
	hlt
	jmp 1b

/*
 * The only interrupts solo takes, and only while it sleeps (sti; hlt in
 * lapic_sleep_until): its wake-up timer, another CPU's kick and a
 * device's interrupt. Taking one ends the hlt; the handler just
 * acknowledges it, through a C function call_saving_scratch makes. Its
 * nine pushes after the CPU's five-word frame leave the stack 16-byte
 * aligned for the call.
 */
.macro call_saving_scratch function
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	call \function
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rax
	iretq
.endm

	.globl isr_wakeup
isr_wakeup:
	call_saving_scratch lapic_eoi

/*
 * A device interrupt routed through the machine's I/O APIC (a NIC with
 * frames for solo): its line may still be asserted, so
 * host_ioapic_interrupt masks the pin before the EOI; the driver
 * unmasks it once it has cleared its device's cause.
 */
	.globl isr_device
isr_device:
	call_saving_scratch host_ioapic_interrupt

/* A spurious interrupt takes no EOI. */
	.globl isr_spurious
isr_spurious:
	iretq

	.section .rodata
	.globl isr_table
	.balign 8
isr_table:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad isr_\v
	.endr
	.section .note.GNU-stack,"",@progbits
