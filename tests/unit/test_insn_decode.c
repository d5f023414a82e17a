/*
 * Host tests for the MMIO MOV decoder (hypervisor/core/insn_decode.c):
 * every accepted opcode (8B, 89, 8A, 88, C7 /0, C6 /0) with its direction,
 * width, register and exact length; the operand-size, REX, segment and
 * other legacy prefixes; every ModRM/SIB addressing form and displacement,
 * RIP-relative included; immediates with their sign extension; and the
 * refusals: register operands, the other C6/C7 groups, other opcodes,
 * instructions cut short and instructions longer than 15 bytes. The
 * byte strings are what GCC emits for Linux's APIC and I/O APIC accessors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/insn_decode.h"

#define LONG   true
#define LEGACY false

struct expect {
	bool is_write, has_immediate, high_byte;
	unsigned size, reg, length;
	uint64_t immediate;
};

static struct insn_mov decode_ok(const uint8_t *bytes, size_t n, bool long_mode)
{
	struct insn_mov mov;
	memset(&mov, 0xa5, sizeof(mov));
	if (!insn_decode_mov(bytes, n, long_mode, &mov))
		fail_msg("instruction of %zu bytes refused", n);
	return mov;
}

/* Decodes bytes[0..n) and checks every field; then checks that every
 * shorter prefix of the instruction is refused (truncated) and that
 * trailing bytes after it change nothing. */
static void check(const uint8_t *bytes, size_t n, bool long_mode, struct expect e)
{
	struct insn_mov mov = decode_ok(bytes, n, long_mode);
	assert_int_equal(mov.is_write, e.is_write);
	assert_int_equal(mov.has_immediate, e.has_immediate);
	assert_int_equal(mov.high_byte, e.high_byte);
	assert_int_equal(mov.size, e.size);
	assert_int_equal(mov.reg, e.reg);
	assert_int_equal(mov.length, e.length);
	assert_int_equal(mov.length, n);
	if (e.has_immediate)
		assert_int_equal(mov.immediate, e.immediate);
	for (size_t cut = 0; cut < n; cut++) {
		struct insn_mov m;
		if (insn_decode_mov(bytes, cut, long_mode, &m))
			fail_msg("accepted when cut to %zu of %zu bytes", cut, n);
	}
	uint8_t padded[32];
	memcpy(padded, bytes, n);
	memset(padded + n, 0x8b, sizeof(padded) - n);
	struct insn_mov again = decode_ok(padded, sizeof(padded), long_mode);
	assert_int_equal(again.length, n);
	assert_int_equal(again.reg, e.reg);
	assert_int_equal(again.size, e.size);
}

#define CHECK(mode, e, ...)                                                                        \
	do {                                                                                       \
		const uint8_t b_[] = {__VA_ARGS__};                                                \
		check(b_, sizeof(b_), mode, e);                                                    \
	} while (0)

static bool refused(const uint8_t *bytes, size_t n, bool long_mode)
{
	struct insn_mov mov;
	return !insn_decode_mov(bytes, n, long_mode, &mov);
}

#define REFUSED(mode, ...)                                                                         \
	do {                                                                                       \
		const uint8_t b_[] = {__VA_ARGS__};                                                \
		if (!refused(b_, sizeof(b_), mode))                                                \
			fail_msg("accepted: %02x %02x ...", b_[0], sizeof(b_) > 1 ? b_[1] : 0);    \
	} while (0)

#define LOAD(sz, r, len)  ((struct expect){.size = sz, .reg = r, .length = len})
#define STORE(sz, r, len) ((struct expect){.is_write = true, .size = sz, .reg = r, .length = len})
#define STORE_IMM(sz, imm, len)                                                                    \
	((struct expect){                                                                          \
	    .is_write = true, .has_immediate = true, .size = sz, .immediate = imm, .length = len})

static void test_linux_apic_accessors(void **state)
{
	(void)state;
	/* native_apic_mem_read: mov eax, [rdi - 0xa03000] (the fixmap). */
	CHECK(LONG, LOAD(4, 0, 6), 0x8b, 0x87, 0x00, 0xd0, 0x5f, 0xff);
	/* native_apic_mem_write: mov [rdi - 0xa03000], esi. */
	CHECK(LONG, STORE(4, 6, 6), 0x89, 0xb7, 0x00, 0xd0, 0x5f, 0xff);
	/* The same bytes mean the same in 32-bit code. */
	CHECK(LEGACY, LOAD(4, 0, 6), 0x8b, 0x87, 0x00, 0xd0, 0x5f, 0xff);
	CHECK(LEGACY, STORE(4, 6, 6), 0x89, 0xb7, 0x00, 0xd0, 0x5f, 0xff);
	/* io_apic_read: writel(reg, &io_apic->index); readl(&io_apic->data). */
	CHECK(LONG, STORE(4, 6, 2), 0x89, 0x30);      /* mov [rax], esi */
	CHECK(LONG, LOAD(4, 0, 3), 0x8b, 0x40, 0x10); /* mov eax, [rax + 0x10] */
}

static void test_every_register(void **state)
{
	(void)state;
	for (unsigned r = 0; r < 8; r++) {
		/* mov r32, [rax] and mov [rax], r32: ModRM 00 rrr 000. */
		const uint8_t load[] = {0x8b, (uint8_t)(r << 3)};
		const uint8_t store[] = {0x89, (uint8_t)(r << 3)};
		check(load, 2, LONG, LOAD(4, r, 2));
		check(store, 2, LONG, STORE(4, r, 2));
		/* REX.R selects r8-r15. */
		const uint8_t load_r[] = {0x44, 0x8b, (uint8_t)(r << 3)};
		const uint8_t store_r[] = {0x44, 0x89, (uint8_t)(r << 3)};
		check(load_r, 3, LONG, LOAD(4, r + 8, 3));
		check(store_r, 3, LONG, STORE(4, r + 8, 3));
	}
}

static void test_operand_sizes(void **state)
{
	(void)state;
	CHECK(LONG, LOAD(8, 0, 3), 0x48, 0x8b, 0x07);         /* REX.W */
	CHECK(LONG, LOAD(8, 8, 3), 0x4c, 0x8b, 0x07);         /* REX.W + REX.R: r8 */
	CHECK(LONG, STORE(8, 15, 3), 0x4c, 0x89, 0x3f);       /* mov [rdi], r15 */
	CHECK(LONG, LOAD(4, 0, 3), 0x41, 0x8b, 0x07);         /* REX.B: base only */
	CHECK(LONG, LOAD(4, 0, 3), 0x42, 0x8b, 0x07);         /* REX.X: index only */
	CHECK(LONG, LOAD(4, 0, 3), 0x40, 0x8b, 0x07);         /* empty REX */
	CHECK(LONG, LOAD(2, 0, 3), 0x66, 0x8b, 0x07);         /* operand size */
	CHECK(LEGACY, LOAD(2, 3, 3), 0x66, 0x8b, 0x1f);       /* mov bx, [edi] */
	CHECK(LONG, STORE(2, 10, 4), 0x66, 0x44, 0x89, 0x17); /* mov [rdi], r10w */
	CHECK(LONG, LOAD(8, 0, 4), 0x66, 0x48, 0x8b, 0x07);   /* REX.W wins over 0x66 */
	CHECK(LONG, LOAD(2, 0, 4), 0x66, 0x66, 0x8b, 0x07);   /* repeated */
	CHECK(LONG, LOAD(4, 2, 3), 0x64, 0x8b, 0x17);         /* FS override */
	CHECK(LONG, LOAD(2, 2, 4), 0x65, 0x66, 0x8b, 0x17);   /* GS, then 0x66 */
	CHECK(LONG, STORE(4, 1, 3), 0xf0, 0x89, 0x0f);        /* lock (harmless) */
	CHECK(LONG, LOAD(4, 1, 8), 0x26, 0x2e, 0x36, 0x3e, 0xf2, 0xf3, 0x8b, 0x0f);
	/* Address size in 64-bit code: 32-bit addressing, same layout. */
	CHECK(LONG, LOAD(4, 0, 7), 0x67, 0x8b, 0x87, 0x00, 0xd0, 0x5f, 0xff);
}

static void test_byte_forms(void **state)
{
	(void)state;
	/* 8A: mov al/cl/dl/bl, then AH/CH/DH/BH without REX. */
	CHECK(LEGACY, LOAD(1, 0, 2), 0x8a, 0x07);
	CHECK(LEGACY, LOAD(1, 3, 2), 0x8a, 0x1f);
	for (unsigned r = 4; r < 8; r++) {
		const uint8_t high[] = {0x8a, (uint8_t)(r << 3 | 7)};
		struct expect e = LOAD(1, r - 4, 2);
		e.high_byte = true;
		check(high, 2, LONG, e);
		/* With any REX the same numbers are SPL, BPL, SIL, DIL. */
		const uint8_t low[] = {0x40, 0x8a, (uint8_t)(r << 3 | 7)};
		check(low, 3, LONG, LOAD(1, r, 3));
	}
	CHECK(LONG, LOAD(1, 12, 3), 0x44, 0x8a, 0x27); /* r12b */
	/* 88: mov [rdi], dh; mov [rdi], sil; mov [rdi], r9b. */
	struct expect dh = STORE(1, 2, 2);
	dh.high_byte = true;
	CHECK(LONG, dh, 0x88, 0x37);
	CHECK(LONG, STORE(1, 6, 3), 0x40, 0x88, 0x37);
	CHECK(LONG, STORE(1, 9, 3), 0x44, 0x88, 0x0f);
	/* REX.W does not widen the byte forms. */
	CHECK(LONG, LOAD(1, 0, 3), 0x48, 0x8a, 0x07);
	CHECK(LONG, LOAD(1, 0, 3), 0x66, 0x8a, 0x07);
}

static void test_immediate_stores(void **state)
{
	(void)state;
	/* C7 /0: mov dword [rdi], imm32. */
	CHECK(LONG, STORE_IMM(4, 0x12345678, 6), 0xc7, 0x07, 0x78, 0x56, 0x34, 0x12);
	/* With a disp32 before the immediate. */
	CHECK(LONG, STORE_IMM(4, 0x80000000u, 10), 0xc7, 0x87, 0x00, 0xd0, 0x5f, 0xff, 0x00, 0x00,
	      0x00, 0x80);
	/* With SIB and disp8: mov dword [rsp + 8], 0. */
	CHECK(LONG, STORE_IMM(4, 0, 8), 0xc7, 0x44, 0x24, 0x08, 0x00, 0x00, 0x00, 0x00);
	/* 0x66: imm16. */
	CHECK(LONG, STORE_IMM(2, 0xbeef, 5), 0x66, 0xc7, 0x07, 0xef, 0xbe);
	/* REX.W: imm32 sign-extended to 64 bits. */
	CHECK(LONG, STORE_IMM(8, 0xffffffff80000000ULL, 7), 0x48, 0xc7, 0x07, 0x00, 0x00, 0x00,
	      0x80);
	CHECK(LONG, STORE_IMM(8, ~0ULL, 7), 0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0xff);
	CHECK(LONG, STORE_IMM(8, 0x7fffffff, 7), 0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0x7f);
	/* A 32-bit immediate is not sign-extended. */
	CHECK(LONG, STORE_IMM(4, 0xffffffffu, 6), 0xc7, 0x07, 0xff, 0xff, 0xff, 0xff);
	/* C6 /0: mov byte [rdi], imm8; never a high-byte register. */
	CHECK(LONG, STORE_IMM(1, 0xab, 3), 0xc6, 0x07, 0xab);
	CHECK(LONG, STORE_IMM(1, 0x80, 7), 0xc6, 0x87, 0x00, 0xd0, 0x5f, 0xff, 0x80);
	CHECK(LONG, STORE_IMM(1, 0x01, 4), 0x48, 0xc6, 0x07, 0x01);
	CHECK(LONG, STORE_IMM(1, 0x01, 4), 0x66, 0xc6, 0x07, 0x01);
}

static void test_addressing_forms(void **state)
{
	(void)state;
	CHECK(LONG, LOAD(4, 0, 2), 0x8b, 0x00);                        /* [rax] */
	CHECK(LONG, LOAD(4, 0, 3), 0x8b, 0x45, 0x08);                  /* [rbp + 8]: disp8 */
	CHECK(LONG, LOAD(4, 0, 3), 0x8b, 0x40, 0xf0);                  /* [rax - 16] */
	CHECK(LONG, LOAD(4, 0, 6), 0x8b, 0x85, 0, 0, 0, 0);            /* [rbp + disp32] */
	CHECK(LONG, LOAD(4, 0, 6), 0x8b, 0x05, 0xf9, 0xff, 0, 0);      /* RIP-relative */
	CHECK(LEGACY, LOAD(4, 0, 6), 0x8b, 0x05, 0x20, 0, 0xe0, 0xfe); /* absolute disp32 */
	/* SIB: [rsp]; [rsp + disp8]; [rsp + disp32]. */
	CHECK(LONG, LOAD(4, 0, 3), 0x8b, 0x04, 0x24);
	CHECK(LONG, LOAD(4, 0, 4), 0x8b, 0x44, 0x24, 0x08);
	CHECK(LONG, LOAD(4, 0, 7), 0x8b, 0x84, 0x24, 0, 1, 0, 0);
	/* SIB with base 101 and mod 00: no base, disp32. */
	CHECK(LONG, LOAD(4, 0, 7), 0x8b, 0x04, 0x25, 0x20, 0, 0xe0, 0xfe);
	CHECK(LONG, LOAD(4, 0, 7), 0x8b, 0x04, 0x85, 0, 0, 0xe0, 0xfe); /* [rax*4 + disp32] */
	/* ...but with mod 01 or 10 base 101 is RBP: only the mod's disp. */
	CHECK(LONG, LOAD(4, 0, 4), 0x8b, 0x44, 0x25, 0x08);
	CHECK(LONG, LOAD(4, 0, 7), 0x8b, 0x84, 0x25, 0, 0, 0, 0);
	/* Index and scale do not change the length. */
	CHECK(LONG, LOAD(4, 0, 3), 0x8b, 0x04, 0xc8);       /* [rax + rcx*8] */
	CHECK(LONG, LOAD(4, 0, 4), 0x43, 0x8b, 0x04, 0xc8); /* [r8 + r9*8] */
	/* REX.B on rm 100 / 101 still means SIB / disp (r12, r13). */
	CHECK(LONG, LOAD(4, 0, 4), 0x41, 0x8b, 0x04, 0x24);       /* [r12] */
	CHECK(LONG, LOAD(4, 0, 4), 0x41, 0x8b, 0x45, 0x00);       /* [r13 + 0] */
	CHECK(LONG, LOAD(4, 0, 7), 0x41, 0x8b, 0x05, 0, 0, 0, 0); /* RIP-relative */
}

static void test_register_operands_refused(void **state)
{
	(void)state;
	/* mod 11 is a register, not memory: no MMIO instruction. */
	for (unsigned modrm = 0xc0; modrm <= 0xff; modrm++) {
		const uint8_t forms[][2] = {{0x8b, (uint8_t)modrm},
		                            {0x89, (uint8_t)modrm},
		                            {0x8a, (uint8_t)modrm},
		                            {0x88, (uint8_t)modrm}};
		for (unsigned f = 0; f < 4; f++) {
			uint8_t bytes[8] = {forms[f][0], forms[f][1], 0, 0, 0, 0, 0, 0};
			if (!refused(bytes, sizeof(bytes), LONG))
				fail_msg("%02x %02x accepted", bytes[0], bytes[1]);
		}
	}
	REFUSED(LONG, 0xc7, 0xc0, 1, 0, 0, 0); /* mov eax, 1 */
	REFUSED(LONG, 0xc6, 0xc0, 1);
	REFUSED(LONG, 0x48, 0x8b, 0xc7);
}

static void test_other_groups_of_c6_c7_refused(void **state)
{
	(void)state;
	for (unsigned reg = 1; reg < 8; reg++) {
		for (unsigned opcode = 0xc6; opcode <= 0xc7; opcode++) {
			/* mod 00 rm 111, then room for any immediate. */
			uint8_t bytes[] = {(uint8_t)opcode, (uint8_t)(reg << 3 | 7), 1, 2, 3, 4};
			if (!refused(bytes, sizeof(bytes), LONG) ||
			    !refused(bytes, sizeof(bytes), LEGACY))
				fail_msg("%02x /%u accepted", opcode, reg);
		}
	}
}

static void test_other_instructions_refused(void **state)
{
	(void)state;
	REFUSED(LONG, 0x8d, 0x07);                /* lea */
	REFUSED(LONG, 0x8c, 0x07);                /* mov from a segment register */
	REFUSED(LONG, 0x8e, 0x07);                /* mov to a segment register */
	REFUSED(LONG, 0x0f, 0xb7, 0x07);          /* movzx */
	REFUSED(LONG, 0xa1, 0x20, 0, 0xe0, 0xfe); /* mov eax, moffs */
	REFUSED(LONG, 0xa3, 0x20, 0, 0xe0, 0xfe); /* mov moffs, eax */
	REFUSED(LONG, 0xf3, 0xa5);                /* rep movsd */
	REFUSED(LONG, 0x03, 0x07);                /* add */
	REFUSED(LONG, 0x87, 0x07);                /* xchg */
	REFUSED(LONG, 0x90, 0x90);                /* nop */
	/* REX must come right before the opcode: one followed by a legacy
	 * prefix or another REX is not decoded. */
	REFUSED(LONG, 0x48, 0x66, 0x8b, 0x07);
	REFUSED(LONG, 0x48, 0x48, 0x8b, 0x07);
	/* Outside 64-bit mode 0x40-0x4f are INC/DEC, not REX. */
	REFUSED(LEGACY, 0x48, 0x8b, 0x07);
	REFUSED(LEGACY, 0x44, 0x89, 0x07);
	/* Nothing at all, and an opcode alone. */
	struct insn_mov mov;
	assert_false(insn_decode_mov((const uint8_t *)"", 0, LONG, &mov));
	REFUSED(LONG, 0x8b);
	REFUSED(LONG, 0x66);
	REFUSED(LONG, 0x66, 0x48);
}

static void test_address_size_prefix_outside_long_mode_refused(void **state)
{
	(void)state;
	/* In 32-bit code 0x67 selects 16-bit addressing, a different ModRM
	 * layout ([bx+si], disp16, no SIB): refused, not decoded as 32-bit. */
	REFUSED(LEGACY, 0x67, 0x8b, 0x06, 0x20, 0x00);       /* mov eax, [0x20]: 5 bytes */
	REFUSED(LEGACY, 0x67, 0x8b, 0x87, 0x20, 0x00, 0, 0); /* mov eax, [bx + 0x20]: 5 */
	REFUSED(LEGACY, 0x67, 0x89, 0x04, 0x24);
}

static void test_fifteen_byte_limit(void **state)
{
	(void)state;
	/* 13 prefixes + 8B ModRM: exactly 15 bytes, accepted. */
	uint8_t bytes[32];
	memset(bytes, 0x2e, 13);
	bytes[13] = 0x8b;
	bytes[14] = 0x07;
	struct insn_mov mov = decode_ok(bytes, 15, LONG);
	assert_int_equal(mov.length, 15);
	assert_int_equal(mov.size, 4);
	/* 14 prefixes: 16 bytes, more than any instruction may have, even
	 * with more bytes available. */
	memset(bytes, 0x2e, 14);
	bytes[14] = 0x8b;
	bytes[15] = 0x07;
	assert_false(insn_decode_mov(bytes, 16, LONG, &mov));
	assert_false(insn_decode_mov(bytes, sizeof(bytes), LONG, &mov));
	/* Prefixes and a disp32 adding up past 15. */
	memset(bytes, 0x66, 10);
	const uint8_t tail[] = {0x8b, 0x87, 0x00, 0xd0, 0x5f, 0xff};
	memcpy(bytes + 10, tail, sizeof(tail));
	assert_false(insn_decode_mov(bytes, sizeof(bytes), LONG, &mov));
	memmove(bytes + 1, bytes + 2, 14); /* 9 prefixes: 15 bytes */
	mov = decode_ok(bytes, sizeof(bytes), LONG);
	assert_int_equal(mov.length, 15);
	assert_int_equal(mov.size, 2);
	/* An immediate that would end at byte 16. */
	memset(bytes, 0x3e, 6);
	const uint8_t store[] = {0xc7, 0x87, 0, 0xd0, 0x5f, 0xff, 1, 2, 3, 4};
	memcpy(bytes + 6, store, sizeof(store));
	assert_false(insn_decode_mov(bytes, sizeof(bytes), LONG, &mov));
	mov = decode_ok(bytes + 1, sizeof(bytes) - 1, LONG);
	assert_int_equal(mov.length, 15);
	assert_int_equal(mov.immediate, 0x04030201);
}

#define T(name) cmocka_unit_test(name)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_linux_apic_accessors),
	    T(test_every_register),
	    T(test_operand_sizes),
	    T(test_byte_forms),
	    T(test_immediate_stores),
	    T(test_addressing_forms),
	    T(test_register_operands_refused),
	    T(test_other_groups_of_c6_c7_refused),
	    T(test_other_instructions_refused),
	    T(test_address_size_prefix_outside_long_mode_refused),
	    T(test_fifteen_byte_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
