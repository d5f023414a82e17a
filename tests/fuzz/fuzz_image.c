/*
 * libFuzzer target for the image reader's docker-archive path: the bytes
 * are written to a file and opened as `docker-archive:FILE`, which runs
 * the tar reader, the JSON manifest and config parsers and the digest
 * checks on untrusted input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "oci_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/solo-fuzz-image-%d.tar", (int)getpid());
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	char ref[96], err[512];
	snprintf(ref, sizeof(ref), "docker-archive:%s", path);
	struct oci_image img;
	if (oci_image_open(ref, &img, err, sizeof(err)))
		oci_image_close(&img);
	return 0;
}
