/*
 * libFuzzer target for the image layer reader: the bytes are a layer
 * (tar, possibly gzip or zstd compressed) as an untrusted image would
 * ship it. Applied twice to one tree, so whiteouts and links also meet
 * entries from an earlier layer. Must never crash, leak or let a path
 * escape (the reader refuses those with an error).
 */
#include <stddef.h>
#include <stdint.h>

#include "rootfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct rootfs *fs = rootfs_new();
	if (!fs)
		return 0;
	if (rootfs_apply_layer(fs, data, size, err, sizeof(err)))
		rootfs_apply_layer(fs, data, size, err, sizeof(err));
	rootfs_free(fs);
	return 0;
}
