/*
 * Host tests for guest-kernel/init/spec.c, the parser of the container
 * spec solo-init reads: a full spec lands in the exact fields, values are
 * taken verbatim, defaults apply, and every rejection names its line.
 * AddressSanitizer's leak check covers the frees on the error paths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "spec.h"

static struct spec spec;
static char text[1024];
static char err[SPEC_ERROR_SIZE];

static int parse(const char *s)
{
	snprintf(text, sizeof(text), "%s", s);
	strcpy(err, "untouched");
	return spec_parse(text, strlen(text), &spec, err);
}

static void expect_ok(const char *s)
{
	if (parse(s) != 0)
		fail_msg("rejected: %s", err);
	assert_string_equal(err, "");
}

static void expect_error(const char *s, const char *message)
{
	assert_int_equal(parse(s), -1);
	assert_string_equal(err, message);
	assert_null(spec.argv);
	assert_null(spec.env);
}

static void test_full_spec(void **state)
{
	(void)state;
	expect_ok("argv=/bin/sh\n"
	          "env=NAME=demo\n"
	          "argv=-c\n"
	          "argv=echo $NAME = a b  c; exit 3\n"
	          "env=EMPTY=\n"
	          "cwd=/tmp\n"
	          "uid=1000\n"
	          "gid=4294967294\n"
	          "hostname=box\n");
	assert_int_equal(spec.argc, 3);
	assert_string_equal(spec.argv[0], "/bin/sh");
	assert_string_equal(spec.argv[1], "-c");
	assert_string_equal(spec.argv[2], "echo $NAME = a b  c; exit 3");
	assert_null(spec.argv[3]);
	assert_int_equal(spec.envc, 2);
	assert_string_equal(spec.env[0], "NAME=demo");
	assert_string_equal(spec.env[1], "EMPTY=");
	assert_null(spec.env[2]);
	assert_string_equal(spec.cwd, "/tmp");
	assert_int_equal(spec.uid, 1000);
	assert_int_equal(spec.gid, 4294967294u);
	assert_string_equal(spec.hostname, "box");
	spec_free(&spec);
}

static void test_defaults(void **state)
{
	(void)state;
	/* No final newline, empty lines skipped, an empty later argument kept. */
	expect_ok("\nargv=/bin/true\n\nargv=");
	assert_int_equal(spec.argc, 2);
	assert_string_equal(spec.argv[1], "");
	assert_non_null(spec.env); /* execve() gets an empty list */
	assert_int_equal(spec.envc, 0);
	assert_null(spec.env[0]);
	assert_string_equal(spec.cwd, "/");
	assert_int_equal(spec.uid, 0);
	assert_int_equal(spec.gid, 0);
	assert_null(spec.hostname);
	spec_free(&spec);
}

static void test_many_arguments(void **state)
{
	(void)state;
	char many[1024] = "";

	for (int i = 0; i < 40; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "argv=%d\nenv=V%d=x\n",
		         i, i);
	expect_ok(many);
	assert_int_equal(spec.argc, 40);
	assert_int_equal(spec.envc, 40);
	assert_string_equal(spec.argv[39], "39");
	assert_string_equal(spec.env[39], "V39=x");
	spec_free(&spec);
}

static void test_rejections(void **state)
{
	(void)state;
	expect_error("argv=/bin/sh\nuser=root\n", "line 2: unknown key 'user'");
	expect_error("argv=/bin/sh\n# comment\n", "line 2: not key=value: '# comment'");
	expect_error("argv=/bin/sh\nARGV=x\n", "line 2: unknown key 'ARGV'");
	expect_error("cwd=/\n", "no argv line: nothing to run");
	expect_error("", "no argv line: nothing to run");
	expect_error("argv=\nargv=x\n", "argv[0] is empty");
	expect_error("argv=a\ncwd=tmp\n", "line 2: cwd is not an absolute path: 'tmp'");
	expect_error("argv=a\ncwd=/\ncwd=/tmp\n", "line 3: cwd given twice");
	expect_error("argv=a\nuid=1\nuid=1\n", "line 3: uid given twice");
	expect_error("argv=a\nuid=-1\n", "line 2: uid is not a number below 4294967295: '-1'");
	expect_error("argv=a\ngid=\n", "line 2: gid is not a number below 4294967295: ''");
	expect_error("argv=a\nuid= 1\n", "line 2: uid is not a number below 4294967295: ' 1'");
	expect_error("argv=a\nuid=4294967295\n",
	             "line 2: uid is not a number below 4294967295: '4294967295'");
	expect_error("argv=a\ngid=99999999999999999999\n",
	             "line 2: gid is not a number below 4294967295: '99999999999999999999'");
	expect_error("argv=a\nenv=NAME\n", "line 2: env is not NAME=value: 'NAME'");
	expect_error("argv=a\nenv==x\n", "line 2: env is not NAME=value: '=x'");
	expect_error("argv=a\nhostname=\n", "line 2: hostname must be 1 to 64 bytes long");
	expect_error("argv=a\nhostname="
	             "12345678901234567890123456789012345678901234567890123456789012345\n",
	             "line 2: hostname must be 1 to 64 bytes long");
	expect_error("argv=a\nhostname=x\nhostname=y\n", "line 3: hostname given twice");
}

static void test_network(void **state)
{
	(void)state;
	expect_ok("argv=/bin/sh\n"
	          "net=02:00:0a:4d:00:02 10.77.0.2/24\n"
	          "net=52:54:00:ab:cd:ef dhcp\n"
	          "net=02:00:00:00:00:01 192.168.255.254/32\n"
	          "net=0e:ff:ff:ff:ff:ff 1.2.3.4/1\n"
	          "route=10.77.0.1\n"
	          "dns=10.0.2.3\n"
	          "dns=1.1.1.1\n"
	          "dns=10.0.2.3\n"
	          "host=10.77.0.2 web\n"
	          "host=10.77.0.3 db_1.local-x\n");
	assert_int_equal(spec.nic_count, 4);
	assert_memory_equal(spec.nics[0].mac, "\x02\x00\x0a\x4d\x00\x02", 6);
	assert_false(spec.nics[0].dhcp);
	assert_int_equal(spec.nics[0].address, 0x0a4d0002);
	assert_int_equal(spec.nics[0].prefix, 24);
	assert_memory_equal(spec.nics[1].mac, "\x52\x54\x00\xab\xcd\xef", 6);
	assert_true(spec.nics[1].dhcp);
	assert_int_equal(spec.nics[1].address, 0);
	assert_int_equal(spec.nics[1].prefix, 0);
	assert_int_equal(spec.nics[2].address, 0xc0a8fffe);
	assert_int_equal(spec.nics[2].prefix, 32);
	assert_int_equal(spec.nics[3].address, 0x01020304);
	assert_int_equal(spec.nics[3].prefix, 1);
	assert_int_equal(spec.gateway, 0x0a4d0001);
	assert_int_equal(spec.dns_count, 3);
	assert_int_equal(spec.dns[0], 0x0a000203);
	assert_int_equal(spec.dns[1], 0x01010101);
	assert_int_equal(spec.dns[2], 0x0a000203);
	assert_int_equal(spec.host_count, 2);
	assert_int_equal(spec.hosts[0].address, 0x0a4d0002);
	assert_string_equal(spec.hosts[0].name, "web");
	assert_int_equal(spec.hosts[1].address, 0x0a4d0003);
	assert_string_equal(spec.hosts[1].name, "db_1.local-x");
	spec_free(&spec);

	/* No network lines: none of it. */
	expect_ok("argv=/bin/sh\n");
	assert_int_equal(spec.nic_count, 0);
	assert_int_equal(spec.gateway, 0);
	assert_int_equal(spec.dns_count, 0);
	assert_int_equal(spec.host_count, 0);
	spec_free(&spec);
}

static void test_many_hosts(void **state)
{
	static char many[SPEC_MAX_HOSTS * 24 + 64];
	static char big[sizeof(many) + 64];

	(void)state;
	strcpy(many, "argv=/bin/sh\n");
	for (int i = 0; i < SPEC_MAX_HOSTS; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "host=10.0.%d.%d h%d\n",
		         i / 250, i % 250 + 1, i); /* host parts 1..250 */
	snprintf(big, sizeof(big), "%s", many);
	assert_int_equal(spec_parse(big, strlen(big), &spec, err), 0);
	assert_int_equal(spec.host_count, SPEC_MAX_HOSTS);
	assert_int_equal(SPEC_MAX_HOSTS, 1040);
	assert_string_equal(spec.hosts[SPEC_MAX_HOSTS - 1].name, "h1039");
	spec_free(&spec);

	snprintf(big, sizeof(big), "%shost=10.1.0.1 one-too-many\n", many);
	assert_int_equal(spec_parse(big, strlen(big), &spec, err), -1);
	assert_string_equal(err, "line 1042: more than 1040 host lines");
}

static void test_network_rejections(void **state)
{
	(void)state;
	const char *net_mac = "net does not start with a unicast MAC in lower case: ";
	char want[SPEC_ERROR_SIZE];
	/* Each bad MAC, after "argv=a\nnet=", with " 10.0.0.2/24". */
	static const char *const bad_macs[] = {
	    "02:00:00:00:00:0",
	    "02:00:00:00:00:0g",
	    "02:00:00:00:00:AB",
	    "02-00-00-00-00-01",
	    "02:00:00:00:00",
	    "02:00:00:00:00:01:02",
	    "0200:00:00:00:01",
	    "01:00:5e:00:00:01",
	    "00:00:00:00:00:00",
	    "ff:ff:ff:ff:ff:ff",
	    "",
	    " 02:00:00:00:00:01",
	};

	for (size_t i = 0; i < sizeof(bad_macs) / sizeof(*bad_macs); i++) {
		char line[80];

		snprintf(line, sizeof(line), "argv=a\nnet=%s 10.0.0.2/24\n", bad_macs[i]);
		snprintf(want, sizeof(want), "line 2: %s'%s 10.0.0.2/24'", net_mac, bad_macs[i]);
		expect_error(line, want);
	}

	const char *net_addr = "net is not 'MAC ADDRESS/PREFIX' (1-32) or 'MAC dhcp': ";
	/* Each bad address part, after a good MAC. */
	static const char *const bad_addresses[] = {
	    "10.0.0.2",     "10.0.0.2/",     "10.0.0.2/0",    "10.0.0.2/33",   "10.0.0.2/024",
	    "10.0.0.2/2x",  "10.0.0/24",     "10.0.0.2.1/24", "10.0.0.256/24", "10.0.0.02/24",
	    "0.0.0.0/8",    "10.0.0.2 /24",  "DHCP",          "dhcp ",         "",
	    "10.0.0.-1/24", "10.0.0.2/24 x", "1000.0.0.2/24", "10..0.2/24",    "a.b.c.d/24",
	};

	for (size_t i = 0; i < sizeof(bad_addresses) / sizeof(*bad_addresses); i++) {
		char line[80];

		snprintf(line, sizeof(line), "argv=a\nnet=02:00:00:00:00:01 %s\n",
		         bad_addresses[i]);
		snprintf(want, sizeof(want), "line 2: %s'02:00:00:00:00:01 %s'", net_addr,
		         bad_addresses[i]);
		expect_error(line, want);
	}
	expect_error("argv=a\nnet=02:00:00:00:00:01\n",
	             "line 2: net does not start with a unicast MAC in lower case: "
	             "'02:00:00:00:00:01'");
	expect_error("argv=a\nnet=02:00:00:00:00:01 dhcp\nnet=02:00:00:00:00:01 10.0.0.2/8\n",
	             "line 3: net: MAC 02:00:00:00:00:01 given twice");
	expect_error("argv=a\n"
	             "net=02:00:00:00:00:01 dhcp\nnet=02:00:00:00:00:02 dhcp\n"
	             "net=02:00:00:00:00:03 dhcp\nnet=02:00:00:00:00:04 dhcp\n"
	             "net=02:00:00:00:00:05 dhcp\n",
	             "line 6: more than 4 net lines");

	expect_error("argv=a\nroute=10.0.0.1\nroute=10.0.0.1\n", "line 3: route given twice");
	expect_error("argv=a\nroute=\n", "line 2: route is not an IPv4 address: ''");
	expect_error("argv=a\nroute=0.0.0.0\n", "line 2: route is not an IPv4 address: '0.0.0.0'");
	expect_error("argv=a\nroute=10.0.0.1/24\n",
	             "line 2: route is not an IPv4 address: '10.0.0.1/24'");
	expect_error("argv=a\nroute=gateway\n", "line 2: route is not an IPv4 address: 'gateway'");

	expect_error("argv=a\ndns=1.1.1.1 \n", "line 2: dns is not an IPv4 address: '1.1.1.1 '");
	expect_error("argv=a\ndns=1.1.1\n", "line 2: dns is not an IPv4 address: '1.1.1'");
	expect_error("argv=a\ndns=01.1.1.1\n", "line 2: dns is not an IPv4 address: '01.1.1.1'");
	expect_error("argv=a\ndns=1.1.1.1\ndns=8.8.8.8\ndns=9.9.9.9\ndns=1.0.0.1\n",
	             "line 5: more than 3 dns lines");

	const char *host = "host is not 'IP NAME' (NAME up to 64 of A-Z a-z 0-9 . _ -): ";
	static const char *const bad_hosts[] = {
	    "10.0.0.2",
	    "10.0.0.2 ",
	    "10.0.0.2  web",
	    "10.0.0.2 web ",
	    "10.0.0.2 we b",
	    "10.0.0.2 web#",
	    "10.0.0.2\tweb",
	    "web 10.0.0.2",
	    "0.0.0.0 web",
	    " 10.0.0.2 web",
	    "10.0.0.2 "
	    "12345678901234567890123456789012345678901234567890123456789012345",
	};

	for (size_t i = 0; i < sizeof(bad_hosts) / sizeof(*bad_hosts); i++) {
		char line[120];

		snprintf(line, sizeof(line), "argv=a\nhost=%s\n", bad_hosts[i]);
		snprintf(want, sizeof(want), "line 2: %s'%.40s'", host, bad_hosts[i]);
		expect_error(line, want);
	}
	/* The longest name is fine. */
	expect_ok("argv=a\nhost=10.0.0.2 "
	          "1234567890123456789012345678901234567890123456789012345678901234\n");
	assert_int_equal(strlen(spec.hosts[0].name), SPEC_HOSTNAME_MAX);
	spec_free(&spec);
}

static void test_nul_byte(void **state)
{
	(void)state;
	char with_nul[] = "argv=/bin/sh\0argv=x\n";

	assert_int_equal(spec_parse(with_nul, sizeof(with_nul) - 1, &spec, err), -1);
	assert_string_equal(err, "the spec holds a NUL byte");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full_spec),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_many_arguments),
	    cmocka_unit_test(test_rejections),
	    cmocka_unit_test(test_network),
	    cmocka_unit_test(test_many_hosts),
	    cmocka_unit_test(test_network_rejections),
	    cmocka_unit_test(test_nul_byte),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
