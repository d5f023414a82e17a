/*
 * Host tests for the guest init's reading of solo's clone-point answer
 * (guest-kernel/init/clone_point.c): the lines it knows, in any
 * order or alone, what they change in the spec, and every way the text can break the format, which
 * is refused whole rather than half applied.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "clone_point.h"

#define SEED_HEX "00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210"

static int parse(const char *text, struct clone_answer *a)
{
	return clone_answer_parse(text, strlen(text), a);
}

static void test_both_lines(void **state)
{
	(void)state;
	struct clone_answer a;
	assert_int_equal(parse("hostname=twin-2\nseed=" SEED_HEX "\n", &a), 0);
	assert_string_equal(a.hostname, "twin-2");
	assert_true(a.has_seed);
	assert_int_equal(a.seed[0], 0x00);
	assert_int_equal(a.seed[1], 0x11);
	assert_int_equal(a.seed[15], 0xff);
	assert_int_equal(a.seed[31], 0x10);
	assert_int_equal(parse("seed=" SEED_HEX "\nhostname=a.b_c\n", &a), 0);
	assert_string_equal(a.hostname, "a.b_c");
}

static void test_one_line_or_none(void **state)
{
	(void)state;
	struct clone_answer a;
	assert_int_equal(parse("seed=" SEED_HEX "\n", &a), 0);
	assert_string_equal(a.hostname, "");
	assert_true(a.has_seed);
	assert_int_equal(parse("", &a), 0);
	assert_false(a.has_seed);
}

static void test_broken_answers(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "seed=" SEED_HEX,              /* no newline at the end */
	    "seed=" SEED_HEX "0\n",        /* 33 bytes */
	    "seed=00112233\n",             /* too short */
	    "seed=" SEED_HEX "\nname=x\n", /* unknown key */
	    "hostname=\n",                 /* empty name */
	    "hostname=a b\n",              /* not a host name */
	    "hostname=a/b\n",              /* nor this */
	    "just text\n",                 /* no key */
	    "SEED=" SEED_HEX "\n",         /* keys are lower case */
	    "seed=00112233445566778899AABBCCDDEEFF0123456789abcdeffedcba9876543210\n",
	    "hostname=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	    "nic4=02:00:00:00:00:01 dhcp\n",                              /* past SPEC_MAX_NICS */
	    "nicx=02:00:00:00:00:01 dhcp\n",                              /* not a digit */
	    "nic10=02:00:00:00:00:01 dhcp\n",                             /* two digits */
	    "nic0=03:00:00:00:00:01 dhcp\n",                              /* a group MAC */
	    "nic0=02:00:00:00:00:01 10.0.0.2\n",                          /* no prefix */
	    "nic0=02:00:00:00:00:01 10.0.0.2/33\n",                       /* prefix past 32 */
	    "nic0=02:00:00:00:00:01 010.0.0.2/24\n",                      /* octal-looking */
	    "nic0=02:00:00:00:00:01 dhcp\nnic0=02:00:00:00:00:02 dhcp\n", /* twice */
	    "nic0=02:00:00:00:00:01 10.0.0.2/24 x\n",                     /* trailing text */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct clone_answer a;
		if (parse(bad[i], &a) != -1)
			fail_msg("accepted: %s", bad[i]);
	}
	/* Bytes after a NUL count: the length decides, not the string. */
	struct clone_answer a;
	assert_int_equal(clone_answer_parse("hostname=x\n\0", 12, &a), -1);
}

/* A replica's interfaces: each given one takes the answer's MAC and
 * address and is marked for its ethK; one whose address is of another
 * kind than the spec's is left as the spec has it. */
static void test_interfaces_applied(void **state)
{
	(void)state;
	struct clone_answer a;
	assert_int_equal(parse("seed=" SEED_HEX "\nnic0=02:aa:bb:cc:dd:01 10.77.0.7/24\n"
	                       "nic2=02:aa:bb:cc:dd:03 dhcp\nnic1=02:aa:bb:cc:dd:02 dhcp\n",
	                       &a),
	                 0);
	assert_true(a.nic_given[0] && a.nic_given[1] && a.nic_given[2] && !a.nic_given[3]);
	struct spec spec = {.hostname = "web", .nic_count = 3};
	spec.nics[0] =
	    (struct spec_nic){.mac = {2, 0, 0, 0, 0, 1}, .address = 0x0a4d0002, .prefix = 24};
	spec.nics[1] = (struct spec_nic){.mac = {2, 0, 0, 0, 0, 2}, .dhcp = true};
	spec.nics[2] =
	    (struct spec_nic){.mac = {2, 0, 0, 0, 0, 3}, .address = 0x0a4e0002, .prefix = 24};
	assert_int_equal(clone_answer_apply(&a, &spec),
	                 1);                       /* nic2: dhcp where the spec is static */
	assert_string_equal(spec.hostname, "web"); /* no hostname line */
	const uint8_t mac0[6] = {2, 0xaa, 0xbb, 0xcc, 0xdd, 1},
	              mac1[6] = {2, 0xaa, 0xbb, 0xcc, 0xdd, 2};
	assert_memory_equal(spec.nics[0].mac, mac0, 6);
	assert_int_equal(spec.nics[0].address, 0x0a4d0007);
	assert_int_equal(spec.nics[0].prefix, 24);
	assert_true(spec.nics[0].mac_to_eth);
	assert_memory_equal(spec.nics[1].mac, mac1, 6);
	assert_true(spec.nics[1].dhcp && spec.nics[1].mac_to_eth);
	assert_int_equal(spec.nics[2].address, 0x0a4e0002);
	assert_false(spec.nics[2].mac_to_eth);
	assert_int_equal(spec.nics[2].mac[5], 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_both_lines),
	    cmocka_unit_test(test_one_line_or_none),
	    cmocka_unit_test(test_broken_answers),
	    cmocka_unit_test(test_interfaces_applied),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
