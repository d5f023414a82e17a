/*
 * Host tests for partition measurements (hypervisor/core/measurements.c):
 * the kernel's and initrd's digests taken from the verified manifest by
 * path (none without a manifest or an initrd), the command line's and
 * the config section's computed (checked against libcrypto), and the
 * section's canonical text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "core/measurements.h"

#define K64 "1111111111111111111111111111111111111111111111111111111111111111"
#define I64 "2222222222222222222222222222222222222222222222222222222222222222"

static const struct config_vm vm = {
    .name = "web",
    .kernel = "\\solo\\bzImage",
    .initrd = "\\solo\\containers\\web.cpio",
    .cmdline = "console=ttyS0,115200 quiet rdinit=/.solo/init SOLO_STOP_GRACE=10",
    .memory = 64ULL << 20,
    .vcpus = 2,
    .stop_timeout_s = 10,
};

static void libcrypto(const char *text, uint8_t out[32])
{
	unsigned int n = 0;
	assert_true(EVP_Digest(text, strlen(text), out, &n, EVP_sha256(), NULL));
}

static void test_from_the_manifest(void **state)
{
	(void)state;
	static struct manifest man;
	const char *text = "solo-manifest 1\nappliance a\ncounter 1\n"
	                   "file " K64 " 10 \\SOLO\\BZIMAGE\n"
	                   "file " I64 " 20 \\solo\\containers\\web.cpio\n";
	char err[80];
	assert_true(manifest_parse(text, strlen(text), &man, err, sizeof(err)));
	struct partition_measurements m;
	measurements_take(&m, &man, &vm);
	assert_true(m.known[MEASUREMENT_KERNEL]);
	assert_true(m.known[MEASUREMENT_INITRD]);
	assert_int_equal(m.digest[MEASUREMENT_KERNEL][0], 0x11);
	assert_int_equal(m.digest[MEASUREMENT_INITRD][31], 0x22);
	uint8_t want[32];
	libcrypto(vm.cmdline, want);
	assert_memory_equal(m.digest[MEASUREMENT_CMDLINE], want, 32);
	char canonical[2048];
	measurements_config_text(&vm, canonical, sizeof(canonical));
	assert_string_equal(canonical, "[vm web]\nkernel = \\solo\\bzImage\n"
	                               "initrd = \\solo\\containers\\web.cpio\n"
	                               "cmdline = console=ttyS0,115200 quiet rdinit=/.solo/init "
	                               "SOLO_STOP_GRACE=10\nmemory = 67108864\nvcpus = 2\n"
	                               "stop_timeout = 10\n");
	libcrypto(canonical, want);
	assert_memory_equal(m.digest[MEASUREMENT_CONFIG], want, 32);
	/* Any change to the section changes its measurement. */
	struct config_vm other = vm;
	other.memory += 1 << 20;
	struct partition_measurements m2;
	measurements_take(&m2, &man, &other);
	assert_memory_not_equal(m2.digest[MEASUREMENT_CONFIG], m.digest[MEASUREMENT_CONFIG], 32);
	assert_memory_equal(m2.digest[MEASUREMENT_KERNEL], m.digest[MEASUREMENT_KERNEL], 32);
}

static void test_unverified_and_no_initrd(void **state)
{
	(void)state;
	struct partition_measurements m;
	measurements_take(&m, NULL, &vm);
	assert_false(m.known[MEASUREMENT_KERNEL]);
	assert_false(m.known[MEASUREMENT_INITRD]);
	assert_true(m.known[MEASUREMENT_CMDLINE]);
	assert_true(m.known[MEASUREMENT_CONFIG]);
	static struct manifest man;
	const char *text =
	    "solo-manifest 1\nappliance a\ncounter 1\nfile " K64 " 10 \\solo\\bzImage\n";
	char err[80];
	assert_true(manifest_parse(text, strlen(text), &man, err, sizeof(err)));
	struct config_vm bare = vm;
	bare.initrd[0] = '\0';
	measurements_take(&m, &man, &bare);
	assert_true(m.known[MEASUREMENT_KERNEL]);
	assert_false(m.known[MEASUREMENT_INITRD]);
	assert_string_equal(measurement_name(MEASUREMENT_INITRD), "initrd");
	assert_string_equal(measurement_name(MEASUREMENT_COUNT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_from_the_manifest),
	    cmocka_unit_test(test_unverified_and_no_initrd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
