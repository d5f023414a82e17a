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
	.text
	.globl fpu_reset_extended_state
fpu_reset_extended_state:
	fninit
	testq %rsi, %rsi
	jz 1f
	movl %esi, %eax
	movq %rsi, %rdx
	shrq $32, %rdx
	xrstor64 (%rdi)
	ret
1:	fxrstor64 (%rdi)
	ret
	.section .note.GNU-stack,"",@progbits
