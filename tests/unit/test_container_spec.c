/*
 * Host unit tests for the container spec: how argv, env, cwd, uid/gid and
 * hostname follow from an image config and a [container] section, the
 * network lines from the appliance config, the errors for what cannot be
 * started, and the exact text the guest init reads, which its own parser
 * (guest-kernel/init/spec.c) takes whole. Pure: no image, no file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "container_spec.h"
#include "spec.h"

_Static_assert(CONTAINER_SPEC_MAX_HOSTS <= SPEC_MAX_HOSTS,
               "the guest init reads every host line the host tool writes");

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
                             "app:x:1000:1001::/home/app:/bin/sh\n"
                             "broken line\n";
static const char group[] = "root:x:0:\napp:x:1001:\nstaff:x:50:app\n";

static char *ep_items[4], *cmd_items[4], *env_items[4];

/* An image config of up to three items per list, NULL-terminated. */
static struct oci_image_config image(const char *ep0, const char *ep1, const char *cmd0,
                                     const char *user)
{
	struct oci_image_config c = {0};

	memset(ep_items, 0, sizeof(ep_items));
	memset(cmd_items, 0, sizeof(cmd_items));
	memset(env_items, 0, sizeof(env_items));
	ep_items[0] = (char *)ep0;
	ep_items[1] = ep0 ? (char *)ep1 : NULL;
	cmd_items[0] = (char *)cmd0;
	env_items[0] = "PATH=/bin";
	env_items[1] = "MODE=image";
	c.entrypoint.items = ep_items;
	c.entrypoint.count = ep_items[0] ? (ep_items[1] ? 2 : 1) : 0;
	c.cmd.items = cmd_items;
	c.cmd.count = cmd0 ? 1 : 0;
	c.env.items = env_items;
	c.env.count = 2;
	c.working_dir = "";
	c.user = (char *)user;
	return c;
}

/* The appliance a test builds its containers in (large: fixed arrays). */
static struct appliance_config cfg;

static struct config_container container(const char *command)
{
	struct config_container c = {0};

	strcpy(c.name, "web");
	strcpy(c.command, command);
	return c;
}

static void test_argv_entrypoint_then_cmd(void **state)
{
	struct oci_image_config img = image("/bin/sh", "-c", "echo hi", "");
	struct config_container c = container("");
	struct container_spec s;
	char err[256];

	(void)state;
	assert_true(container_spec_build(NULL, &c, &img, NULL, NULL, &s, err, sizeof(err)));
	assert_int_equal(s.argc, 3);
	assert_string_equal(s.argv[0], "/bin/sh");
	assert_string_equal(s.argv[1], "-c");
	assert_string_equal(s.argv[2], "echo hi");
	assert_null(s.argv[3]);
	assert_string_equal(s.cwd, "/");
	assert_string_equal(s.hostname, "web");
	container_spec_free(&s);
}

static void test_command_replaces_cmd_split_on_blanks(void **state)
{
	struct oci_image_config img = image("/bin/busybox", NULL, "sh", "");
	struct config_container c = container("  httpd\t-f  -p 8080 ");
	struct container_spec s;
	char err[256];

	(void)state;
	assert_true(container_spec_build(NULL, &c, &img, NULL, NULL, &s, err, sizeof(err)));
	assert_int_equal(s.argc, 5);
	assert_string_equal(s.argv[0], "/bin/busybox");
	assert_string_equal(s.argv[1], "httpd");
	assert_string_equal(s.argv[2], "-f");
	assert_string_equal(s.argv[3], "-p");
	assert_string_equal(s.argv[4], "8080");
	container_spec_free(&s);

	/* Without an Entrypoint the command is the whole argv. */
	img = image(NULL, NULL, "sh", "");
	assert_true(container_spec_build(NULL, &c, &img, NULL, NULL, &s, err, sizeof(err)));
	assert_int_equal(s.argc, 4);
	assert_string_equal(s.argv[0], "httpd");
	container_spec_free(&s);
}

static void test_nothing_to_run_is_an_error(void **state)
{
	struct oci_image_config img = image(NULL, NULL, NULL, "");
	struct config_container c = container("");
	struct container_spec s;
	char err[256];

	(void)state;
	assert_false(container_spec_build(NULL, &c, &img, NULL, NULL, &s, err, sizeof(err)));
	assert_string_equal(err, "container 'web': image has no Entrypoint or Cmd and the config "
	                         "gives no command");
	assert_null(s.argv);
	/* A command of blanks only is no command either. */
	c = container("   ");
	assert_false(container_spec_build(NULL, &c, &img, NULL, NULL, &s, err, sizeof(err)));
}

static void test_env_config_overrides_by_name(void **state)
{
	struct oci_image_config img = image(NULL, NULL, "sh", "");
	struct config_container c = container("");
	struct container_spec s;
	char err[256];

	(void)state;
	/* The container's entries sit past another's in the pool. */
	memset(&cfg, 0, sizeof(cfg));
	strcpy(cfg.env[0], "OTHER=container");
	strcpy(cfg.env[1], "MODE=demo");
	strcpy(cfg.env[2], "EXTRA=1");
	strcpy(cfg.env[3], "MODE2=x"); /* a longer name sharing a prefix is another */
	cfg.env_count = 4;
	c.env_first = 1;
	c.env_count = 3;
	assert_true(container_spec_build(&cfg, &c, &img, NULL, NULL, &s, err, sizeof(err)));
	assert_int_equal(s.envc, 4);
	assert_string_equal(s.env[0], "PATH=/bin");
	assert_string_equal(s.env[1], "MODE=demo");
	assert_string_equal(s.env[2], "EXTRA=1");
	assert_string_equal(s.env[3], "MODE2=x");
	container_spec_free(&s);
}

struct user_case {
	const char *user;
	bool ok;
	uint32_t uid, gid;
};

static void test_user_forms(void **state)
{
	static const struct user_case cases[] = {
	    {"", true, 0, 0},
	    {"0", true, 0, 0},
	    {"1000", true, 1000, 1001},
	    {"4242", true, 4242, 0},
	    {"app", true, 1000, 1001},
	    {"app:staff", true, 1000, 50},
	    {"app:7", true, 1000, 7},
	    {"42:staff", true, 42, 50},
	    {"nobody", false, 0, 0},
	    {"app:nogroup", false, 0, 0},
	    {"app:", false, 0, 0},
	    {"4294967295", false, 0, 0},
	    {"broken line", false, 0, 0},
	};
	struct config_container c = container("");
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct oci_image_config img = image(NULL, NULL, "sh", cases[i].user);
		struct container_spec s;
		bool ok = container_spec_build(NULL, &c, &img, passwd, group, &s, err, sizeof(err));

		assert_int_equal(ok, cases[i].ok);
		if (ok) {
			assert_int_equal(s.uid, cases[i].uid);
			assert_int_equal(s.gid, cases[i].gid);
		} else {
			assert_non_null(strstr(err, "container 'web': "));
		}
		container_spec_free(&s);
	}
	/* No passwd file at all: names fail, numbers still work. */
	struct oci_image_config img = image(NULL, NULL, "sh", "app");
	struct container_spec s;
	assert_false(container_spec_build(NULL, &c, &img, NULL, NULL, &s, err, sizeof(err)));
	assert_string_equal(err, "container 'web': user 'app' is not in the image's /etc/passwd");
}

static void test_cwd_and_newlines(void **state)
{
	struct oci_image_config img = image(NULL, NULL, "sh", "");
	struct config_container c = container("");
	struct container_spec s;
	char err[256];

	(void)state;
	img.working_dir = "srv";
	assert_false(container_spec_build(NULL, &c, &img, NULL, NULL, &s, err, sizeof(err)));
	assert_non_null(strstr(err, "WorkingDir 'srv'"));
	img.working_dir = "/srv";
	img.cmd.items[0] = "two\nlines";
	assert_false(container_spec_build(NULL, &c, &img, NULL, NULL, &s, err, sizeof(err)));
	assert_non_null(strstr(err, "holds a newline"));
	img.cmd.items[0] = "sh";
	img.env.items[1] = "MODE=a\nb";
	assert_false(container_spec_build(NULL, &c, &img, NULL, NULL, &s, err, sizeof(err)));
	assert_non_null(strstr(err, "holds a newline"));
	img.env.items[1] = "=nameless";
	assert_false(container_spec_build(NULL, &c, &img, NULL, NULL, &s, err, sizeof(err)));
	assert_non_null(strstr(err, "not NAME=value"));
}

static void test_format(void **state)
{
	struct oci_image_config img = image("/bin/sh", "-c", "echo a=b", "app");
	struct config_container c = container("");
	struct container_spec s;
	char err[256], *text;

	(void)state;
	img.working_dir = "/home/app";
	assert_true(container_spec_build(NULL, &c, &img, passwd, group, &s, err, sizeof(err)));
	text = container_spec_format(&s);
	assert_string_equal(text, "argv=/bin/sh\nargv=-c\nargv=echo a=b\nenv=PATH=/bin\n"
	                          "env=MODE=image\ncwd=/home/app\nuid=1000\ngid=1001\n"
	                          "hostname=web\n");
	free(text);
	container_spec_free(&s);
}

/*
 * The appliance of the network tests: networks lan (10.77.0.0/24, no
 * gateway) and wan (192.168.1.0/24, uplinked, gateway .1); containers web
 * (wan by DHCP, then lan) and db (wan by DHCP, then lan), a [vm] router on
 * both (wan first), and a [vm] tool with no network at all.
 */

static struct config_nic nic(uint32_t network, enum config_nic_address mode, uint32_t address,
                             uint8_t last_mac_byte)
{
	struct config_nic n = {.network = network,
	                       .mode = mode,
	                       .address = address,
	                       .mac = {0x02, 0x5e, 0xab, 0xcd, 0xef, last_mac_byte}};
	return n;
}

static void network_appliance(void)
{
	struct config_network *lan = &cfg.networks[0], *wan = &cfg.networks[1];
	struct config_container *web = &cfg.containers[0], *db = &cfg.containers[1];
	struct config_vm *router = &cfg.vms[0], *tool = &cfg.vms[1];

	memset(&cfg, 0, sizeof(cfg));
	strcpy(cfg.name, "edge");
	cfg.network_count = 2;
	strcpy(lan->name, "lan");
	lan->subnet = 0x0a4d0000;
	lan->prefix = 24;
	lan->dns_count = 2;
	lan->dns[0] = 0x0a4d0035; /* 10.77.0.53 */
	lan->dns[1] = 0x0a4d0036;
	lan->uplink = -1;
	strcpy(wan->name, "wan");
	wan->subnet = 0xc0a80100;
	wan->prefix = 24;
	wan->gateway = 0xc0a80101;
	wan->dns_count = 3;
	wan->dns[0] = 0xc0a80101;
	wan->dns[1] = 0x0a4d0035; /* again: listed once */
	wan->dns[2] = 0x09090909;
	wan->uplink = 0;

	cfg.container_count = 2;
	strcpy(web->name, "web");
	web->nic_count = 2;
	web->nics[0] = nic(1, CONFIG_NIC_DHCP, 0, 0x0a);
	web->nics[1] = nic(0, CONFIG_NIC_AUTO, 0x0a4d0002, 0x0b);
	strcpy(db->name, "db");
	db->nic_count = 2;
	db->nics[0] = nic(1, CONFIG_NIC_DHCP, 0, 0x1a);
	db->nics[1] = nic(0, CONFIG_NIC_STATIC, 0x0a4d000a, 0x1b);

	cfg.vm_count = 2;
	strcpy(router->name, "router");
	router->nic_count = 2;
	router->nics[0] = nic(1, CONFIG_NIC_STATIC, 0xc0a80102, 0x2a);
	router->nics[1] = nic(0, CONFIG_NIC_AUTO, 0x0a4d0003, 0x2b);
	strcpy(tool->name, "tool");
}

/* The network lines of cfg.containers[index]'s spec. */
static char *network_lines(unsigned index)
{
	struct oci_image_config img = image(NULL, NULL, "/bin/true", "");
	struct container_spec s;
	char err[256], *text;
	const char *header = "argv=/bin/true\nenv=PATH=/bin\nenv=MODE=image\ncwd=/\nuid=0\ngid=0\n";

	assert_true(container_spec_build(&cfg, &cfg.containers[index], &img, NULL, NULL, &s, err,
	                                 sizeof(err)));
	if (!container_spec_network(&cfg, index, &s, err, sizeof(err)))
		fail_msg("refused: %s", err);
	assert_string_equal(err, "");
	text = container_spec_format(&s);
	container_spec_free(&s);
	assert_non_null(text);
	assert_memory_equal(text, header, strlen(header));
	memmove(text, text + strlen(header), strlen(text + strlen(header)) + 1);
	return text;
}

static void test_network_lines(void **state)
{
	char *text;

	(void)state;
	network_appliance();
	/* The route from wan, web's first network with a gateway; the DNS
	 * servers wan's then lan's, 10.77.0.53 once, 10.77.0.54 past the
	 * third; db by its lan address (its wan one is DHCP's), router by its
	 * wan one (wan is web's first network); tool shares none. */
	text = network_lines(0);
	assert_string_equal(text, "hostname=web\n"
	                          "net=02:5e:ab:cd:ef:0a dhcp\n"
	                          "net=02:5e:ab:cd:ef:0b 10.77.0.2/24\n"
	                          "route=192.168.1.1\n"
	                          "dns=192.168.1.1\n"
	                          "dns=10.77.0.53\n"
	                          "dns=9.9.9.9\n"
	                          "host=10.77.0.2 web\n"
	                          "host=10.77.0.10 db\n"
	                          "host=192.168.1.2 router\n");
	free(text);

	text = network_lines(1);
	assert_string_equal(text, "hostname=db\n"
	                          "net=02:5e:ab:cd:ef:1a dhcp\n"
	                          "net=02:5e:ab:cd:ef:1b 10.77.0.10/24\n"
	                          "route=192.168.1.1\n"
	                          "dns=192.168.1.1\n"
	                          "dns=10.77.0.53\n"
	                          "dns=9.9.9.9\n"
	                          "host=10.77.0.10 db\n"
	                          "host=10.77.0.2 web\n"
	                          "host=192.168.1.2 router\n");
	free(text);

	/* On lan alone: no route (lan has no gateway), lan's DNS servers, and
	 * everyone by their lan address. */
	cfg.containers[0].nic_count = 1;
	cfg.containers[0].nics[0] = nic(0, CONFIG_NIC_STATIC, 0x0a4d0063, 0xff);
	text = network_lines(0);
	assert_string_equal(text, "hostname=web\n"
	                          "net=02:5e:ab:cd:ef:ff 10.77.0.99/24\n"
	                          "dns=10.77.0.53\n"
	                          "dns=10.77.0.54\n"
	                          "host=10.77.0.99 web\n"
	                          "host=10.77.0.10 db\n"
	                          "host=10.77.0.3 router\n");
	free(text);

	/* On wan by DHCP alone: no name of its own, and only router is known. */
	cfg.containers[0].nics[0] = nic(1, CONFIG_NIC_DHCP, 0, 0x0a);
	text = network_lines(0);
	assert_string_equal(text, "hostname=web\n"
	                          "net=02:5e:ab:cd:ef:0a dhcp\n"
	                          "route=192.168.1.1\n"
	                          "dns=192.168.1.1\n"
	                          "dns=10.77.0.53\n"
	                          "dns=9.9.9.9\n"
	                          "host=192.168.1.2 router\n");
	free(text);

	/* No network: no network lines, and nobody else lists it. */
	cfg.containers[0].nic_count = 0;
	text = network_lines(0);
	assert_string_equal(text, "hostname=web\n");
	free(text);
	text = network_lines(1);
	assert_null(strstr(text, " web\n"));
	free(text);
}

/* Replicas are known by their own names too: every partition's hosts
 * list NAME-1 .. NAME-N, each at that replica's own address (the first
 * replica's is NAME's too), the replicas' own hosts included. */
static void test_replicas_by_name(void **state)
{
	static const char text[] =
	    "[appliance]\nname = r\n"
	    "[network lan]\nsubnet = 10.5.0.0/24\n"
	    "[container web]\nimage = x\nmemory = 32M\nreplicas = 3\n"
	    "network = lan\n"
	    "[container db]\nimage = x\nmemory = 32M\nnetwork = lan 10.5.0.40\n";
	char err[256];

	(void)state;
	if (!config_parse(text, strlen(text), &cfg, err, sizeof(err)))
		fail_msg("%s", err);
	char want[256] = "", line[64];
	uint32_t seen[4] = {0};
	for (uint32_t r = 1; r <= 3; r++) {
		struct config_nic nics[CONFIG_MAX_NICS];
		config_replica_nics(&cfg, &cfg.containers[0], r, nics);
		seen[r] = nics[0].address;
		for (uint32_t q = 1; q < r; q++)
			assert_int_not_equal(seen[q], seen[r]);
		snprintf(line, sizeof(line), "host=10.5.0.%u web-%u\n", seen[r] & 0xff, r);
		strcat(want, line);
	}
	char *db = network_lines(1);
	snprintf(line, sizeof(line), "host=10.5.0.40 db\nhost=10.5.0.%u web\n", seen[1] & 0xff);
	assert_non_null(strstr(db, line));
	assert_non_null(strstr(db, want));
	free(db);
	char *web = network_lines(0); /* a replica knows its siblings */
	assert_non_null(strstr(web, want));
	free(web);
}

static void test_network_refusals(void **state)
{
	struct oci_image_config img = image(NULL, NULL, "/bin/true", "");
	struct container_spec s;
	char err[256];

	(void)state;
	network_appliance();
	assert_true(
	    container_spec_build(&cfg, &cfg.containers[0], &img, NULL, NULL, &s, err, sizeof(err)));

	cfg.vms[0].nics[1].network = 2;
	assert_false(container_spec_network(&cfg, 0, &s, err, sizeof(err)));
	assert_string_equal(err, "container 'web': partition 'router': eth1 is on network 2, "
	                         "which does not exist");
	assert_int_equal(s.nic_count, 0);
	assert_int_equal(s.host_count, 0);

	network_appliance();
	cfg.containers[0].nics[1].address = 0;
	assert_false(container_spec_network(&cfg, 0, &s, err, sizeof(err)));
	assert_string_equal(err, "container 'web': eth1 on network 'lan': no address or a prefix "
	                         "outside 1..32");
	assert_int_equal(s.nic_count, 0);
	assert_int_equal(s.gateway, 0);
	assert_int_equal(s.dns_count, 0);

	network_appliance();
	cfg.networks[0].prefix = 33;
	assert_false(container_spec_network(&cfg, 0, &s, err, sizeof(err)));
	assert_non_null(strstr(err, "prefix outside 1..32"));

	network_appliance();
	cfg.containers[0].nic_count = CONFIG_MAX_NICS + 1;
	assert_false(container_spec_network(&cfg, 0, &s, err, sizeof(err)));
	assert_string_equal(err, "container 'web': 5 network interfaces, more than 4");
	container_spec_free(&s);
}

/* The spec of the last container of the largest appliance, every
 * container and [vm] on one network, names every partition, and the
 * guest init's parser takes it whole. */
static void test_largest_appliance_reaches_the_guest(void **state)
{
	struct oci_image_config img = image(NULL, NULL, "/bin/true", "");
	struct container_spec s;
	static struct spec guest;
	char err[256], guest_err[SPEC_ERROR_SIZE], want[CONFIG_NAME_MAX + 1], *text;
	uint32_t last = CONFIG_MAX_CONTAINERS - 1, address = 0x0a000002;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	strcpy(cfg.name, "big");
	cfg.network_count = 1;
	strcpy(cfg.networks[0].name, "lan");
	cfg.networks[0].subnet = 0x0a000000;
	cfg.networks[0].prefix = 16;
	cfg.networks[0].uplink = -1;
	cfg.container_count = CONFIG_MAX_CONTAINERS;
	for (uint32_t i = 0; i < cfg.container_count; i++) {
		struct config_container *c = &cfg.containers[i];
		snprintf(c->name, sizeof(c->name), "container-%u", i);
		c->nic_count = 1;
		c->nics[0] = nic(0, CONFIG_NIC_AUTO, address++, (uint8_t)i);
	}
	cfg.vm_count = CONFIG_MAX_VMS;
	for (uint32_t i = 0; i < cfg.vm_count; i++) {
		struct config_vm *vm = &cfg.vms[i];
		snprintf(vm->name, sizeof(vm->name), "vm-%u", i);
		vm->nic_count = 1;
		vm->nics[0] = nic(0, CONFIG_NIC_AUTO, address++, (uint8_t)i);
	}
	assert_true(container_spec_build(&cfg, &cfg.containers[last], &img, NULL, NULL, &s, err,
	                                 sizeof(err)));
	if (!container_spec_network(&cfg, last, &s, err, sizeof(err)))
		fail_msg("refused: %s", err);
	assert_int_equal(s.host_count, CONFIG_MAX_CONTAINERS + CONFIG_MAX_VMS);
	text = container_spec_format(&s);
	assert_non_null(text);
	if (spec_parse(text, strlen(text), &guest, guest_err) != 0)
		fail_msg("the guest init refuses it: %s", guest_err);
	assert_int_equal(guest.host_count, CONFIG_MAX_CONTAINERS + CONFIG_MAX_VMS);
	/* Itself first, then the others in config order, [vm]s last. */
	snprintf(want, sizeof(want), "container-%u", last);
	assert_string_equal(guest.hosts[0].name, want);
	assert_int_equal(guest.hosts[0].address, 0x0a000002 + last);
	assert_string_equal(guest.hosts[1].name, "container-0");
	snprintf(want, sizeof(want), "vm-%u", CONFIG_MAX_VMS - 1);
	assert_string_equal(guest.hosts[guest.host_count - 1].name, want);
	assert_int_equal(guest.hosts[guest.host_count - 1].address, address - 1);
	spec_free(&guest);
	free(text);
	container_spec_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_argv_entrypoint_then_cmd),
	    cmocka_unit_test(test_command_replaces_cmd_split_on_blanks),
	    cmocka_unit_test(test_nothing_to_run_is_an_error),
	    cmocka_unit_test(test_env_config_overrides_by_name),
	    cmocka_unit_test(test_user_forms),
	    cmocka_unit_test(test_cwd_and_newlines),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_network_lines),
	    cmocka_unit_test(test_replicas_by_name),
	    cmocka_unit_test(test_network_refusals),
	    cmocka_unit_test(test_largest_appliance_reaches_the_guest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
