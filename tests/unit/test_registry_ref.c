/*
 * Host tests for image references (loader/registry_ref.c): Docker Hub's
 * defaults, registries with ports and localhost, tags, pinned digests,
 * "docker://", and refusals of what docker refuses, each with its reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "registry_ref.h"

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static struct registry_ref ref;
static char err[256];

static void parses(const char *text, const char *registry, const char *host, const char *repo,
                   const char *tag, const char *digest)
{
	if (!registry_ref_parse(text, &ref, err, sizeof(err)))
		fail_msg("%s: %s", text, err);
	assert_string_equal(ref.registry, registry);
	assert_string_equal(ref.host, host);
	assert_string_equal(ref.repository, repo);
	assert_string_equal(ref.tag, tag);
	assert_string_equal(ref.digest, digest);
}

static void refused(const char *text, const char *why)
{
	assert_false(registry_ref_parse(text, &ref, err, sizeof(err)));
	char want[256];
	snprintf(want, sizeof(want), "not an image reference: '%s': %s", text, why);
	assert_string_equal(err, want);
}

static void test_docker_hub_defaults(void **state)
{
	(void)state;
	parses("busybox", "docker.io", "registry-1.docker.io", "library/busybox", "latest", "");
	parses("busybox:1.36", "docker.io", "registry-1.docker.io", "library/busybox", "1.36", "");
	parses("team/app", "docker.io", "registry-1.docker.io", "team/app", "latest", "");
	parses("docker.io/library/alpine:3", "docker.io", "registry-1.docker.io", "library/alpine",
	       "3", "");
	parses("docker.io/alpine", "docker.io", "registry-1.docker.io", "library/alpine", "latest",
	       "");
	parses("index.docker.io/x/y", "index.docker.io", "registry-1.docker.io", "x/y", "latest",
	       "");
}

static void test_other_registries(void **state)
{
	(void)state;
	parses("registry.example.com/team/app:1.4", "registry.example.com", "registry.example.com",
	       "team/app", "1.4", "");
	parses("localhost:5000/hello", "localhost:5000", "localhost:5000", "hello", "latest", "");
	parses("localhost/hello:v1", "localhost", "localhost", "hello", "v1", "");
	parses("127.0.0.1:5000/a/b/c:T_1.x-y", "127.0.0.1:5000", "127.0.0.1:5000", "a/b/c",
	       "T_1.x-y", "");
	parses("docker://quay.io/org/tool", "quay.io", "quay.io", "org/tool", "latest", "");
	/* A first part without '.', ':' or "localhost" is a repository part. */
	parses("myhost/app", "docker.io", "registry-1.docker.io", "myhost/app", "latest", "");
}

static void test_digests(void **state)
{
	(void)state;
	parses("localhost:5000/hello@sha256:" D64, "localhost:5000", "localhost:5000", "hello", "",
	       "sha256:" D64);
	assert_string_equal(registry_ref_manifest(&ref), "sha256:" D64);
	parses("hello:1.0@sha256:" D64, "docker.io", "registry-1.docker.io", "library/hello", "1.0",
	       "sha256:" D64);
	assert_string_equal(registry_ref_manifest(&ref), "sha256:" D64); /* the digest wins */
	parses("hello:1.0", "docker.io", "registry-1.docker.io", "library/hello", "1.0", "");
	assert_string_equal(registry_ref_manifest(&ref), "1.0");
	assert_true(registry_digest_valid("sha256:" D64));
	assert_false(registry_digest_valid("sha256:" D64 "0"));
	assert_false(registry_digest_valid("sha512:" D64));
	assert_false(registry_digest_valid("sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef"
	                                   "0123456789abcdef"));
}

static void test_refusals(void **state)
{
	(void)state;
	const char *parts =
	    "repository parts are lowercase letters and digits joined by . _ - or __";
	refused("", "no repository");
	refused("@sha256:" D64, "no repository");
	refused("Hello", parts);
	refused("team//app", parts);
	refused("team/app/", parts);
	refused("-app", parts);
	refused("a..b", parts);
	refused("a___b", parts);
	refused("hello:", "a tag is up to 128 of [A-Za-z0-9_.-]");
	refused("hello:-x", "a tag is up to 128 of [A-Za-z0-9_.-]");
	refused("hello:a/b", "a registry is HOST[:PORT]"); /* a ":" before a "/" */
	refused("hello@sha256:abc", "a digest is sha256: and 64 lowercase hex digits");
	refused("hello@md5:" D64, "a digest is sha256: and 64 lowercase hex digits");
	refused("host:99999x/app", "a registry is HOST[:PORT]");
	refused("exa_mple.com/app", "a registry is HOST[:PORT]");
	char long_tag[200] = "hello:";
	memset(long_tag + 6, 't', 129);
	refused(long_tag, "a tag is up to 128 of [A-Za-z0-9_.-]");
	parses("a__b/c_d-e.f", "docker.io", "registry-1.docker.io", "a__b/c_d-e.f", "latest", "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_docker_hub_defaults),
	    cmocka_unit_test(test_other_registries),
	    cmocka_unit_test(test_digests),
	    cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
