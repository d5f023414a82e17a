/*
 * Exception entry stubs for solo's freestanding test guests (hostile/,
 * ctxcheck/), included by their head.S. Every stub leaves the same frame
 * for the guest's common handler: the vector on top of an error code,
 * the CPU's own for vectors 8, 10-14, 17, 21, 29 and 30, a zero pushed
 * for the others.
 *
 *   exception_stubs PUSH, COMMON   32 stubs exception_stub_N that push
 *                                  with PUSH (pushl or pushq) and jump to
 *                                  COMMON
 *   exception_stub_table ENTRY     their addresses, one ENTRY (.long or
 *                                  .quad) each, in vector order
 */
.macro exception_stub vector, push, common
	.globl exception_stub_\vector
exception_stub_\vector:
	.if !(\vector == 8 || (\vector >= 10 && \vector <= 14) || \vector == 17 || \
	      \vector == 21 || \vector == 29 || \vector == 30)
	\push $0
	.endif
	\push $\vector
	jmp \common
.endm

.macro exception_stubs push, common
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	exception_stub \v, \push, \common
	.endr
.endm

.macro exception_stub_table entry
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	\entry exception_stub_\v
	.endr
.endm
