/*
 * Host unit tests for the container spec: how argv, env, cwd, uid/gid and
 * hostname follow from an image config and a [container] section, the
 * errors for what cannot be started, and the exact text the guest init
 * reads. Pure: no image, no file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "container_spec.h"

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
	assert_true(container_spec_build(&c, &img, NULL, NULL, &s, err, sizeof(err)));
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
	assert_true(container_spec_build(&c, &img, NULL, NULL, &s, err, sizeof(err)));
	assert_int_equal(s.argc, 5);
	assert_string_equal(s.argv[0], "/bin/busybox");
	assert_string_equal(s.argv[1], "httpd");
	assert_string_equal(s.argv[2], "-f");
	assert_string_equal(s.argv[3], "-p");
	assert_string_equal(s.argv[4], "8080");
	container_spec_free(&s);

	/* Without an Entrypoint the command is the whole argv. */
	img = image(NULL, NULL, "sh", "");
	assert_true(container_spec_build(&c, &img, NULL, NULL, &s, err, sizeof(err)));
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
	assert_false(container_spec_build(&c, &img, NULL, NULL, &s, err, sizeof(err)));
	assert_string_equal(err, "container 'web': image has no Entrypoint or Cmd and the config "
	                         "gives no command");
	assert_null(s.argv);
	/* A command of blanks only is no command either. */
	c = container("   ");
	assert_false(container_spec_build(&c, &img, NULL, NULL, &s, err, sizeof(err)));
}

static void test_env_config_overrides_by_name(void **state)
{
	struct oci_image_config img = image(NULL, NULL, "sh", "");
	struct config_container c = container("");
	struct container_spec s;
	char err[256];

	(void)state;
	strcpy(c.env[0], "MODE=demo");
	strcpy(c.env[1], "EXTRA=1");
	strcpy(c.env[2], "MODE2=x"); /* a longer name sharing a prefix is another */
	c.env_count = 3;
	assert_true(container_spec_build(&c, &img, NULL, NULL, &s, err, sizeof(err)));
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
		bool ok = container_spec_build(&c, &img, passwd, group, &s, err, sizeof(err));

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
	assert_false(container_spec_build(&c, &img, NULL, NULL, &s, err, sizeof(err)));
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
	assert_false(container_spec_build(&c, &img, NULL, NULL, &s, err, sizeof(err)));
	assert_non_null(strstr(err, "WorkingDir 'srv'"));
	img.working_dir = "/srv";
	img.cmd.items[0] = "two\nlines";
	assert_false(container_spec_build(&c, &img, NULL, NULL, &s, err, sizeof(err)));
	assert_non_null(strstr(err, "holds a newline"));
	img.cmd.items[0] = "sh";
	img.env.items[1] = "MODE=a\nb";
	assert_false(container_spec_build(&c, &img, NULL, NULL, &s, err, sizeof(err)));
	assert_non_null(strstr(err, "holds a newline"));
	img.env.items[1] = "=nameless";
	assert_false(container_spec_build(&c, &img, NULL, NULL, &s, err, sizeof(err)));
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
	assert_true(container_spec_build(&c, &img, passwd, group, &s, err, sizeof(err)));
	text = container_spec_format(&s);
	assert_string_equal(text, "argv=/bin/sh\nargv=-c\nargv=echo a=b\nenv=PATH=/bin\n"
	                          "env=MODE=image\ncwd=/home/app\nuid=1000\ngid=1001\n"
	                          "hostname=web\n");
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
