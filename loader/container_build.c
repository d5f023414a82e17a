/*
 * The steps behind container_build_initramfs() (see container_build.h).
 * Each step's own message is prefixed here with what it was working on,
 * so the one line a user sees says which image and which layer failed.
 */
#include "container_build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container_spec.h"
#include "oci_image.h"
#include "rootfs.h"

/* A NUL-terminated copy of a file in the tree, or NULL when absent. */
static char *read_text(const struct rootfs *fs, const char *path)
{
	const struct rootfs_inode *in = rootfs_open_file(fs, path);
	char *s;

	if (!in)
		return NULL;
	s = malloc(in->size + 1);
	if (s) {
		memcpy(s, in->data, in->size);
		s[in->size] = '\0';
	}
	return s;
}

bool container_build_initramfs(const struct appliance_config *cfg, unsigned index,
                               const struct config_container *c, const void *init, size_t init_size,
                               const char *out_path, enum initramfs_compression compression,
                               char *err, size_t errlen)
{
	struct oci_image img;
	struct container_spec spec = {0};
	struct rootfs *fs = NULL;
	char *passwd = NULL, *group = NULL, *text = NULL, why[512];
	bool ok = false;

	if (!oci_image_open(c->image, &img, err, errlen))
		return false;
	fs = rootfs_new();
	if (!fs) {
		snprintf(err, errlen, "image %s: out of memory", c->image);
		goto out;
	}
	for (size_t i = 0; i < img.layer_count; i++) {
		if (!rootfs_apply_layer(fs, img.layers[i].data, img.layers[i].size, why,
		                        sizeof(why))) {
			snprintf(err, errlen, "image %s: layer %s: %s", c->image,
			         img.layers[i].digest, why);
			goto out;
		}
	}
	passwd = read_text(fs, "/etc/passwd");
	group = read_text(fs, "/etc/group");
	if (!container_spec_build(cfg, c, &img.config, passwd, group, &spec, err, errlen) ||
	    !container_spec_network(cfg, index, &spec, err, errlen))
		goto out;
	text = container_spec_format(&spec);
	if (!text) {
		snprintf(err, errlen, "container '%s': out of memory", c->name);
		goto out;
	}
	if (!initramfs_add_solo_files(fs, init, init_size, text, why, sizeof(why))) {
		snprintf(err, errlen, "container '%s': %s", c->name, why);
		goto out;
	}
	ok = initramfs_write(fs, out_path, compression, err, errlen);
out:
	free(text);
	free(passwd);
	free(group);
	container_spec_free(&spec);
	rootfs_free(fs);
	oci_image_close(&img);
	return ok;
}
