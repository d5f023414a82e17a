/*
 * Host tests for the boot stage's SHA-256 (loader/sha256.c): the NIST
 * example vectors (FIPS 180-4 examples: "abc", the empty message, the
 * 448-bit two-block message, a million 'a's), and agreement with
 * libcrypto on every length from 0 to 300 bytes and on random inputs fed
 * in random pieces. All of it twice: with the portable block function,
 * and with the one on the CPU's SHA extensions (boot/sha256_ni.S) where
 * this machine has them (it says so when it has not).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include <cpuid.h>

#include "../../boot/sha256_cpu.h"
#include "fake/cpu.h"
#include "sha256.h"

static void hex(const uint8_t *d, char *out)
{
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void expect_digest(const void *data, size_t n, const char *want)
{
	uint8_t d[32];
	char got[65];
	sha256(data, n, d);
	hex(d, got);
	assert_string_equal(got, want);
}

static void test_nist_vectors(void **state)
{
	(void)state;
	expect_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	expect_digest("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	expect_digest(two, strlen(two),
	              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	struct sha256 s;
	uint8_t d[32];
	char got[65];
	char thousand[1000];
	memset(thousand, 'a', sizeof(thousand));
	sha256_init(&s);
	for (int i = 0; i < 1000; i++)
		sha256_update(&s, thousand, sizeof(thousand));
	sha256_final(&s, d);
	hex(d, got);
	assert_string_equal(got,
	                    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void libcrypto(const void *data, size_t n, uint8_t out[32])
{
	unsigned int len = 0;
	assert_true(EVP_Digest(data, n, out, &len, EVP_sha256(), NULL));
	assert_int_equal(len, 32);
}

static void test_every_short_length(void **state)
{
	(void)state;
	uint8_t data[300], a[32], b[32];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 131 + 7);
	for (size_t n = 0; n <= sizeof(data); n++) {
		sha256(data, n, a);
		libcrypto(data, n, b);
		if (memcmp(a, b, 32))
			fail_msg("length %zu differs from libcrypto", n);
	}
}

static void test_random_inputs_in_pieces(void **state)
{
	(void)state;
	srand(1234);
	static uint8_t data[70000];
	for (int round = 0; round < 40; round++) {
		size_t n = (size_t)rand() % sizeof(data);
		for (size_t i = 0; i < n; i++)
			data[i] = (uint8_t)rand();
		struct sha256 s;
		uint8_t a[32], b[32];
		sha256_init(&s);
		for (size_t at = 0; at < n;) {
			size_t piece = (size_t)rand() % 200;
			if (piece > n - at)
				piece = n - at;
			sha256_update(&s, data + at, piece);
			at += piece;
		}
		sha256_final(&s, a);
		libcrypto(data, n, b);
		if (memcmp(a, b, 32))
			fail_msg("round %d (%zu bytes) differs from libcrypto", round, n);
	}
}

/* What this machine's CPU says, straight from CPUID, into the fake the
 * boot stage's choice reads. */
static void fake_this_cpu(void)
{
	fake_cpu_reset();
	for (uint32_t leaf = 0; leaf <= 7; leaf += 1) {
		struct cpuid_regs r = {0};
		__cpuid_count(leaf, 0, r.eax, r.ebx, r.ecx, r.edx);
		fake_cpuid_set(leaf, 0, r);
	}
}

static bool this_cpu_has_extensions(void)
{
	fake_this_cpu();
	return sha256_cpu_has_extensions();
}

/* The choice needs SHA, SSSE3 and SSE4.1 all, and leaf 7 at all; with
 * any of them missing the hashes stay portable (and right). */
static void test_choice_needs_every_feature(void **state)
{
	(void)state;
	const struct cpuid_regs leaf0 = {.eax = 7}, leaf1 = {.ecx = (1u << 9) | (1u << 19)},
	                        leaf7 = {.ebx = 1u << 29};
	struct {
		struct cpuid_regs l0, l1, l7;
		bool want;
	} cases[] = {
	    {leaf0, leaf1, leaf7, true},
	    {{.eax = 6}, leaf1, leaf7, false},
	    {leaf0, {.ecx = 1u << 19}, leaf7, false},
	    {leaf0, {.ecx = 1u << 9}, leaf7, false},
	    {leaf0, leaf1, {.ebx = ~(1u << 29)}, false},
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fake_cpu_reset();
		fake_cpuid_set(0, 0, cases[i].l0);
		fake_cpuid_set(1, 0, cases[i].l1);
		fake_cpuid_set(7, 0, cases[i].l7);
		assert_int_equal(sha256_cpu_select(), cases[i].want);
	}
	/* The last choice was the portable code: it hashes right. */
	expect_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static int use_portable(void **state)
{
	(void)state;
	sha256_use(0);
	return 0;
}

static int use_extensions(void **state)
{
	(void)state;
	sha256_use(sha256_blocks_shani);
	return 0;
}

/* The extensions' code keeps XMM6-XMM10 (its callers in the boot stage
 * are built without SSE, inside a Microsoft-ABI call) and leaves the
 * state where the portable code would, blocks at a time or one by one. */
static void test_extensions_keep_registers_and_agree_by_block(void **state)
{
	(void)state;
	uint8_t data[64 * 9];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 131 + 7);
	uint32_t portable[8] = {1, 2, 3, 4, 5, 6, 7, 8}, fast[8], one_by_one[8];
	memcpy(fast, portable, sizeof(fast));
	memcpy(one_by_one, portable, sizeof(one_by_one));
	sha256_blocks_portable(portable, data, 9);
	uint8_t kept[5][16], after[5][16];
	memset(kept, 0x5a, sizeof(kept));
	for (unsigned i = 0; i < 5; i++)
		kept[i][i] = (uint8_t)i;
	__asm__ volatile("movdqu 0(%0), %%xmm6\n\tmovdqu 16(%0), %%xmm7\n\t"
	                 "movdqu 32(%0), %%xmm8\n\tmovdqu 48(%0), %%xmm9\n\t"
	                 "movdqu 64(%0), %%xmm10"
	                 :
	                 : "r"(kept)
	                 : "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "memory");
	sha256_blocks_shani(fast, data, 9);
	__asm__ volatile("movdqu %%xmm6, 0(%0)\n\tmovdqu %%xmm7, 16(%0)\n\t"
	                 "movdqu %%xmm8, 32(%0)\n\tmovdqu %%xmm9, 48(%0)\n\t"
	                 "movdqu %%xmm10, 64(%0)"
	                 :
	                 : "r"(after)
	                 : "memory");
	assert_memory_equal(kept, after, sizeof(kept));
	assert_memory_equal(portable, fast, sizeof(fast));
	for (unsigned b = 0; b < 9; b++)
		sha256_blocks_shani(one_by_one, data + 64 * b, 1);
	assert_memory_equal(portable, one_by_one, sizeof(one_by_one));
	uint32_t untouched[8] = {9, 9, 9, 9, 9, 9, 9, 9};
	sha256_blocks_shani(untouched, data, 0);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(untouched[i], 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nist_vectors),
	    cmocka_unit_test(test_every_short_length),
	    cmocka_unit_test(test_random_inputs_in_pieces),
	};
	const struct CMUnitTest choosing[] = {
	    cmocka_unit_test(test_choice_needs_every_feature),
	};
	int failed = cmocka_run_group_tests_name("portable", tests, use_portable, 0);
	failed += cmocka_run_group_tests_name("choosing", choosing, 0, 0);
	if (!this_cpu_has_extensions()) {
		printf("this CPU has no SHA extensions: boot/sha256_ni.S not run here\n");
		return failed;
	}
	const struct CMUnitTest extensions[] = {
	    cmocka_unit_test(test_extensions_keep_registers_and_agree_by_block),
	};
	failed += cmocka_run_group_tests_name("sha extensions", tests, use_extensions, 0);
	failed += cmocka_run_group_tests_name("sha extensions, directly", extensions, 0, 0);
	return failed;
}
