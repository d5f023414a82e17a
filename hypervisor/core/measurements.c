/* Partition measurements (measurements.h). */
#include "core/measurements.h"

#include <stdio.h>
#include <string.h>

#include "sha256.h"

const char *measurement_name(enum measurement which)
{
	static const char *const names[MEASUREMENT_COUNT] = {"kernel", "initrd", "cmdline",
	                                                     "config"};
	return which < MEASUREMENT_COUNT ? names[which] : "?";
}

size_t measurements_config_text(const struct config_vm *vm, char *out, size_t outlen)
{
	int n = snprintf(out, outlen,
	                 "[vm %s]\nkernel = %s\ninitrd = %s\ncmdline = %s\nmemory = %llu\n"
	                 "vcpus = %u\nstop_timeout = %u\n",
	                 vm->name, vm->kernel, vm->initrd, vm->cmdline,
	                 (unsigned long long)vm->memory, vm->vcpus, vm->stop_timeout_s);
	return n < 0 ? 0 : (size_t)n < outlen ? (size_t)n : outlen - 1;
}

static void from_manifest(struct partition_measurements *m, enum measurement which,
                          const struct manifest *manifest, const char *path)
{
	const struct manifest_file *f = manifest && path[0] ? manifest_find(manifest, path) : 0;
	m->known[which] = f != 0;
	if (f)
		memcpy(m->digest[which], f->digest, 32);
}

void measurements_take(struct partition_measurements *m, const struct manifest *manifest,
                       const struct config_vm *vm)
{
	static char text[CONFIG_CMDLINE_MAX + 3 * CONFIG_PATH_MAX + 256];
	memset(m, 0, sizeof(*m));
	from_manifest(m, MEASUREMENT_KERNEL, manifest, vm->kernel);
	from_manifest(m, MEASUREMENT_INITRD, manifest, vm->initrd);
	sha256(vm->cmdline, strlen(vm->cmdline), m->digest[MEASUREMENT_CMDLINE]);
	m->known[MEASUREMENT_CMDLINE] = true;
	size_t n = measurements_config_text(vm, text, sizeof(text));
	sha256(text, n, m->digest[MEASUREMENT_CONFIG]);
	m->known[MEASUREMENT_CONFIG] = true;
}
