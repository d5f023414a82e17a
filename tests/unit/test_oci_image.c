/*
 * Host tests for the image -> initramfs path of `solo build`, on real
 * images: tests/unit/make-test-images.sh builds them with umoci and skopeo
 * into oci-images/ beside this binary (the Makefile runs it first). They
 * check both image forms, the flattened tree with its whiteouts, links and
 * owners, each refusal (corrupt blob, unknown media type, hostile layers)
 * with its one-line message, and the initramfs read back with libarchive.
 */
#include <archive.h>
#include <archive_entry.h>
#include <libgen.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "container_build.h"
#include "container_spec.h"
#include "oci_image.h"
#include "rootfs.h"

static char images[4096]; /* oci-images/ beside the binary */

static const char *ref(const char *transport, const char *rest)
{
	static char buf[8192];

	snprintf(buf, sizeof(buf), "%s:%s/%s", transport, images, rest);
	return buf;
}

static void check_config(const struct oci_image *img)
{
	assert_int_equal(img->config.entrypoint.count, 2);
	assert_string_equal(img->config.entrypoint.items[0], "/bin/sh");
	assert_string_equal(img->config.entrypoint.items[1], "-c");
	assert_int_equal(img->config.cmd.count, 1);
	assert_string_equal(img->config.cmd.items[0], "echo hi");
	assert_int_equal(img->config.env.count, 2);
	assert_string_equal(img->config.env.items[0], "PATH=/bin");
	assert_string_equal(img->config.env.items[1], "MODE=image");
	assert_string_equal(img->config.user, "app:staff");
	assert_string_equal(img->config.working_dir, "/home/app");
	assert_int_equal(img->layer_count, 2);
}

static struct rootfs *flatten(const struct oci_image *img)
{
	struct rootfs *fs = rootfs_new();
	char err[512];

	assert_non_null(fs);
	for (size_t i = 0; i < img->layer_count; i++)
		if (!rootfs_apply_layer(fs, img->layers[i].data, img->layers[i].size, err,
		                        sizeof(err)))
			fail_msg("layer %zu: %s", i, err);
	return fs;
}

static void check_tree(const struct rootfs *fs)
{
	const struct rootfs_node *bb = rootfs_lookup(fs, "/bin/busybox");
	const struct rootfs_node *ls = rootfs_lookup(fs, "bin/ls");
	const struct rootfs_node *sh = rootfs_lookup(fs, "/bin/sh");
	struct stat st;

	assert_int_equal(stat("/bin/busybox", &st), 0);
	assert_non_null(bb);
	assert_int_equal(bb->inode->type, ROOTFS_REG);
	assert_int_equal(bb->inode->size, (size_t)st.st_size);
	assert_int_equal(bb->inode->mode, 0755);
	assert_non_null(ls);
	assert_ptr_equal(ls->inode, bb->inode); /* a hard link stays one */
	assert_int_equal(bb->inode->links, 2);
	assert_non_null(sh);
	assert_int_equal(sh->inode->type, ROOTFS_SYMLINK);
	assert_string_equal(sh->inode->target, "busybox");
	assert_ptr_equal(rootfs_open_file(fs, "/bin/sh"), bb->inode);
	/* Layer two's whiteout and opaque directory. */
	assert_null(rootfs_lookup(fs, "/etc/motd"));
	assert_null(rootfs_lookup(fs, "/etc/.wh.motd"));
	assert_non_null(rootfs_lookup(fs, "/etc/passwd"));
	assert_null(rootfs_lookup(fs, "/data/old1"));
	assert_null(rootfs_lookup(fs, "/data/sub"));
	assert_null(rootfs_lookup(fs, "/data/.wh..wh..opq"));
	assert_non_null(rootfs_open_file(fs, "/data/new"));
	assert_memory_equal(rootfs_open_file(fs, "/data/new")->data, "new\n", 4);
}

static void test_oci_layout(void **state)
{
	struct oci_image img;
	char err[512];
	struct rootfs *fs;

	(void)state;
	if (!oci_image_open(ref("oci", "layout:test"), &img, err, sizeof(err)))
		fail_msg("%s", err);
	check_config(&img);
	fs = flatten(&img);
	check_tree(fs);
	rootfs_free(fs);
	oci_image_close(&img);
}

static void test_docker_archive(void **state)
{
	struct oci_image img;
	char err[512];
	struct rootfs *fs;

	(void)state;
	if (!oci_image_open(ref("docker-archive", "test.tar"), &img, err, sizeof(err)))
		fail_msg("%s", err);
	check_config(&img);
	fs = flatten(&img);
	check_tree(fs);
	rootfs_free(fs);
	oci_image_close(&img);
}

/* Opens ref and expects failure with every fragment in the message. */
static void expect_open_error(const char *r, const char *frag1, const char *frag2)
{
	struct oci_image img;
	char err[512], prefix[8400];

	if (oci_image_open(r, &img, err, sizeof(err)))
		fail_msg("%s opened", r);
	snprintf(prefix, sizeof(prefix), "image %s: ", r);
	assert_true(strncmp(err, prefix, strlen(prefix)) == 0);
	assert_non_null(strstr(err, frag1));
	if (frag2)
		assert_non_null(strstr(err, frag2));
	assert_null(strchr(err, '\n'));
	assert_int_equal(img.layer_count, 0);
}

static void test_refusals(void **state)
{
	(void)state;
	expect_open_error(ref("oci", "corrupt:test"), ": digest mismatch", "blob sha256:");
	expect_open_error(ref("oci", "badtype:test"),
	                  "unknown layer media type 'application/vnd.example.layer'", NULL);
	expect_open_error(ref("oci", "layout"), "no manifest tagged 'latest'", NULL);
	expect_open_error(ref("oci", "layout:nope"), "no manifest tagged 'nope'", NULL);
	expect_open_error(ref("oci", "missing:test"), "oci-layout: No such file", NULL);
	expect_open_error(ref("docker-archive", "missing.tar"), "missing.tar", NULL);
	expect_open_error("registry.example/web", "unknown transport", NULL);
}

/* Builds the container whose image is tag of the layout. */
static bool build(const char *tag, const char *command, const char *out, char *err, size_t errlen)
{
	static struct appliance_config cfg; /* large: fixed arrays */
	struct config_container *c = &cfg.containers[0];

	memset(&cfg, 0, sizeof(cfg));
	cfg.container_count = 1;
	strcpy(c->name, "web");
	snprintf(c->image, sizeof(c->image), "%s", ref("oci", tag));
	strcpy(c->command, command);
	strcpy(cfg.env[0], "MODE=demo");
	cfg.env_count = 1;
	c->env_count = 1;
	return container_build_initramfs(&cfg, 0, c, "INIT", 4, out, INITRAMFS_GZIP, err, errlen);
}

static void test_hostile_layers(void **state)
{
	char err[512], out[8192];

	(void)state;
	snprintf(out, sizeof(out), "%s/hostile.cpio", images);
	assert_false(build("layout:escape", "", out, err, sizeof(err)));
	assert_non_null(strstr(err, ": layer sha256:"));
	assert_non_null(strstr(err, "path '../escape': '..' component"));
	assert_false(build("layout:through", "", out, err, sizeof(err)));
	assert_non_null(strstr(err, "path 'abs/passwd': 'abs' is a symlink, not a directory"));
	assert_false(build("layout:climb", "", out, err, sizeof(err)));
	assert_non_null(strstr(err, "symlink 'climb': target '../../../../etc/shadow' escapes"));
}

static void test_initramfs(void **state)
{
	char err[512], out[8192];
	struct archive *a;
	struct archive_entry *e;
	int seen_init = 0, seen_spec = 0, seen_console = 0, busybox_names = 0;
	la_int64_t busybox_bytes = 0;

	(void)state;
	snprintf(out, sizeof(out), "%s/web.cpio.gz", images);
	if (!build("layout:test", "", out, err, sizeof(err)))
		fail_msg("%s", err);
	a = archive_read_new();
	archive_read_support_format_cpio(a);
	archive_read_support_filter_gzip(a);
	assert_int_equal(archive_read_open_filename(a, out, 65536), ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *p = archive_entry_pathname(e);
		char buf[512] = {0};

		assert_int_equal(archive_format(a), ARCHIVE_FORMAT_CPIO_SVR4_NOCRC);
		assert_true(p[0] != '/' && strcmp(p, ".") != 0);
		assert_null(strstr(p, "motd"));
		assert_null(strstr(p, "old"));
		if (strcmp(p, ".solo/init") == 0) {
			seen_init++;
			assert_int_equal(archive_entry_mode(e), AE_IFREG | 0755);
			assert_int_equal(archive_read_data(a, buf, sizeof(buf)), 4);
			assert_string_equal(buf, "INIT");
		} else if (strcmp(p, ".solo/spec") == 0) {
			seen_spec++;
			assert_true(archive_read_data(a, buf, sizeof(buf) - 1) > 0);
			assert_string_equal(buf, "argv=/bin/sh\nargv=-c\nargv=echo hi\n"
			                         "env=PATH=/bin\nenv=MODE=demo\ncwd=/home/app\n"
			                         "uid=1000\ngid=50\nhostname=web\n");
		} else if (strcmp(p, "dev/console") == 0) {
			seen_console++;
			assert_int_equal(archive_entry_filetype(e), AE_IFCHR);
			assert_int_equal(archive_entry_rdevmajor(e), 5);
			assert_int_equal(archive_entry_rdevminor(e), 1);
		} else if (strcmp(p, "bin/busybox") == 0 || strcmp(p, "bin/ls") == 0) {
			busybox_names++;
			assert_int_equal(archive_entry_nlink(e), 2);
			busybox_bytes += archive_entry_size(e);
		}
	}
	archive_read_free(a);
	assert_int_equal(seen_init, 1);
	assert_int_equal(seen_spec, 1);
	assert_int_equal(seen_console, 1);
	assert_int_equal(busybox_names, 2);
	struct stat st;
	assert_int_equal(stat("/bin/busybox", &st), 0);
	assert_int_equal(busybox_bytes, st.st_size); /* the data once, not twice */

	/* A config command replaces Cmd. */
	assert_true(build("layout:test", "echo  bye", out, err, sizeof(err)));
}

/* A layer written here with libarchive, for what the shell tools cannot
 * make without root: device nodes, owners, set-id bits, bad hard links. */
static size_t make_layer(void *buf, size_t cap, const char *hardlink_target)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	size_t used = 0;

	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_zstd(a);
	assert_int_equal(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
	archive_entry_set_pathname(e, "dev/null");
	archive_entry_set_mode(e, AE_IFCHR | 0666);
	archive_entry_set_rdevmajor(e, 1);
	archive_entry_set_rdevminor(e, 3);
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	archive_entry_clear(e);
	archive_entry_set_pathname(e, "/usr/bin/su");
	archive_entry_set_mode(e, AE_IFREG | 04755);
	archive_entry_set_uid(e, 1000);
	archive_entry_set_gid(e, 1001);
	archive_entry_set_size(e, 2);
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	assert_int_equal(archive_write_data(a, "su", 2), 2);
	if (hardlink_target) {
		archive_entry_clear(e);
		archive_entry_set_pathname(e, "usr/bin/link");
		archive_entry_set_hardlink(e, hardlink_target);
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	}
	archive_write_close(a);
	archive_write_free(a);
	archive_entry_free(e);
	return used;
}

static void test_rootfs_nodes_and_links(void **state)
{
	static unsigned char buf[65536];
	struct rootfs *fs = rootfs_new();
	char err[256];
	size_t n = make_layer(buf, sizeof(buf), "usr/bin/su");
	const struct rootfs_node *dn, *su;

	(void)state;
	if (!rootfs_apply_layer(fs, buf, n, err, sizeof(err)))
		fail_msg("%s", err);
	dn = rootfs_lookup(fs, "/dev/null");
	assert_non_null(dn);
	assert_int_equal(dn->inode->type, ROOTFS_CHR);
	assert_int_equal(dn->inode->rdev_major, 1);
	assert_int_equal(dn->inode->rdev_minor, 3);
	su = rootfs_lookup(fs, "/usr/bin/su");
	assert_int_equal(su->inode->mode, 04755);
	assert_int_equal(su->inode->uid, 1000);
	assert_int_equal(su->inode->gid, 1001);
	assert_ptr_equal(rootfs_lookup(fs, "/usr/bin/link")->inode, su->inode);
	rootfs_free(fs);

	fs = rootfs_new();
	n = make_layer(buf, sizeof(buf), "usr/bin/absent");
	assert_false(rootfs_apply_layer(fs, buf, n, err, sizeof(err)));
	assert_string_equal(err, "hard link 'usr/bin/link': target 'usr/bin/absent' is not in "
	                         "the tree");
	rootfs_free(fs);

	fs = rootfs_new();
	n = make_layer(buf, sizeof(buf), "usr/../../etc/shadow");
	assert_false(rootfs_apply_layer(fs, buf, n, err, sizeof(err)));
	assert_string_equal(err, "hard link 'usr/bin/link': target 'usr/../../etc/shadow' "
	                         "escapes the root");
	rootfs_free(fs);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_oci_layout), cmocka_unit_test(test_docker_archive),
	    cmocka_unit_test(test_refusals),   cmocka_unit_test(test_hostile_layers),
	    cmocka_unit_test(test_initramfs),  cmocka_unit_test(test_rootfs_nodes_and_links),
	};
	char self[4096];

	(void)argc;
	snprintf(self, sizeof(self), "%s", argv[0]);
	snprintf(images, sizeof(images), "%s/oci-images", dirname(self));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
