/*
 * Host tests for the boot stage's SHA-256 (loader/sha256.c): the NIST
 * example vectors (FIPS 180-4 examples: "abc", the empty message, the
 * 448-bit two-block message, a million 'a's), and agreement with
 * libcrypto on every length from 0 to 300 bytes and on random inputs fed
 * in random pieces.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nist_vectors),
	    cmocka_unit_test(test_every_short_length),
	    cmocka_unit_test(test_random_inputs_in_pieces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
