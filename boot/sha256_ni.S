/*
 * SHA-256 blocks with the CPU's SHA extensions (SHA256RNDS2, SHA256MSG1,
 * SHA256MSG2; Intel SDM vol. 2, and Intel's "New Instructions Supporting
 * the Secure Hash Algorithm on Intel Architecture Processors"): the boot
 * stage checks every file it reads against the manifest, and this is
 * about fifteen times fewer instructions a byte than loader/sha256.c.
 * The boot stage calls it only where CPUID reports SHA, SSSE3 and SSE4.1
 * (boot/sha256_cpu.c). It is called from code built without SSE inside
 * the firmware's (Microsoft ABI) call, so it keeps XMM6-XMM10 as they
 * were.
 *
 *   void sha256_blocks_shani(uint32_t state[8], const uint8_t *data,
 *                            size_t blocks);  (System V: rdi, rsi, rdx)
 *
 * SHA256RNDS2 does two rounds on the state split as {A,B,E,F} and
 * {C,D,G,H} (one XMM each, A in the top lane), taking W+K for the two
 * rounds from the low lanes of XMM0. After two rounds the new C,D,G,H are
 * the old A,B,E,F, so the two state registers swap roles every call and
 * are back in place after four rounds.
 */
	.section .note.GNU-stack, "", @progbits

#define STATE0 %xmm1 /* A B E F */
#define STATE1 %xmm2 /* C D G H */
#define W0     %xmm3
#define W1     %xmm4
#define W2     %xmm5
#define W3     %xmm6
#define TMP    %xmm7
#define BSWAP  %xmm8
#define SAVE0  %xmm9
#define SAVE1  %xmm10

	.section .rodata
	.balign 16
round_constants:
	.long 0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5
	.long 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5
	.long 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3
	.long 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174
	.long 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc
	.long 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da
	.long 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7
	.long 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967
	.long 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13
	.long 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85
	.long 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3
	.long 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070
	.long 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5
	.long 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3
	.long 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208
	.long 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
/* PSHUFB control: each 32-bit word's bytes reversed (the message is
 * big-endian). */
byte_swap:
	.byte 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12

	.text

/* Four rounds, 4*n .. 4*n+3, on the message words in w. */
.macro rounds4 n, w
	movdqa \w, %xmm0
	paddd (16 * \n)(%rax), %xmm0
	sha256rnds2 STATE0, STATE1
	pshufd $0x0e, %xmm0, %xmm0
	sha256rnds2 STATE1, STATE0
.endm

/* The next four message words into a, from the sixteen before them in
 * a (W[i-16..]), b (W[i-12..]), c (W[i-8..]) and d (W[i-4..]):
 * W[i] = s1(W[i-2]) + W[i-7] + s0(W[i-15]) + W[i-16]. */
.macro schedule a, b, c, d
	sha256msg1 \b, \a
	movdqa \d, TMP
	palignr $4, \c, TMP
	paddd TMP, \a
	sha256msg2 \d, \a
.endm

	.globl sha256_blocks_shani
	.type sha256_blocks_shani, @function
sha256_blocks_shani:
	test %rdx, %rdx
	jz 9f
	sub $80, %rsp
	movdqu %xmm6, 0(%rsp)
	movdqu %xmm7, 16(%rsp)
	movdqu %xmm8, 32(%rsp)
	movdqu %xmm9, 48(%rsp)
	movdqu %xmm10, 64(%rsp)
	leaq round_constants(%rip), %rax
	movdqu byte_swap(%rip), BSWAP

	/* a b c d / e f g h -> A B E F / C D G H */
	movdqu 0(%rdi), STATE0
	movdqu 16(%rdi), STATE1
	pshufd $0xb1, STATE0, STATE0 /* b a d c */
	pshufd $0x1b, STATE1, STATE1 /* h g f e */
	movdqa STATE0, TMP
	palignr $8, STATE1, STATE0   /* f e b a: A B E F */
	pblendw $0xf0, TMP, STATE1   /* h g d c: C D G H */

1:	movdqa STATE0, SAVE0
	movdqa STATE1, SAVE1
	movdqu 0(%rsi), W0
	movdqu 16(%rsi), W1
	movdqu 32(%rsi), W2
	movdqu 48(%rsi), W3
	pshufb BSWAP, W0
	pshufb BSWAP, W1
	pshufb BSWAP, W2
	pshufb BSWAP, W3

	rounds4 0, W0
	rounds4 1, W1
	rounds4 2, W2
	rounds4 3, W3
	schedule W0, W1, W2, W3
	rounds4 4, W0
	schedule W1, W2, W3, W0
	rounds4 5, W1
	schedule W2, W3, W0, W1
	rounds4 6, W2
	schedule W3, W0, W1, W2
	rounds4 7, W3
	schedule W0, W1, W2, W3
	rounds4 8, W0
	schedule W1, W2, W3, W0
	rounds4 9, W1
	schedule W2, W3, W0, W1
	rounds4 10, W2
	schedule W3, W0, W1, W2
	rounds4 11, W3
	schedule W0, W1, W2, W3
	rounds4 12, W0
	schedule W1, W2, W3, W0
	rounds4 13, W1
	schedule W2, W3, W0, W1
	rounds4 14, W2
	schedule W3, W0, W1, W2
	rounds4 15, W3

	paddd SAVE0, STATE0
	paddd SAVE1, STATE1
	add $64, %rsi
	dec %rdx
	jnz 1b

	/* A B E F / C D G H -> a b c d / e f g h */
	pshufd $0x1b, STATE0, STATE0 /* a b e f */
	pshufd $0xb1, STATE1, STATE1 /* g h c d */
	movdqa STATE0, TMP
	pblendw $0xf0, STATE1, STATE0 /* a b c d */
	palignr $8, TMP, STATE1       /* e f g h */
	movdqu STATE0, 0(%rdi)
	movdqu STATE1, 16(%rdi)

	movdqu 0(%rsp), %xmm6
	movdqu 16(%rsp), %xmm7
	movdqu 32(%rsp), %xmm8
	movdqu 48(%rsp), %xmm9
	movdqu 64(%rsp), %xmm10
	add $80, %rsp
9:	ret
	.size sha256_blocks_shani, . - sha256_blocks_shani
