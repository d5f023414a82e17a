/*
 * libFuzzer target for the appliance config parser: any byte string is
 * parsed, and the result is checked against the grammar's promises: a
 * NUL-terminated one-line error on refusal; on success, counts within
 * their limits, every string terminated, every VM path normalised to '\'
 * separators and every partition name unique.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct appliance_config config;

static void require(int ok)
{
	if (!ok)
		abort();
}

static void require_string(const char *s, size_t capacity)
{
	require(memchr(s, 0, capacity) != NULL);
}

static const char *partition_name(unsigned i)
{
	return i < config.container_count ? config.containers[i].name
	                                  : config.vms[i - config.container_count].name;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[160];
	if (!config_parse((const char *)data, size, &config, err, sizeof(err))) {
		require_string(err, sizeof(err));
		require(err[0] != '\0' && strchr(err, '\n') == NULL);
		return 0;
	}
	require(config.name[0] != '\0');
	require(config.container_count <= CONFIG_MAX_CONTAINERS);
	require(config.vm_count <= CONFIG_MAX_VMS);
	for (uint32_t i = 0; i < config.container_count; i++) {
		const struct config_container *c = &config.containers[i];
		require(c->image[0] && c->memory >= CONFIG_MEMORY_MIN);
		require(c->vcpus >= 1 && c->vcpus <= CONFIG_MAX_VCPUS);
		require(c->env_count <= CONFIG_MAX_ENV);
		require_string(c->command, sizeof(c->command));
	}
	for (uint32_t i = 0; i < config.vm_count; i++) {
		const struct config_vm *vm = &config.vms[i];
		require(vm->kernel[0] == '\\' && strchr(vm->kernel, '/') == NULL);
		require(vm->initrd[0] == '\0' ||
		        (vm->initrd[0] == '\\' && strchr(vm->initrd, '/') == NULL));
		require(vm->memory >= CONFIG_MEMORY_MIN && vm->memory <= CONFIG_MEMORY_MAX);
		require(vm->vcpus >= 1 && vm->vcpus <= CONFIG_MAX_VCPUS);
		require_string(vm->cmdline, sizeof(vm->cmdline));
	}
	unsigned total = config.container_count + config.vm_count;
	for (unsigned i = 0; i < total; i++)
		for (unsigned j = 0; j < i; j++)
			require(strcmp(partition_name(i), partition_name(j)) != 0);
	return 0;
}
