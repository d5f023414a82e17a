/*
 * Host tests for loader/config.c: a full valid config lands in the exact
 * fields, defaults apply, networks resolve to the addresses and MACs the
 * grammar promises, and every rejection rule of the grammar produces its
 * own message with the right line number (or section, for what is only
 * known once the whole file is read).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"

static struct appliance_config cfg;
static char err[256];

static bool parse(const char *text)
{
	strcpy(err, "untouched");
	return config_parse(text, strlen(text), &cfg, err, sizeof(err));
}

static void expect_ok(const char *text)
{
	if (!parse(text))
		fail_msg("rejected: %s", err);
	assert_string_equal(err, "");
}

static void expect_error(const char *text, const char *message)
{
	if (parse(text))
		fail_msg("accepted, expected \"%s\":\n%s", message, text);
	assert_string_equal(err, message);
}

static const char full[] = "# The demo appliance\n"
                           "[appliance]\n"
                           "name = edge-demo\n"
                           "selftest = probe  bad-entry\t# two of three\n"
                           "\n"
                           "[container web]\n"
                           "image = oci:images/web:latest          # or docker-archive\n"
                           "memory = 64M\n"
                           "vcpus = 2\n"
                           "cpus = pinned\n"
                           "restart = on-failure:3\n"
                           "env = MODE=demo\n"
                           "env = URL=http://x/#frag\n"
                           "command = /bin/httpd -f -p 8080        # overrides Cmd\n"
                           "\t\n"
                           "[container db_1]\n"
                           "  image=docker-archive:images/db.tar  \n"
                           "memory = 1G\n";

static void test_full_config(void **state)
{
	(void)state;
	expect_ok(full);
	assert_string_equal(cfg.name, "edge-demo");
	assert_int_equal(cfg.selftest, CONFIG_SELFTEST_PROBE | CONFIG_SELFTEST_BAD_ENTRY);
	assert_int_equal(cfg.container_count, 2);

	const struct config_container *web = &cfg.containers[0];
	assert_string_equal(web->name, "web");
	assert_string_equal(web->image, "oci:images/web:latest");
	assert_int_equal(web->memory, 64ULL << 20);
	assert_int_equal(web->vcpus, 2);
	assert_int_equal(web->cpus, CONFIG_CPUS_PINNED);
	assert_int_equal(web->restart, CONFIG_RESTART_ON_FAILURE);
	assert_int_equal(web->restart_max, 3);
	assert_int_equal(web->env_count, 2);
	assert_string_equal(config_container_env(&cfg, web, 0), "MODE=demo");
	assert_string_equal(config_container_env(&cfg, web, 1), "URL=http://x/#frag");
	assert_string_equal(web->command, "/bin/httpd -f -p 8080");

	const struct config_container *db = &cfg.containers[1];
	assert_string_equal(db->name, "db_1");
	assert_string_equal(db->image, "docker-archive:images/db.tar");
	assert_int_equal(db->memory, 1ULL << 30);
	assert_int_equal(db->vcpus, 1);
	assert_int_equal(db->cpus, CONFIG_CPUS_SHARED);
	assert_int_equal(db->restart, CONFIG_RESTART_NO);
	assert_int_equal(db->restart_max, 0);
	assert_int_equal(db->env_count, 0);
	assert_string_equal(db->command, "");
}

static void test_selftest_file_and_crlf(void **state)
{
	(void)state;
	expect_ok("[appliance]\r\nname = selftest\r\nselftest = probe stray bad-entry\r\n");
	assert_string_equal(cfg.name, "selftest");
	assert_int_equal(cfg.selftest,
	                 CONFIG_SELFTEST_PROBE | CONFIG_SELFTEST_STRAY | CONFIG_SELFTEST_BAD_ENTRY);
	assert_int_equal(cfg.container_count, 0);
	/* No trailing newline, section after its keys' first use elsewhere. */
	expect_ok("[container a]\nimage=x\nmemory=1M\n[appliance]\nname=z");
	assert_string_equal(cfg.name, "z");
	assert_int_equal(cfg.containers[0].memory, 1ULL << 20);
}

/* start = clone|boot and replicas = N: what they set, their defaults,
 * and each rejection. */
static void test_start_and_replicas(void **state)
{
	(void)state;
	expect_ok("[appliance]\nname=a\n[container c]\nimage=i\nmemory=32M\n"
	          "[container d]\nimage=i\nmemory=32M\nstart=boot\nreplicas=511\n");
	assert_false(cfg.containers[0].start_boot);
	assert_int_equal(cfg.containers[0].replicas, 1);
	assert_true(cfg.containers[1].start_boot);
	assert_int_equal(cfg.containers[1].replicas, 511);
	expect_ok("[appliance]\nname=a\n[container c]\nimage=i\nmemory=32M\nstart=clone\n");
	assert_false(cfg.containers[0].start_boot);
	expect_error("[appliance]\nname=a\n[container c]\nimage=i\nmemory=32M\nstart=fast\n",
	             "line 6: start must be clone or boot, not 'fast'");
	expect_error("[appliance]\nname=a\n[container c]\nimage=i\nmemory=32M\nreplicas=0\n",
	             "line 6: replicas must be from 1 to 512, not '0'");
	expect_error("[appliance]\nname=a\n[container c]\nimage=i\nmemory=32M\nreplicas=513\n",
	             "line 6: replicas must be from 1 to 512, not '513'");
	expect_error("[appliance]\nname=a\n[container c]\nimage=i\nmemory=32M\nreplicas=300\n"
	             "[container d]\nimage=i\nmemory=32M\nreplicas=213\n",
	             "more than 512 container partitions, replicas counted");
	expect_error("[appliance]\nname=a\n[network n]\nsubnet=10.0.0.0/24\n[container c]\n"
	             "image=i\nmemory=32M\nreplicas=2\nnetwork=n 10.0.0.9\n",
	             "container 'c': replicas take auto or dhcp addresses and derived MACs (one "
	             "address or MAC cannot be each replica's)");
	expect_error("[appliance]\nname=a\n[network n]\nsubnet=10.0.0.0/24\n[container c]\n"
	             "image=i\nmemory=32M\nreplicas=2\nnetwork=n auto 02:00:00:00:00:09\n",
	             "container 'c': replicas take auto or dhcp addresses and derived MACs (one "
	             "address or MAC cannot be each replica's)");
}

/* Replicas on a network: each its own MAC, from its own name, and its
 * own address, the r-th of a run of free ones set aside for them (here
 * past a static address in the way); the next container's auto address
 * comes after the run. */
static void test_replicas_on_a_network(void **state)
{
	(void)state;
	expect_ok("[appliance]\nname=a\n[network n]\nsubnet=10.0.0.0/24\n"
	          "[container first]\nimage=i\nmemory=32M\nnetwork=n\n"
	          "[container web]\nimage=i\nmemory=32M\nreplicas=3\nnetwork=n\n"
	          "[container after]\nimage=i\nmemory=32M\nnetwork=n\n"
	          "[container fixed]\nimage=i\nmemory=32M\nnetwork=n 10.0.0.3\n");
	const struct config_container *web = &cfg.containers[1];
	assert_int_equal(cfg.containers[0].nics[0].address, 0x0a000001);
	assert_int_equal(web->nics[0].address, 0x0a000004); /* .2 to .4 would take .3 */
	assert_int_equal(cfg.containers[2].nics[0].address, 0x0a000007);
	struct config_nic r1[CONFIG_MAX_NICS], r2[CONFIG_MAX_NICS], r3[CONFIG_MAX_NICS];
	config_replica_nics(&cfg, web, 1, r1);
	config_replica_nics(&cfg, web, 2, r2);
	config_replica_nics(&cfg, web, 3, r3);
	assert_int_equal(r1[0].address, 0x0a000004);
	assert_int_equal(r2[0].address, 0x0a000005);
	assert_int_equal(r3[0].address, 0x0a000006);
	assert_memory_not_equal(r1[0].mac, r2[0].mac, 6);
	assert_memory_not_equal(r2[0].mac, r3[0].mac, 6);
	assert_memory_not_equal(r1[0].mac, web->nics[0].mac, 6);
	assert_int_equal(r2[0].mac[0], 0x02); /* locally administered, unicast */
	char name[40];
	config_replica_name(web, 2, name, sizeof(name));
	assert_string_equal(name, "web-2");
	/* One replica: the container's own interface, name and all. */
	struct config_nic own[CONFIG_MAX_NICS];
	config_replica_nics(&cfg, &cfg.containers[0], 1, own);
	assert_memory_equal(own[0].mac, cfg.containers[0].nics[0].mac, 6);
	assert_int_equal(own[0].address, 0x0a000001);
	config_replica_name(&cfg.containers[0], 1, name, sizeof(name));
	assert_string_equal(name, "first");
	/* No run left: a /29 has six host addresses. */
	expect_error("[appliance]\nname=a\n[network n]\nsubnet=10.0.0.0/29\n"
	             "[container web]\nimage=i\nmemory=32M\nreplicas=7\nnetwork=n\n",
	             "container 'web': network 'n' has no run of free addresses left for its "
	             "replicas");
}

static void test_memory_sizes(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		uint64_t bytes;
	} ok[] = {
	    {"1048576", 1ULL << 20}, {"1024K", 1ULL << 20},   {"1M", 1ULL << 20},
	    {"64G", 64ULL << 30},    {"65536M", 64ULL << 30}, {"0003M", 3ULL << 20},
	};
	char text[128];
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(text, sizeof(text),
		         "[appliance]\nname=a\n[container c]\nimage=i\nmemory=%s\n", ok[i].text);
		expect_ok(text);
		assert_int_equal(cfg.containers[0].memory, ok[i].bytes);
	}
	expect_error("[appliance]\nname=a\n[container c]\nimage=i\nmemory=1023K\n",
	             "line 5: memory size '1023K' outside 1M..64G");
	expect_error("[appliance]\nname=a\n[container c]\nimage=i\nmemory=65G\n",
	             "line 5: memory size '65G' outside 1M..64G");
	expect_error("[appliance]\nname=a\n[container c]\nimage=i\nmemory=99999999999999999999G\n",
	             "line 5: bad memory size '99999999999999999999G' (a number with an optional "
	             "K, M or G suffix)");
	expect_error("[appliance]\nname=a\n[container c]\nimage=i\nmemory=64m\n",
	             "line 5: bad memory size '64m' (a number with an optional K, M or G suffix)");
	expect_error("[appliance]\nname=a\n[container c]\nimage=i\nmemory=M\n",
	             "line 5: bad memory size 'M' (a number with an optional K, M or G suffix)");
	expect_error("[appliance]\nname=a\n[container c]\nimage=i\nmemory=-1M\n",
	             "line 5: bad memory size '-1M' (a number with an optional K, M or G suffix)");
}

static void test_vcpus_cpus_restart(void **state)
{
	(void)state;
	const char *head = "[appliance]\nname=a\n[container c]\nimage=i\nmemory=1M\n";
	char text[256];
#define WITH(line) (snprintf(text, sizeof(text), "%s%s\n", head, line), text)
	expect_ok(WITH("vcpus = 64"));
	assert_int_equal(cfg.containers[0].vcpus, 64);
	expect_error(WITH("vcpus = 65"), "line 6: vcpus must be a number from 1 to 64, not '65'");
	expect_error(WITH("vcpus = 0"), "line 6: vcpus must be a number from 1 to 64, not '0'");
	expect_error(WITH("vcpus = two"), "line 6: vcpus must be a number from 1 to 64, not 'two'");
	expect_ok(WITH("cpus = shared"));
	assert_int_equal(cfg.containers[0].cpus, CONFIG_CPUS_SHARED);
	expect_error(WITH("cpus = dedicated"),
	             "line 6: cpus must be shared or pinned, not 'dedicated'");
	expect_ok(WITH("restart = always"));
	assert_int_equal(cfg.containers[0].restart, CONFIG_RESTART_ALWAYS);
	expect_ok(WITH("restart = on-failure"));
	assert_int_equal(cfg.containers[0].restart, CONFIG_RESTART_ON_FAILURE);
	assert_int_equal(cfg.containers[0].restart_max, 0);
	expect_ok(WITH("restart = on-failure:1000"));
	assert_int_equal(cfg.containers[0].restart_max, 1000);
	expect_ok(WITH("restart = no"));
	assert_int_equal(cfg.containers[0].restart, CONFIG_RESTART_NO);
	static const char *const bad_restart[] = {"on-failure:0", "on-failure:1001", "on-failure:",
	                                          "sometimes",    "on-failure:3x",   "On-failure"};
	for (size_t i = 0; i < sizeof(bad_restart) / sizeof(bad_restart[0]); i++) {
		char line[64], message[160];
		snprintf(line, sizeof(line), "restart = %s", bad_restart[i]);
		snprintf(message, sizeof(message),
		         "line 6: restart must be no, always, on-failure or on-failure:N (N "
		         "from 1 to 1000), not '%s'",
		         bad_restart[i]);
		expect_error(WITH(line), message);
	}
#undef WITH
}

static void test_env(void **state)
{
	(void)state;
	char text[16384];
	int n = snprintf(text, sizeof(text),
	                 "[appliance]\nname=a\n[container c]\nimage=i\nmemory=1M\n");
	for (int i = 0; i < CONFIG_MAX_ENV; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "env = V%d=%d\n", i, i);
	expect_ok(text);
	assert_int_equal(cfg.containers[0].env_count, 32);
	assert_string_equal(config_container_env(&cfg, &cfg.containers[0], 31), "V31=31");
	snprintf(text + n, sizeof(text) - (size_t)n, "env = X=1\n");
	expect_error(text, "line 38: more than 32 env entries");

	const char *head = "[appliance]\nname=a\n[container c]\nimage=i\nmemory=1M\n";
	snprintf(text, sizeof(text), "%senv = A=1\nenv = A=2\n", head);
	expect_error(text, "line 7: env 'A' set twice");
	snprintf(text, sizeof(text), "%senv = NOEQUALS\n", head);
	expect_error(text, "line 6: env must be NAME=value, not 'NOEQUALS'");
	snprintf(text, sizeof(text), "%senv = =x\n", head);
	expect_error(text, "line 6: env must be NAME=value, not '=x'");
	snprintf(text, sizeof(text), "%senv = 1A=x\n", head);
	expect_error(text, "line 6: env must be NAME=value, not '1A=x'");
	snprintf(text, sizeof(text), "%senv = A-B=x\n", head);
	expect_error(text, "line 6: env must be NAME=value, not 'A-B=x'");
	snprintf(text, sizeof(text), "%senv = EMPTY=\n", head);
	expect_ok(text);
	assert_string_equal(config_container_env(&cfg, &cfg.containers[0], 0), "EMPTY=");
}

/* Container k of n with k % 5 env entries, then one with none and one
 * with one: each reads back its own, however many came before. Then the
 * appliance-wide pool filled to its last entry, and one past it. */
static void test_env_pool(void **state)
{
	(void)state;
	static char text[65536];
	int n = snprintf(text, sizeof(text), "[appliance]\nname=a\n");
	for (int k = 0; k < 40; k++) {
		n += snprintf(text + n, sizeof(text) - (size_t)n,
		              "[container c%d]\nimage=i\nmemory=1M\n", k);
		for (int i = 0; i < k % 5; i++)
			n += snprintf(text + n, sizeof(text) - (size_t)n, "env = E%d=%d-%d\n", i, k,
			              i);
	}
	expect_ok(text);
	assert_int_equal(cfg.env_count, 8 * (1 + 2 + 3 + 4));
	for (uint32_t k = 0; k < 40; k++) {
		const struct config_container *c = &cfg.containers[k];
		assert_int_equal(c->env_count, k % 5);
		for (uint32_t i = 0; i < c->env_count; i++) {
			char want[32];
			snprintf(want, sizeof(want), "E%u=%u-%u", i, k, i);
			assert_string_equal(config_container_env(&cfg, c, i), want);
		}
	}

	/* 32 containers of 32 entries fill the pool. */
	unsigned line = 2;
	n = snprintf(text, sizeof(text), "[appliance]\nname=a\n");
	for (int k = 0; k < CONFIG_MAX_ENV_TOTAL / CONFIG_MAX_ENV; k++) {
		n += snprintf(text + n, sizeof(text) - (size_t)n,
		              "[container c%d]\nimage=i\nmemory=1M\n", k);
		for (int i = 0; i < CONFIG_MAX_ENV; i++)
			n += snprintf(text + n, sizeof(text) - (size_t)n, "env=V%d=%d\n", i, k);
		line += 3 + CONFIG_MAX_ENV;
	}
	expect_ok(text);
	assert_int_equal(cfg.env_count, 1024);
	const struct config_container *last = &cfg.containers[31];
	assert_int_equal(last->env_first, 992);
	assert_string_equal(config_container_env(&cfg, last, 31), "V31=31");
	assert_string_equal(cfg.env[1023], "V31=31");
	snprintf(text + n, sizeof(text) - (size_t)n, "[container more]\nimage=i\nenv=X=1\n");
	char message[80];
	snprintf(message, sizeof(message), "line %u: more than 1024 env entries in all containers",
	         line + 3);
	expect_error(text, message);
}

/* A line "key = <n times 'x'>" in a valid container. */
static const char *with_long_value(const char *key, size_t n)
{
	static char text[4096];
	int len = snprintf(text, sizeof(text),
	                   "[appliance]\nname=a\n[container c]\nimage=i\nmemory=1M\n"
	                   "%s=",
	                   key);
	if (strcmp(key, "env") == 0) {
		memcpy(text + len, "E=", 2);
		len += 2;
		n -= 2;
	}
	memset(text + len, 'x', n);
	text[len + (int)n] = '\0';
	return text;
}

static void test_overlong_values(void **state)
{
	(void)state;
	/* The image line replaces the first one, so use a fresh container. */
	char text[1024];
	memset(text, 0, sizeof(text));
	int n =
	    snprintf(text, sizeof(text), "[appliance]\nname=a\n[container c]\nmemory=1M\nimage=");
	memset(text + n, 'i', 255);
	expect_ok(text);
	assert_int_equal(strlen(cfg.containers[0].image), 255);
	text[n + 255] = 'i';
	expect_error(text, "line 5: 'image' longer than 255 characters");

	expect_ok(with_long_value("env", 255));
	assert_int_equal(strlen(config_container_env(&cfg, &cfg.containers[0], 0)), 255);
	expect_error(with_long_value("env", 256), "line 6: 'env' longer than 255 characters");
	/* The line limit leaves room for the longest command. */
	expect_ok(with_long_value("command", 1023));
	assert_int_equal(strlen(cfg.containers[0].command), 1023);
	expect_error(with_long_value("command", 1024),
	             "line 6: 'command' longer than 1023 characters");

	expect_ok("[appliance]\nname=abcdefghijklmnopqrstuvwxyz01234\n");
	expect_error(
	    "[appliance]\nname=abcdefghijklmnopqrstuvwxyz012345\n",
	    "line 2: bad name 'abcdefghijklmnopqrstuvwxyz012345' (a-z, 0-9, _ and -, up to "
	    "31 characters)");
}

static void test_names(void **state)
{
	(void)state;
	expect_ok("[appliance]\nname=0a_-z\n[container 9-x_]\nimage=i\nmemory=1M\n");
	assert_string_equal(cfg.containers[0].name, "9-x_");
	expect_error("[appliance]\nname=Edge\n",
	             "line 2: bad name 'Edge' (a-z, 0-9, _ and -, up to 31 characters)");
	expect_error("[appliance]\nname=-edge\n",
	             "line 2: bad name '-edge' (a-z, 0-9, _ and -, up to 31 characters)");
	expect_error("[appliance]\nname=two words\n",
	             "line 2: bad name 'two words' (a-z, 0-9, _ and -, up to 31 characters)");
	expect_error("[appliance]\nname=a\n[container We.b]\n",
	             "line 3: bad container name 'We.b' (a-z, 0-9, _ and -, up to 31 characters)");
	expect_error("[appliance]\nname=a\n[container _x]\n",
	             "line 3: bad container name '_x' (a-z, 0-9, _ and -, up to 31 characters)");
	expect_error("[appliance]\nname=a\n[container]\n", "line 3: unknown section '[container]'");
	expect_error("[appliance]\nname=a\n[container  ]\n",
	             "line 3: bad container name '' (a-z, 0-9, _ and -, up to 31 characters)");
	/* Blanks between "container" and the name are fine. */
	expect_ok("[appliance]\nname=a\n[container \t web]\nimage=i\nmemory=1M\n");
	assert_string_equal(cfg.containers[0].name, "web");
}

static void test_sections(void **state)
{
	(void)state;
	expect_error("[appliance]\nname=a\n[network]\n", "line 3: unknown section '[network]'");
	expect_error("[appliance]\nname=a\n[containerweb]\n",
	             "line 3: unknown section '[containerweb]'");
	expect_error("[appliance\nname=a\n", "line 1: malformed section header '[appliance'");
	expect_error("[appliance]\nname=a\n[appliance]\n", "line 3: duplicate [appliance] section");
	expect_error("[appliance]\nname=a\n[container w]\nimage=i\nmemory=1M\n[container w]\n",
	             "line 6: duplicate container 'w'");

	/* 512 distinct containers, each with its own image and a [vm]
	 * among them: the 513th container is refused on its line. */
	static char text[65536];
	int n = snprintf(text, sizeof(text), "[appliance]\nname=a\n");
	for (int i = 0; i < CONFIG_MAX_CONTAINERS; i++) {
		n += snprintf(text + n, sizeof(text) - (size_t)n,
		              "[container c%d]\nimage=registry.example/c%d:1\nmemory=%dM\n", i, i,
		              1 + i % 7);
		if (i == 300)
			n += snprintf(text + n, sizeof(text) - (size_t)n,
			              "[vm v]\nkernel=/k\nmemory=1M\n");
	}
	expect_ok(text);
	assert_int_equal(CONFIG_MAX_CONTAINERS, 512);
	assert_int_equal(cfg.container_count, 512);
	assert_int_equal(cfg.vm_count, 1);
	assert_string_equal(cfg.containers[0].name, "c0");
	assert_string_equal(cfg.containers[0].image, "registry.example/c0:1");
	assert_int_equal(cfg.containers[0].memory, 1 << 20);
	assert_string_equal(cfg.containers[511].name, "c511");
	assert_string_equal(cfg.containers[511].image, "registry.example/c511:1");
	assert_int_equal(cfg.containers[511].memory, (1 + 511 % 7) << 20);
	assert_string_equal(cfg.containers[301].name, "c301");
	/* 2 lines, 3 a container, 3 for the [vm]: the next is line 1542. */
	snprintf(text + n, sizeof(text) - (size_t)n, "[container extra]\nimage=i\nmemory=1M\n");
	expect_error(text, "line 1542: more than 512 containers");
	/* A [vm] after them still has its place. */
	snprintf(text + n, sizeof(text) - (size_t)n, "[vm w]\nkernel=/k\nmemory=1M\n");
	expect_ok(text);
	assert_int_equal(cfg.vm_count, 2);
}

static void test_keys(void **state)
{
	(void)state;
	expect_error("name = a\n[appliance]\n", "line 1: key 'name' outside a section");
	expect_error("# comment\n\n[appliance]\nfoo = 1\n", "line 4: unknown key 'foo'");
	expect_error("[appliance]\nname=a\nimage=i\n", "line 3: unknown key 'image'");
	expect_error("[appliance]\nname=a\n[container c]\nname=b\n", "line 4: unknown key 'name'");
	expect_error("[appliance]\nname=a\nname=b\n", "line 3: duplicate key 'name'");
	expect_error("[appliance]\nname=a\n[container c]\nimage=i\nmemory=1M\nmemory=2M\n",
	             "line 6: duplicate key 'memory'");
	expect_error("[appliance]\nname=a\nselftest=probe\nselftest=stray\n",
	             "line 4: duplicate key 'selftest'");
	expect_error("[appliance]\nname\n", "line 2: expected 'key = value', got 'name'");
	expect_error("[appliance]\n= a\n", "line 2: expected 'key = value', got '= a'");
	expect_error("[appliance]\nname =   # nothing\n", "line 2: empty value for 'name'");
	expect_error("[appliance]\nName = a\n", "line 2: unknown key 'Name'");
}

static void test_selftest_values(void **state)
{
	(void)state;
	expect_error("[appliance]\nname=a\nselftest = probe crash\n",
	             "line 3: unknown selftest 'crash' (probe, stray or bad-entry)");
	expect_error("[appliance]\nname=a\nselftest = stray probe stray\n",
	             "line 3: selftest 'stray' listed twice");
}

static void test_timeslice(void **state)
{
	(void)state;
	expect_ok("[appliance]\nname=a\n");
	assert_int_equal(cfg.timeslice_us, CONFIG_TIMESLICE_DEFAULT_US);
	expect_ok("[appliance]\nname=a\ntimeslice = 500us\n");
	assert_int_equal(cfg.timeslice_us, 500);
	expect_ok("[appliance]\nname=a\ntimeslice = 2ms\n");
	assert_int_equal(cfg.timeslice_us, 2000);
	expect_ok("[appliance]\nname=a\ntimeslice = 100us\n");
	assert_int_equal(cfg.timeslice_us, 100);
	expect_ok("[appliance]\nname=a\ntimeslice = 1000ms\n");
	assert_int_equal(cfg.timeslice_us, 1000000);
	static const char *const bad[] = {
	    "99us", "1001ms", "0ms",  "10",    "10s",
	    "ms",   "1.5ms",  "-1ms", "10 ms", "99999999999999999999ms"};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[128], message[128];
		snprintf(text, sizeof(text), "[appliance]\nname=a\ntimeslice = %s\n", bad[i]);
		snprintf(message, sizeof(message),
		         "line 3: bad timeslice '%s' (a number of us or ms, 100us..1000ms)",
		         bad[i]);
		expect_error(text, message);
	}
}

static void test_missing_required(void **state)
{
	(void)state;
	expect_error("", "missing [appliance] section");
	expect_error("# only a comment\n", "missing [appliance] section");
	expect_error("[appliance]\nselftest=probe\n", "[appliance]: missing 'name'");
	expect_error("[appliance]\nname=a\n[container web]\nmemory=1M\n",
	             "container 'web': missing 'image'");
	expect_error("[appliance]\nname=a\n[container web]\nimage=i\n",
	             "container 'web': missing 'memory'");
}

static void test_bytes_and_line_length(void **state)
{
	(void)state;
	static const char nul[] = "[appliance]\nname=a\0b\n";
	strcpy(err, "untouched");
	assert_false(config_parse(nul, sizeof(nul) - 1, &cfg, err, sizeof(err)));
	assert_string_equal(err, "line 2: NUL byte");
	expect_error("[appliance]\nname=a\x01\n", "line 2: control character");
	expect_error("[appliance]\nname=a\rb\n", "line 2: control character");

	/* 2048 characters is the longest line, comments included. */
	char text[4096];
	int n = snprintf(text, sizeof(text), "[appliance]\nname=a\n#");
	memset(text + n, 'c', 2047);
	text[n + 2047] = '\0';
	expect_ok(text);
	text[n + 2047] = 'c';
	text[n + 2048] = '\n';
	text[n + 2049] = '\0';
	expect_error(text, "line 3: longer than 2048 characters");
}

static void test_comments(void **state)
{
	(void)state;
	expect_ok("[appliance] # the appliance\nname=a # c\n  # indented comment\n"
	          "[container c]\t# a container\nimage=i\nmemory=1M\ncommand=echo a#b #c\n");
	assert_string_equal(cfg.name, "a");
	assert_string_equal(cfg.containers[0].command, "echo a#b");
	expect_ok("[appliance]\nname=a\n[container c]\nimage=i\nmemory=1M\ncommand=#x\n");
	assert_string_equal(cfg.containers[0].command, "#x");
	expect_error("[appliance]\nname=a\n[container c]\nimage=i#x\nmemory=1M #\n#\n"
	             "command= #only a comment\n",
	             "line 7: empty value for 'command'");
	assert_string_equal(cfg.containers[0].image, "i#x");
}

static void test_error_message_truncation(void **state)
{
	(void)state;
	char small[12];
	const char text[] = "[appliance]\nfoo=1\n";
	assert_false(config_parse(text, sizeof(text) - 1, &cfg, small, sizeof(small)));
	assert_string_equal(small, "line 2: unk");
	/* Long quoted values are clipped so the cause stays readable. */
	char line[600];
	int n = snprintf(line, sizeof(line), "[appliance]\n");
	memset(line + n, 'k', 100);
	snprintf(line + n + 100, sizeof(line) - (size_t)n - 100, "=1\n");
	expect_error(line,
	             "line 2: unknown key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...'");
}

static void test_vm_sections(void **state)
{
	(void)state;
	expect_ok("[appliance]\nname=a\n"
	          "[vm linux]\n"
	          "kernel = /solo/bzImage\n"
	          "initrd = \\solo\\initrd.img   # optional\n"
	          "cmdline = console=ttyS0,115200 quiet root=/dev/ram0\n"
	          "memory = 256M\n"
	          "vcpus = 2\n"
	          "[vm min]\n"
	          "memory=64M\n"
	          "kernel=\\K\n"
	          "[container web]\nimage=i\nmemory=1M\n");
	assert_int_equal(cfg.vm_count, 2);
	assert_int_equal(cfg.container_count, 1);
	const struct config_vm *vm = &cfg.vms[0];
	assert_string_equal(vm->name, "linux");
	assert_string_equal(vm->kernel, "\\solo\\bzImage");
	assert_string_equal(vm->initrd, "\\solo\\initrd.img");
	assert_string_equal(vm->cmdline, "console=ttyS0,115200 quiet root=/dev/ram0");
	assert_int_equal(vm->memory, 256ULL << 20);
	assert_int_equal(vm->vcpus, 2);
	const struct config_vm *min = &cfg.vms[1];
	assert_string_equal(min->name, "min");
	assert_string_equal(min->kernel, "\\K");
	assert_string_equal(min->initrd, "");
	assert_string_equal(min->cmdline, "");
	assert_int_equal(min->vcpus, 1);
}

static void test_vm_errors(void **state)
{
	(void)state;
	const char *head = "[appliance]\nname=a\n[vm v]\nkernel=/k\nmemory=1M\n";
	char text[4096];
#define WITH(line) (snprintf(text, sizeof(text), "%s%s\n", head, line), text)
	expect_error("[appliance]\nname=a\n[vm v]\nmemory=1M\n", "vm 'v': missing 'kernel'");
	expect_error("[appliance]\nname=a\n[vm v]\nkernel=/k\n", "vm 'v': missing 'memory'");
	expect_error(WITH("image = x"), "line 6: unknown key 'image'");
	expect_error(WITH("kernel = /k2"), "line 6: duplicate key 'kernel'");
	expect_error(WITH("vcpus = 65"), "line 6: vcpus must be a number from 1 to 64, not '65'");
	expect_error(WITH("memory = 2M"), "line 6: duplicate key 'memory'");
	expect_error("[appliance]\nname=a\n[vm v]\nkernel=/k\nmemory=65G\n",
	             "line 5: memory size '65G' outside 1M..64G");

	static const char *const bad_paths[] = {
	    "solo/bzImage",  "/solo//bzImage", "/solo/",    "/",
	    "\\solo\\..\\x", "/./x",           "/solo/a:b", "/a*",
	    "/a?",           "/a|b",           "/a<b>",     "/\"q\"",
	};
	for (size_t i = 0; i < sizeof(bad_paths) / sizeof(bad_paths[0]); i++) {
		char line[64], message[160];
		snprintf(line, sizeof(line), "initrd = %s", bad_paths[i]);
		snprintf(message, sizeof(message),
		         "line 6: 'initrd' must be an ESP path like \\solo\\bzImage, not '%s'",
		         bad_paths[i]);
		expect_error(WITH(line), message);
	}
	/* Dots inside names are fine; so is a mix of separators. */
	expect_ok(WITH("initrd = /solo\\a.b/..c/.d"));
	assert_string_equal(cfg.vms[0].initrd, "\\solo\\a.b\\..c\\.d");

	/* Path length: 127 characters, the handoff name without its NUL. */
	char line[256];
	int n = snprintf(line, sizeof(line), "kernel=/");
	memset(line + n, 'k', 126);
	line[n + 126] = '\0';
	snprintf(text, sizeof(text), "[appliance]\nname=a\n[vm v]\nmemory=1M\n%s\n", line);
	expect_ok(text);
	assert_int_equal(strlen(cfg.vms[0].kernel), 127);
	line[n + 126] = 'k';
	line[n + 127] = '\0';
	snprintf(text, sizeof(text), "[appliance]\nname=a\n[vm v]\nmemory=1M\n%s\n", line);
	expect_error(text, "line 5: 'kernel' longer than 127 characters");

	/* cmdline: up to 1023 characters, which the line limit leaves room for. */
	static char big[2200];
	n = snprintf(big, sizeof(big), "%scmdline = ", head);
	memset(big + n, 'c', 1023);
	big[n + 1023] = '\0';
	expect_ok(big);
	assert_int_equal(strlen(cfg.vms[0].cmdline), 1023);
	big[n + 1023] = 'c';
	big[n + 1024] = '\0';
	expect_error(big, "line 6: 'cmdline' longer than 1023 characters");
#undef WITH
}

static void test_vm_and_container_names_shared(void **state)
{
	(void)state;
	expect_error("[appliance]\nname=a\n[container x]\nimage=i\nmemory=1M\n[vm x]\n",
	             "line 6: name 'x' already used by a container");
	expect_error("[appliance]\nname=a\n[vm x]\nkernel=/k\nmemory=1M\n[container x]\n",
	             "line 6: name 'x' already used by a vm");
	expect_error("[appliance]\nname=a\n[vm x]\nkernel=/k\nmemory=1M\n[vm x]\n",
	             "line 6: duplicate vm 'x'");
	expect_error("[appliance]\nname=a\n[vm X]\n",
	             "line 3: bad vm name 'X' (a-z, 0-9, _ and -, up to 31 characters)");
	expect_error("[appliance]\nname=a\n[vm]\n", "line 3: unknown section '[vm]'");
	expect_error("[appliance]\nname=a\n[vmx y]\n", "line 3: unknown section '[vmx y]'");

	char text[4096];
	int n = snprintf(text, sizeof(text), "[appliance]\nname=a\n");
	for (int i = 0; i < CONFIG_MAX_VMS; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n,
		              "[vm v%d]\nkernel=/k\nmemory=1M\n", i);
	expect_ok(text);
	assert_int_equal(cfg.vm_count, 16);
	snprintf(text + n, sizeof(text) - (size_t)n, "[vm extra]\n");
	expect_error(text, "line 51: more than 16 vms");
}

static void test_stop_timeout(void **state)
{
	(void)state;
	expect_ok("[appliance]\nname=a\n[container c]\nimage=i\nmemory=1M\n"
	          "[vm v]\nkernel=/k\nmemory=1M\nstop_timeout=30\n");
	assert_int_equal(cfg.containers[0].stop_timeout_s, 10);
	assert_int_equal(cfg.vms[0].stop_timeout_s, 30);
	expect_error("[appliance]\nname=a\n[container c]\nimage=i\nmemory=1M\nstop_timeout=3601\n",
	             "line 6: stop_timeout must be a number of seconds from 0 to 3600, not '3601'");
	expect_error("[appliance]\nname=a\n[vm v]\nkernel=/k\nmemory=1M\nstop_timeout=10s\n",
	             "line 6: stop_timeout must be a number of seconds from 0 to 3600, not '10s'");
	expect_error("[appliance]\nname=a\nstop_timeout=5\n", "line 3: unknown key 'stop_timeout'");
}

static void test_container_as_vm(void **state)
{
	(void)state;
	expect_ok("[appliance]\nname = a\n"
	          "[container web-1]\nimage = oci:x\nmemory = 48M\nvcpus = 2\n");
	struct config_vm vm;
	memset(&vm, 0x5a, sizeof(vm));
	config_container_vm(&cfg.containers[0], &vm);
	assert_string_equal(vm.name, "web-1");
	assert_string_equal(vm.kernel, "\\solo\\bzImage");
	assert_string_equal(vm.initrd, "\\solo\\containers\\web-1.cpio");
	assert_string_equal(vm.cmdline,
	                    "console=ttyS0,115200 quiet rdinit=/.solo/init SOLO_STOP_GRACE=10");
	assert_int_equal(vm.memory, 48ULL << 20);
	assert_int_equal(vm.vcpus, 2);
	assert_int_equal(vm.stop_timeout_s, 10);
	/* The stop timeout reaches the guest init as its grace period. */
	const unsigned timeouts[] = {0, 7, 3600};
	for (unsigned i = 0; i < 3; i++) {
		char text[160], want[32];
		snprintf(text, sizeof(text),
		         "[appliance]\nname = a\n[container c]\nimage = oci:x\nmemory = 1M\n"
		         "stop_timeout = %u\n",
		         timeouts[i]);
		expect_ok(text);
		config_container_vm(&cfg.containers[0], &vm);
		snprintf(want, sizeof(want), " SOLO_STOP_GRACE=%u", timeouts[i]);
		assert_non_null(strstr(vm.cmdline, want));
		assert_string_equal(strstr(vm.cmdline, want), want);
		assert_int_equal(vm.stop_timeout_s, timeouts[i]);
	}
	/* The longest name still fits the path. */
	expect_ok("[appliance]\nname = a\n"
	          "[container abcdefghijklmnopqrstuvwxyz01234]\nimage = oci:x\nmemory = 1M\n");
	config_container_vm(&cfg.containers[0], &vm);
	assert_string_equal(vm.initrd, "\\solo\\containers\\abcdefghijklmnopqrstuvwxyz01234.cpio");
}

/* ---- networks ------------------------------------------------------------ */

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static uint64_t fnv1a_64(const char *text)
{
	uint64_t hash = 0xcbf29ce484222325ULL;
	for (const char *c = text; *c; c++)
		hash = (hash ^ (uint8_t)*c) * 0x100000001b3ULL;
	return hash;
}

/* The derived MAC, computed here independently of the parser: 02, then
 * the low five bytes of FNV-1a-64("APPLIANCE/PARTITION/INDEX"), most
 * significant first. */
static void expected_mac(const char *appliance, const char *partition, unsigned index,
                         uint8_t mac[6])
{
	char text[128];
	snprintf(text, sizeof(text), "%s/%s/%u", appliance, partition, index);
	uint64_t hash = fnv1a_64(text);
	mac[0] = 0x02;
	for (int i = 1; i < 6; i++)
		mac[i] = (uint8_t)(hash >> (40 - 8 * i));
}

static void format_mac(const uint8_t mac[6], char text[18])
{
	snprintf(text, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
	         mac[5]);
}

static const char networks[] = "[appliance]\n"
                               "name = edge\n"
                               "[container web]\n"
                               "image = i\n"
                               "memory = 1M\n"
                               "network = lan 10.77.0.10\n"
                               "network = wan  dhcp\t02:AA:bb:cc:dd:ee  # given\n"
                               "[network lan]\n"
                               "dns = 10.77.0.53\n"
                               "subnet = 10.77.0.0/24\n"
                               "dns = 1.1.1.1\n"
                               "[vm router]\n"
                               "kernel = /k\n"
                               "memory = 1M\n"
                               "network = lan\n"
                               "network = wan auto\n"
                               "[network wan]\n"
                               "subnet = 192.168.8.0/22\n"
                               "uplink = nic1\n"
                               "[container db]\n"
                               "image = i\n"
                               "memory = 1M\n"
                               "network = lan auto\n";

static void test_networks(void **state)
{
	(void)state;
	/* The reference hash itself, against FNV's published test vectors. */
	assert_true(fnv1a_64("") == 0xcbf29ce484222325ULL);
	assert_true(fnv1a_64("a") == 0xaf63dc4c8601ec8cULL);
	assert_true(fnv1a_64("foobar") == 0x85944171f73967e8ULL);
	expect_ok(networks);
	assert_int_equal(cfg.network_count, 2);
	const struct config_network *lan = &cfg.networks[0], *wan = &cfg.networks[1];
	assert_string_equal(lan->name, "lan");
	assert_int_equal(lan->subnet, IP(10, 77, 0, 0));
	assert_int_equal(lan->prefix, 24);
	assert_int_equal(lan->gateway, 0); /* internal: no default route */
	assert_int_equal(lan->dns_count, 2);
	assert_int_equal(lan->dns[0], IP(10, 77, 0, 53));
	assert_int_equal(lan->dns[1], IP(1, 1, 1, 1));
	assert_int_equal(lan->uplink, -1);
	assert_int_equal(lan->mtu, 9000); /* internal: jumbo frames */
	assert_string_equal(wan->name, "wan");
	assert_int_equal(wan->subnet, IP(192, 168, 8, 0));
	assert_int_equal(wan->prefix, 22);
	assert_int_equal(wan->gateway, IP(192, 168, 8, 1)); /* uplinked: first host */
	assert_int_equal(wan->dns_count, 0);
	assert_int_equal(wan->uplink, 1);
	assert_int_equal(wan->mtu, 1500); /* uplinked: the wire's */

	const struct config_container *web = &cfg.containers[0];
	assert_int_equal(web->nic_count, 2);
	assert_int_equal(web->nics[0].network, 0);
	assert_int_equal(web->nics[0].mode, CONFIG_NIC_STATIC);
	assert_int_equal(web->nics[0].address, IP(10, 77, 0, 10));
	assert_false(web->nics[0].mac_given);
	uint8_t mac[6];
	expected_mac("edge", "web", 0, mac);
	assert_memory_equal(web->nics[0].mac, mac, 6);
	assert_int_equal(web->nics[1].network, 1);
	assert_int_equal(web->nics[1].mode, CONFIG_NIC_DHCP);
	assert_int_equal(web->nics[1].address, 0);
	assert_true(web->nics[1].mac_given);
	assert_memory_equal(web->nics[1].mac, ((uint8_t[]){2, 0xaa, 0xbb, 0xcc, 0xdd, 0xee}), 6);

	/* Automatic addresses in section order: the vm before the second
	 * container; wan's skip its default gateway. */
	const struct config_vm *router = &cfg.vms[0];
	assert_int_equal(router->nic_count, 2);
	assert_int_equal(router->nics[0].network, 0);
	assert_int_equal(router->nics[0].mode, CONFIG_NIC_AUTO);
	assert_int_equal(router->nics[0].address, IP(10, 77, 0, 1));
	assert_int_equal(router->nics[1].network, 1);
	assert_int_equal(router->nics[1].address, IP(192, 168, 8, 2));
	expected_mac("edge", "router", 1, mac);
	assert_memory_equal(router->nics[1].mac, mac, 6);
	const struct config_container *db = &cfg.containers[1];
	assert_int_equal(db->nic_count, 1);
	assert_int_equal(db->nics[0].mode, CONFIG_NIC_AUTO);
	assert_int_equal(db->nics[0].address, IP(10, 77, 0, 2));
	expected_mac("edge", "db", 0, mac);
	assert_memory_equal(db->nics[0].mac, mac, 6);

	/* Derived MACs: unicast, locally administered, different for each
	 * partition and interface, and the same on every parse. */
	uint8_t web0[6], router0[6];
	memcpy(web0, cfg.containers[0].nics[0].mac, 6);
	memcpy(router0, cfg.vms[0].nics[0].mac, 6);
	assert_int_equal(web0[0], 0x02);
	assert_memory_not_equal(web0, router0, 6);
	assert_memory_not_equal(web0, db->nics[0].mac, 6);
	assert_memory_not_equal(router0, cfg.vms[0].nics[1].mac, 6);
	expect_ok(networks);
	assert_memory_equal(cfg.containers[0].nics[0].mac, web0, 6);
	assert_memory_equal(cfg.vms[0].nics[0].mac, router0, 6);
}

static void test_network_defaults_and_forms(void **state)
{
	(void)state;
	/* An explicit gateway wins over the uplink's default; a MAC may
	 * follow the name alone; network names have their own namespace. */
	expect_ok("[appliance]\nname=a\n"
	          "[network web]\nsubnet=172.16.0.0/12\ngateway=172.31.255.254\nuplink=nic3\n"
	          "[container web]\nimage=i\nmemory=1M\nnetwork=web 02:00:00:00:00:01\n"
	          "[network min]\nsubnet=10.0.0.0/30\n"
	          "[vm v]\nkernel=/k\nmemory=1M\nnetwork=min\nnetwork=min\n");
	assert_int_equal(cfg.networks[0].gateway, IP(172, 31, 255, 254));
	assert_int_equal(cfg.networks[0].uplink, 3);
	assert_int_equal(cfg.containers[0].nics[0].mode, CONFIG_NIC_AUTO);
	assert_int_equal(cfg.containers[0].nics[0].address, IP(172, 16, 0, 1));
	assert_true(cfg.containers[0].nics[0].mac_given);
	assert_memory_equal(cfg.containers[0].nics[0].mac, ((uint8_t[]){2, 0, 0, 0, 0, 1}), 6);
	/* A /30 has two host addresses, both used. */
	assert_int_equal(cfg.vms[0].nics[0].address, IP(10, 0, 0, 1));
	assert_int_equal(cfg.vms[0].nics[1].address, IP(10, 0, 0, 2));
	/* A partition without interfaces has none; DNS may be anywhere. */
	expect_ok("[appliance]\nname=a\n[container c]\nimage=i\nmemory=1M\n"
	          "[network n]\nsubnet=10.0.0.0/8\ndns=0.0.0.0\ndns=255.255.255.255\n");
	assert_int_equal(cfg.containers[0].nic_count, 0);
	assert_int_equal(cfg.networks[0].dns[1], IP(255, 255, 255, 255));
	/* Four interfaces, the most. */
	expect_ok("[appliance]\nname=a\n[network n]\nsubnet=10.0.0.0/24\n"
	          "[container c]\nimage=i\nmemory=1M\n"
	          "network=n\nnetwork=n\nnetwork=n\nnetwork=n 10.0.0.1\n");
	assert_int_equal(cfg.containers[0].nic_count, 4);
	assert_int_equal(cfg.containers[0].nics[0].address, IP(10, 0, 0, 2));
	assert_int_equal(cfg.containers[0].nics[2].address, IP(10, 0, 0, 4));
}

/* Automatic addresses skip the gateway, DNS addresses and static
 * addresses (also those given later in the file), in section order
 * across containers and vms. */
static void test_auto_addresses(void **state)
{
	(void)state;
	expect_ok("[appliance]\nname=a\n"
	          "[network lan]\nsubnet=10.0.0.0/24\ngateway=10.0.0.1\ndns=10.0.0.2\n"
	          "[vm v1]\nkernel=/k\nmemory=1M\nnetwork=lan\n"
	          "[container c1]\nimage=i\nmemory=1M\nnetwork=lan\n"
	          "[container c2]\nimage=i\nmemory=1M\nnetwork=lan 10.0.0.4\n"
	          "[vm v2]\nkernel=/k\nmemory=1M\nnetwork=lan auto\nnetwork=lan 10.0.0.7\n"
	          "[container c3]\nimage=i\nmemory=1M\nnetwork=lan\nnetwork=lan\n");
	assert_int_equal(cfg.vms[0].nics[0].address, IP(10, 0, 0, 3));
	assert_int_equal(cfg.containers[0].nics[0].address, IP(10, 0, 0, 5));
	assert_int_equal(cfg.containers[1].nics[0].address, IP(10, 0, 0, 4));
	assert_int_equal(cfg.vms[1].nics[0].address, IP(10, 0, 0, 6));
	assert_int_equal(cfg.containers[2].nics[0].address, IP(10, 0, 0, 8));
	assert_int_equal(cfg.containers[2].nics[1].address, IP(10, 0, 0, 9));
	/* Each network counts on its own. */
	expect_ok("[appliance]\nname=a\n"
	          "[network a]\nsubnet=10.1.0.0/16\n[network b]\nsubnet=10.2.0.0/16\n"
	          "[container c1]\nimage=i\nmemory=1M\nnetwork=a\nnetwork=b\n"
	          "[container c2]\nimage=i\nmemory=1M\nnetwork=b\nnetwork=a\n");
	assert_int_equal(cfg.containers[0].nics[0].address, IP(10, 1, 0, 1));
	assert_int_equal(cfg.containers[0].nics[1].address, IP(10, 2, 0, 1));
	assert_int_equal(cfg.containers[1].nics[0].address, IP(10, 2, 0, 2));
	assert_int_equal(cfg.containers[1].nics[1].address, IP(10, 1, 0, 2));
}

static void test_network_section_errors(void **state)
{
	(void)state;
	const char *head = "[appliance]\nname=a\n[network n]\nsubnet=10.0.0.0/24\n";
	char text[4096];
#define WITH(line) (snprintf(text, sizeof(text), "%s%s\n", head, line), text)
	expect_error("[appliance]\nname=a\n[network LAN]\n",
	             "line 3: bad network name 'LAN' (a-z, 0-9, _ and -, up to 31 characters)");
	expect_error("[appliance]\nname=a\n[networklan]\n",
	             "line 3: unknown section '[networklan]'");
	expect_error(WITH("[network n]"), "line 5: duplicate network 'n'");
	expect_error(WITH("image = i"), "line 5: unknown key 'image'");
	expect_error(WITH("subnet = 10.0.0.0/24"), "line 5: duplicate key 'subnet'");
	expect_error(WITH("uplink = nic0\nuplink = nic1"), "line 6: duplicate key 'uplink'");
	expect_error(WITH("gateway = 10.0.0.1\ngateway = 10.0.0.2"),
	             "line 6: duplicate key 'gateway'");
	expect_error("[appliance]\nname=a\n[network n]\ndns=1.1.1.1\n",
	             "network 'n': missing 'subnet'");
	/* mtu: given, at its bounds, and out of them. */
	expect_ok(WITH("mtu = 68"));
	assert_int_equal(cfg.networks[0].mtu, 68);
	expect_ok(WITH("mtu = 9000\nuplink = nic0"));
	assert_int_equal(cfg.networks[0].mtu, 9000);
	expect_error(WITH("mtu = 67"),
	             "line 5: mtu must be a number of bytes from 68 to 9000, not '67'");
	expect_error(WITH("mtu = 9001"),
	             "line 5: mtu must be a number of bytes from 68 to 9000, not '9001'");
	expect_error(WITH("mtu = 1500\nmtu = 1500"), "line 6: duplicate key 'mtu'");

	static const char *const bad_subnets[] = {
	    "10.0.0.0",      "10.0.0.0/7",     "10.0.0.0/31",   "10.0.0.0/32",
	    "10.0.0/24",     "10.0.0.256/24",  "010.0.0.0/24",  "10.0.0.0/24x",
	    "/24",           "10.0.0.0/",      "10.0.0.0.0/24", "10.0.0.0/+24",
	    "10.0.0.0 / 24", "10.0.0.0/24/24", "a.b.c.d/24",    "1000.0.0.0/8",
	};
	for (size_t i = 0; i < sizeof(bad_subnets) / sizeof(bad_subnets[0]); i++) {
		char message[160];
		snprintf(text, sizeof(text), "[appliance]\nname=a\n[network n]\nsubnet = %s\n",
		         bad_subnets[i]);
		snprintf(message, sizeof(message),
		         "line 4: subnet must be A.B.C.D/P with P from 8 to 30, not '%s'",
		         bad_subnets[i]);
		expect_error(text, message);
	}
	expect_error(
	    "[appliance]\nname=a\n[network n]\nsubnet = 10.77.0.1/24\n",
	    "line 4: subnet '10.77.0.1/24' has host bits set: the network is 10.77.0.0/24");
	expect_error("[appliance]\nname=a\n[network n]\nsubnet = 10.0.0.4/29\n",
	             "line 4: subnet '10.0.0.4/29' has host bits set: the network is 10.0.0.0/29");
	expect_ok("[appliance]\nname=a\n[network n]\nsubnet = 10.0.0.8/29\n");
	expect_ok("[appliance]\nname=a\n[network n]\nsubnet = 10.0.0.0/8\n");

	expect_error(WITH("gateway = 10.0.0.1.1"),
	             "line 5: gateway must be an IPv4 address, not '10.0.0.1.1'");
	expect_error(WITH("gateway = 10.0.0.01"),
	             "line 5: gateway must be an IPv4 address, not '10.0.0.01'");
	/* The gateway is checked once the section is complete. */
	expect_error("[appliance]\nname=a\n[network n]\ngateway=10.0.1.1\nsubnet=10.0.0.0/24\n",
	             "network 'n': gateway 10.0.1.1 outside 10.0.0.0/24");
	expect_error(WITH("gateway = 10.0.0.0"),
	             "network 'n': gateway 10.0.0.0 is the network address of 10.0.0.0/24");
	expect_error(WITH("gateway = 10.0.0.255"),
	             "network 'n': gateway 10.0.0.255 is the broadcast address of 10.0.0.0/24");
	expect_error(WITH("gateway = 0.0.0.0"), "network 'n': gateway 0.0.0.0 outside 10.0.0.0/24");

	expect_error(WITH("dns = 8.8.8"), "line 5: dns must be an IPv4 address, not '8.8.8'");
	expect_error(WITH("dns = 8.8.8.8\ndns = 8.8.8.8"), "line 6: dns '8.8.8.8' listed twice");
	expect_error(WITH("dns = 1.1.1.1\ndns = 1.1.1.2\ndns = 1.1.1.3\ndns = 1.1.1.4"),
	             "line 8: more than 3 dns entries");

	static const char *const bad_uplinks[] = {"eth0", "nic4",  "nic", "nic01",
	                                          "NIC0", "nic-1", "0"};
	for (size_t i = 0; i < sizeof(bad_uplinks) / sizeof(bad_uplinks[0]); i++) {
		char line[64], message[160];
		snprintf(line, sizeof(line), "uplink = %s", bad_uplinks[i]);
		snprintf(message, sizeof(message), "line 5: uplink must be nic0 to nic3, not '%s'",
		         bad_uplinks[i]);
		expect_error(WITH(line), message);
	}
	expect_error(WITH("uplink = nic2\n[network m]\nsubnet=10.1.0.0/24\nuplink = nic2"),
	             "line 8: 'nic2' is already the uplink of network 'n'");

	snprintf(text, sizeof(text), "[appliance]\nname=a\n");
	for (int i = 0; i < CONFIG_MAX_NETWORKS; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
		         "[network n%d]\nsubnet=10.%d.0.0/16\n", i, i);
	expect_ok(text);
	assert_int_equal(cfg.network_count, 8);
	assert_string_equal(cfg.networks[7].name, "n7");
	snprintf(text + strlen(text), sizeof(text) - strlen(text), "[network extra]\n");
	expect_error(text, "line 19: more than 8 networks");
#undef WITH
}

static void test_interface_errors(void **state)
{
	(void)state;
	const char *head = "[appliance]\nname=a\n[network n]\nsubnet=10.0.0.0/24\n"
	                   "[container c]\nimage=i\nmemory=1M\n";
	char text[4096];
#define WITH(line) (snprintf(text, sizeof(text), "%s%s\n", head, line), text)
	expect_error(WITH("network = n\nnetwork = n\nnetwork = n\nnetwork = n\nnetwork = n"),
	             "line 12: more than 4 network interfaces");
	expect_error(WITH("network = n 10.0.0.5 02:00:00:00:00:01 x"),
	             "line 8: network must be NAME [ADDRESS|auto|dhcp] [MAC], not 'n 10.0.0.5 "
	             "02:00:00:00:00:01 x'");
	expect_error(WITH("network = N"),
	             "line 8: bad network name 'N' (a-z, 0-9, _ and -, up to 31 characters)");
	expect_error(WITH("network = n,auto"),
	             "line 8: bad network name 'n,auto' (a-z, 0-9, _ and -, up to 31 characters)");
	static const char *const bad_addresses[] = {
	    "10.0.0", "static", "AUTO", "10.0.0.5/24", "02:00:00:00:00:01 auto", "10.0.0.256"};
	for (size_t i = 0; i < sizeof(bad_addresses) / sizeof(bad_addresses[0]); i++) {
		char line[64], message[160], token[32];
		snprintf(line, sizeof(line), "network = n %s", bad_addresses[i]);
		sscanf(bad_addresses[i], "%31s", token);
		snprintf(message, sizeof(message),
		         "line 8: bad address '%s' (an IPv4 address, auto or dhcp)", token);
		expect_error(WITH(line), message);
	}
	static const char *const bad_macs[] = {"02:00:00:00:00",     "02-00-00-00-00-01",
	                                       "02:00:00:00:00:0g",  "2:00:00:00:00:001",
	                                       "02:00:00:00:00:01:", "0200:00:00:00:01"};
	for (size_t i = 0; i < sizeof(bad_macs) / sizeof(bad_macs[0]); i++) {
		char line[64], message[160];
		snprintf(line, sizeof(line), "network = n auto %s", bad_macs[i]);
		snprintf(message, sizeof(message),
		         "line 8: bad MAC '%s' (six hex pairs with ':', like 02:00:00:00:00:01)",
		         bad_macs[i]);
		expect_error(WITH(line), message);
	}
	/* Two words: a MAC (it has ':') after the name. */
	expect_error(WITH("network = n 02:00:00:00:00"),
	             "line 8: bad MAC '02:00:00:00:00' (six hex pairs with ':', like "
	             "02:00:00:00:00:01)");
	expect_error(WITH("network = n 01:00:5e:00:00:01"),
	             "line 8: MAC '01:00:5e:00:00:01' is multicast");
	expect_error(WITH("network = n dhcp ff:ff:ff:ff:ff:ff"),
	             "line 8: MAC 'ff:ff:ff:ff:ff:ff' is multicast");
	expect_error(WITH("network = n 10.0.0.9 00:00:00:00:00:00"),
	             "line 8: MAC '00:00:00:00:00:00' is all zero");
	expect_error("[appliance]\nname=a\n[network n]\nsubnet=10.0.0.0/24\nnetwork = n\n",
	             "line 5: unknown key 'network'");
	expect_error("[appliance]\nname=a\nnetwork = n\n", "line 3: unknown key 'network'");
#undef WITH
}

static void test_interface_resolution_errors(void **state)
{
	(void)state;
	const char *lan = "[appliance]\nname=a\n"
	                  "[network lan]\nsubnet=10.0.0.0/24\ngateway=10.0.0.1\ndns=10.0.0.53\n";
	char text[4096];
#define WITH(lines) (snprintf(text, sizeof(text), "%s%s\n", lan, lines), text)
	expect_error(WITH("[container web]\nimage=i\nmemory=1M\nnetwork=lam\n"),
	             "container 'web': no [network lam]");
	expect_error(WITH("[vm x]\nkernel=/k\nmemory=1M\nnetwork=lan\nnetwork=wan 10.0.0.9\n"),
	             "vm 'x': no [network wan]");
	expect_error(WITH("[container web]\nimage=i\nmemory=1M\nnetwork=lan dhcp\n"),
	             "container 'web': dhcp on network 'lan', which has no uplink");
	expect_ok(WITH("[container web]\nimage=i\nmemory=1M\nnetwork=wan dhcp\n"
	               "[network wan]\nsubnet=192.168.0.0/16\nuplink=nic0\n"));
	assert_int_equal(cfg.containers[0].nics[0].mode, CONFIG_NIC_DHCP);

	expect_error(WITH("[container web]\nimage=i\nmemory=1M\nnetwork=lan 10.0.1.5\n"),
	             "container 'web': address 10.0.1.5 outside network 'lan' (10.0.0.0/24)");
	expect_error(WITH("[container web]\nimage=i\nmemory=1M\nnetwork=lan 10.0.0.0\n"),
	             "container 'web': address 10.0.0.0 is the network address of network 'lan'");
	expect_error(WITH("[vm web]\nkernel=/k\nmemory=1M\nnetwork=lan 10.0.0.255\n"),
	             "vm 'web': address 10.0.0.255 is the broadcast address of network 'lan'");
	expect_error(WITH("[container web]\nimage=i\nmemory=1M\nnetwork=lan 10.0.0.1\n"),
	             "container 'web': address 10.0.0.1 is the gateway of network 'lan'");
	expect_error(WITH("[container web]\nimage=i\nmemory=1M\nnetwork=lan 10.0.0.53\n"),
	             "container 'web': address 10.0.0.53 is a dns address of network 'lan'");
	/* The default gateway of an uplinked network is taken too. */
	expect_error("[appliance]\nname=a\n[container web]\nimage=i\nmemory=1M\n"
	             "network=wan 172.16.0.1\n[network wan]\nsubnet=172.16.0.0/24\nuplink=nic0\n",
	             "container 'web': address 172.16.0.1 is the gateway of network 'wan'");
	expect_error(WITH("[container web]\nimage=i\nmemory=1M\nnetwork=lan 10.0.0.5\n"
	                  "[vm db]\nkernel=/k\nmemory=1M\nnetwork=lan 10.0.0.5\n"),
	             "vm 'db': address 10.0.0.5 on network 'lan' already used by container 'web'");
	expect_error(WITH("[container web]\nimage=i\nmemory=1M\nnetwork=lan 10.0.0.5\n"
	                  "network=lan 10.0.0.5\n"),
	             "container 'web': address 10.0.0.5 on network 'lan' already used by "
	             "container 'web'");
	/* The same address on two networks is fine. */
	expect_ok(WITH("[container web]\nimage=i\nmemory=1M\nnetwork=lan 10.0.0.5\n"
	               "network=other 10.0.0.5\n[network other]\nsubnet=10.0.0.0/16\n"));

	/* A /30 has two host addresses; the gateway takes one. */
	expect_error("[appliance]\nname=a\n[network p2p]\nsubnet=10.9.0.0/30\ngateway=10.9.0.2\n"
	             "[container a]\nimage=i\nmemory=1M\nnetwork=p2p\n"
	             "[vm x]\nkernel=/k\nmemory=1M\nnetwork=p2p\n",
	             "vm 'x': network 'p2p' has no free address left");
	expect_error("[appliance]\nname=a\n[network p2p]\nsubnet=10.9.0.0/30\n"
	             "[container a]\nimage=i\nmemory=1M\nnetwork=p2p 10.9.0.2\nnetwork=p2p\n"
	             "[container b]\nimage=i\nmemory=1M\nnetwork=p2p\n",
	             "container 'b': network 'p2p' has no free address left");

	/* MACs are unique across the appliance, given or derived. */
	expect_error(WITH("[container web]\nimage=i\nmemory=1M\nnetwork=lan 02:00:00:00:00:01\n"
	                  "[network other]\nsubnet=10.1.0.0/16\n"
	                  "[vm db]\nkernel=/k\nmemory=1M\nnetwork=other auto 02:00:00:00:00:01\n"),
	             "vm 'db': MAC 02:00:00:00:00:01 already used by container 'web'");
	uint8_t mac[6];
	char mac_text[18], lines[256], message[128];
	expected_mac("a", "web", 1, mac);
	format_mac(mac, mac_text);
	snprintf(lines, sizeof(lines),
	         "[container web]\nimage=i\nmemory=1M\nnetwork=lan\nnetwork=lan\n"
	         "[container db]\nimage=i\nmemory=1M\nnetwork=lan auto %s\n",
	         mac_text);
	snprintf(message, sizeof(message), "container 'db': MAC %s already used by container 'web'",
	         mac_text);
	expect_error(WITH(lines), message);
#undef WITH
}

/* Interfaces may name networks whose sections come later, but no more
 * distinct ones than there can be sections: names repeated in many
 * partitions take one entry, and each interface gets its own network. */
static void test_interface_network_names(void **state)
{
	(void)state;
	static char text[8192];
	int n = snprintf(text, sizeof(text), "[appliance]\nname=a\n");
	for (int i = 0; i < 20; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n,
		              "[container c%d]\nimage=i\nmemory=1M\nnetwork=n%d\nnetwork=n%d\n", i,
		              i % CONFIG_MAX_NETWORKS, (i + 3) % CONFIG_MAX_NETWORKS);
	int sections = n;
	for (int i = CONFIG_MAX_NETWORKS - 1; i >= 0; i--)
		n += snprintf(text + n, sizeof(text) - (size_t)n,
		              "[network n%d]\nsubnet=10.%d.0.0/16\n", i, i);
	expect_ok(text);
	for (uint32_t i = 0; i < 20; i++) {
		const struct config_nic *nics = cfg.containers[i].nics;
		char want[2][8];
		snprintf(want[0], sizeof(want[0]), "n%u", i % 8);
		snprintf(want[1], sizeof(want[1]), "n%u", (i + 3) % 8);
		/* Sections n7..n0 in that order: nK is networks[7 - K]. */
		assert_int_equal(nics[0].network, 7 - i % 8);
		assert_int_equal(nics[1].network, 7 - (i + 3) % 8);
		assert_string_equal(cfg.networks[nics[0].network].name, want[0]);
		assert_string_equal(cfg.networks[nics[1].network].name, want[1]);
		/* Addresses come from the subnet the name resolved to. */
		assert_int_equal(nics[0].address >> 16, 10u << 8 | i % 8);
	}
	/* A 9th name: line 2 + 20 * 5 + 3 + 1. */
	snprintf(text + sections, sizeof(text) - (size_t)sections,
	         "[container x]\nimage=i\nmemory=1M\nnetwork=n8\n");
	expect_error(text, "line 106: more than 8 networks named by interfaces (at 'n8')");
}

static void test_container_as_vm_with_interfaces(void **state)
{
	(void)state;
	expect_ok("[appliance]\nname = a\n[network lan]\nsubnet = 10.0.0.0/24\n"
	          "[container web]\nimage = oci:x\nmemory = 48M\n"
	          "network = lan\nnetwork = lan 10.0.0.9 02:00:00:00:00:09\n");
	struct config_vm vm;
	memset(&vm, 0x5a, sizeof(vm));
	config_container_vm(&cfg.containers[0], &vm);
	assert_string_equal(vm.cmdline,
	                    "console=ttyS0,115200 quiet rdinit=/.solo/init SOLO_STOP_GRACE=10"
	                    " virtio_mmio.device=4K@0xfeb00000:10"
	                    " virtio_mmio.device=4K@0xfeb01000:11");
	assert_int_equal(vm.nic_count, 2);
	assert_memory_equal(vm.nics, cfg.containers[0].nics, sizeof(vm.nics[0]) * 2);
	assert_int_equal(vm.nics[1].address, IP(10, 0, 0, 9));
	assert_int_equal(vm.nics[0].address, IP(10, 0, 0, 1));

	/* Four interfaces and the longest stop timeout still fit. */
	expect_ok("[appliance]\nname = a\n[network lan]\nsubnet = 10.0.0.0/24\n"
	          "[container web]\nimage = oci:x\nmemory = 48M\nstop_timeout = 3600\n"
	          "network = lan\nnetwork = lan\nnetwork = lan\nnetwork = lan\n");
	config_container_vm(&cfg.containers[0], &vm);
	assert_string_equal(vm.cmdline,
	                    "console=ttyS0,115200 quiet rdinit=/.solo/init SOLO_STOP_GRACE=3600"
	                    " virtio_mmio.device=4K@0xfeb00000:10"
	                    " virtio_mmio.device=4K@0xfeb01000:11"
	                    " virtio_mmio.device=4K@0xfeb02000:12"
	                    " virtio_mmio.device=4K@0xfeb03000:13");
	assert_int_equal(vm.nic_count, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full_config),
	    cmocka_unit_test(test_selftest_file_and_crlf),
	    cmocka_unit_test(test_timeslice),
	    cmocka_unit_test(test_memory_sizes),
	    cmocka_unit_test(test_vcpus_cpus_restart),
	    cmocka_unit_test(test_env),
	    cmocka_unit_test(test_env_pool),
	    cmocka_unit_test(test_overlong_values),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_sections),
	    cmocka_unit_test(test_keys),
	    cmocka_unit_test(test_selftest_values),
	    cmocka_unit_test(test_missing_required),
	    cmocka_unit_test(test_bytes_and_line_length),
	    cmocka_unit_test(test_comments),
	    cmocka_unit_test(test_error_message_truncation),
	    cmocka_unit_test(test_vm_sections),
	    cmocka_unit_test(test_vm_errors),
	    cmocka_unit_test(test_vm_and_container_names_shared),
	    cmocka_unit_test(test_container_as_vm),
	    cmocka_unit_test(test_stop_timeout),
	    cmocka_unit_test(test_networks),
	    cmocka_unit_test(test_network_defaults_and_forms),
	    cmocka_unit_test(test_auto_addresses),
	    cmocka_unit_test(test_network_section_errors),
	    cmocka_unit_test(test_interface_errors),
	    cmocka_unit_test(test_interface_resolution_errors),
	    cmocka_unit_test(test_interface_network_names),
	    cmocka_unit_test(test_container_as_vm_with_interfaces),
	    cmocka_unit_test(test_start_and_replicas),
	    cmocka_unit_test(test_replicas_on_a_network),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
