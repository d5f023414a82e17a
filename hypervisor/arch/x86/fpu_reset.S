/*
 * void fpu_reset_extended_state(const void *xsave_init_area, uint64_t rfbm)
 *
 * Puts every x87/SSE/AVX/... register into its initial state before a new
 * partition runs on this CPU, so it cannot read what the last partition
 * left in them. solo never uses these registers otherwise (see
 * hypervisor/check-no-simd.sh, which allows only this function).
 * XRSTOR of an area whose XSTATE_BV is 0 initialises every component
 * in rfbm (SDM Vol. 1 13.8.1) and reads only the legacy region's MXCSR
 * and the header; without XSAVE, FNINIT plus FXRSTOR of the area does
 * the same for x87 and SSE. The area is 64-byte aligned, 576 bytes, zero
 * but for MXCSR = 0x1f80 (its reset value).
 */
/* XSAVE-family instructions take their component mask in EDX:EAX. */
.macro RFBM_TO_EDX_EAX
	movl %esi, %eax
	movq %rsi, %rdx
	shrq $32, %rdx
.endm

	.text
	.globl fpu_reset_extended_state
fpu_reset_extended_state:
	fninit
	testq %rsi, %rsi
	jz 1f
	RFBM_TO_EDX_EAX
	xrstor64 (%rdi)
	ret
1:	fxrstor64 (%rdi)
	ret
	.text

/*
 * void fpu_save_extended_state(void *area, uint64_t rfbm)
 * void fpu_restore_extended_state(const void *area, uint64_t rfbm)
 *
 * Keep a guest's extended registers while another partition's vCPU uses
 * this CPU (time sharing). XSAVE/XRSTOR in the standard format with the
 * components in rfbm (the guest's XCR0, which must be loaded), or
 * FXSAVE/FXRSTOR when rfbm is 0 (no XSAVE). The area is 64-byte aligned
 * and as large as CPUID.(0xd,0):ECX says.
 */
	.globl fpu_save_extended_state
fpu_save_extended_state:
	testq %rsi, %rsi
	jz 1f
	RFBM_TO_EDX_EAX
	xsave64 (%rdi)
	ret
1:	fxsave64 (%rdi)
	ret

	.globl fpu_restore_extended_state
fpu_restore_extended_state:
	testq %rsi, %rsi
	jz 1f
	RFBM_TO_EDX_EAX
	xrstor64 (%rdi)
	ret
1:	fxrstor64 (%rdi)
	ret
	.section .note.GNU-stack,"",@progbits
