/*
 * Host tests for registry challenges and credentials
 * (loader/registry_auth.c): Bearer and Basic challenges as registries
 * send them (quoted commas, any order, unknown parameters), refusals; and
 * credentials from the environment and from each auth.json in podman's
 * order, Docker Hub's own key, and entries that are not "user:password".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "registry_auth.h"

static void test_bearer_challenge(void **state)
{
	(void)state;
	struct registry_challenge c;
	assert_true(registry_challenge_parse(
	    "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
	    "scope=\"repository:library/busybox:pull,push\"",
	    &c));
	assert_int_equal(c.scheme, REGISTRY_AUTH_BEARER);
	assert_string_equal(c.realm, "https://auth.docker.io/token");
	assert_string_equal(c.service, "registry.docker.io");
	assert_string_equal(c.scope, "repository:library/busybox:pull,push");
	assert_true(registry_challenge_parse(
	    "bearer scope=\"s\", error=\"insufficient_scope\", realm=\"http://h/t\"", &c));
	assert_string_equal(c.realm, "http://h/t");
	assert_string_equal(c.scope, "s");
	assert_string_equal(c.service, "");
	assert_false(registry_challenge_parse("Bearer service=\"x\"", &c)); /* no realm */
}

static void test_basic_and_unknown(void **state)
{
	(void)state;
	struct registry_challenge c;
	assert_true(registry_challenge_parse("Basic realm=\"Registry Realm\"", &c));
	assert_int_equal(c.scheme, REGISTRY_AUTH_BASIC);
	assert_string_equal(c.realm, "Registry Realm");
	assert_true(registry_challenge_parse("Basic", &c));
	assert_false(registry_challenge_parse("Negotiate abc", &c));
	assert_false(registry_challenge_parse("Basicx realm=\"a\"", &c));
	assert_false(registry_challenge_parse("", &c));
}

/* A fake environment: NAME=value pairs. */
static const char *fake_env[16];
static const char *env(const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; fake_env[i]; i++)
		if (!strncmp(fake_env[i], name, n) && fake_env[i][n] == '=')
			return fake_env[i] + n + 1;
	return NULL;
}

static char dir[64];

static void write_file(const char *rel, const char *text)
{
	char path[256], cmd[320];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname %s)\"", path);
	assert_int_equal(system(cmd), 0);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/solo-auth-test.XXXXXX");
	assert_non_null(mkdtemp(dir));
	memset(fake_env, 0, sizeof(fake_env));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[96];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void test_credentials_from_the_environment(void **state)
{
	(void)state;
	char out[128];
	fake_env[0] = "SOLO_REGISTRY_USER=ci";
	assert_false(registry_credentials("r.example", env, out, sizeof(out))); /* no password */
	fake_env[1] = "SOLO_REGISTRY_PASSWORD=s3cret:x";
	assert_true(registry_credentials("r.example", env, out, sizeof(out)));
	assert_string_equal(out, "ci:s3cret:x");
}

static void test_credentials_from_auth_files(void **state)
{
	(void)state;
	char out[128], home[96], runtime[96], file[128];
	snprintf(home, sizeof(home), "HOME=%s/home", dir);
	snprintf(runtime, sizeof(runtime), "XDG_RUNTIME_DIR=%s/run", dir);
	fake_env[0] = home;
	fake_env[1] = runtime;
	assert_false(registry_credentials("localhost:5000", env, out, sizeof(out)));
	/* ~/.docker/config.json: Hub under Docker's own key ("hub:pw"). */
	write_file("home/.docker/config.json",
	           "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"aHViOnB3\"}}}");
	assert_true(registry_credentials("docker.io", env, out, sizeof(out)));
	assert_string_equal(out, "hub:pw");
	assert_false(registry_credentials("localhost:5000", env, out, sizeof(out)));
	/* podman's file comes before docker's ("alice:one", "bob:two"). */
	write_file("home/.config/containers/auth.json",
	           "{\"auths\":{\"localhost:5000\":{\"auth\":\"YWxpY2U6b25l\"}}}");
	write_file("run/containers/auth.json",
	           "{\"auths\":{\"localhost:5000\":{\"auth\":\"Ym9iOnR3bw==\"}}}");
	assert_true(registry_credentials("localhost:5000", env, out, sizeof(out)));
	assert_string_equal(out, "bob:two");
	/* $REGISTRY_AUTH_FILE first of all; an entry without ':' is none. */
	write_file("mine.json", "{\"auths\":{\"localhost:5000\":{\"auth\":\"bm9jb2xvbg==\"}}}");
	snprintf(file, sizeof(file), "REGISTRY_AUTH_FILE=%s/mine.json", dir);
	fake_env[2] = file;
	assert_true(registry_credentials("localhost:5000", env, out, sizeof(out)));
	assert_string_equal(out, "bob:two"); /* "nocolon" skipped, the next file used */
	write_file("mine.json", "{\"auths\":{\"localhost:5000\":{\"auth\":\"Y2Fyb2w6dGhyZWU=\"}}}");
	assert_true(registry_credentials("localhost:5000", env, out, sizeof(out)));
	assert_string_equal(out, "carol:three");
	write_file("mine.json", "not json");
	assert_true(registry_credentials("localhost:5000", env, out, sizeof(out)));
	assert_string_equal(out, "bob:two");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bearer_challenge),
	    cmocka_unit_test(test_basic_and_unknown),
	    cmocka_unit_test_setup_teardown(test_credentials_from_the_environment, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_credentials_from_auth_files, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
