/*
 * libFuzzer target for the appliance config parser: any byte string is
 * parsed, and the result is checked against the grammar's promises: a
 * NUL-terminated one-line error on refusal; on success, counts within
 * their limits, every string terminated, each container's env entries
 * its own run of the pool, every VM path normalised to '\'
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
	require(config.env_count <= CONFIG_MAX_ENV_TOTAL);
	uint32_t env_next = 0; /* each container's entries follow the last's */
	for (uint32_t i = 0; i < config.container_count; i++) {
		const struct config_container *c = &config.containers[i];
		require(c->image[0] && c->memory >= CONFIG_MEMORY_MIN);
		require(c->vcpus >= 1 && c->vcpus <= CONFIG_MAX_VCPUS);
		require(c->env_count <= CONFIG_MAX_ENV && c->env_first == env_next);
		env_next += c->env_count;
		for (uint32_t k = 0; k < c->env_count; k++) {
			const char *kv = config_container_env(&config, c, k);
			require_string(kv, CONFIG_ENV_MAX + 1);
			require(kv[0] != '=' && strchr(kv, '=') != NULL);
		}
		require_string(c->command, sizeof(c->command));
		/* Each replica's interfaces: automatic addresses inside the
		 * subnet, past its network address, before its broadcast,
		 * never the gateway; a name that fits. */
		for (uint32_t r = 1; r <= c->replicas && r <= 4; r++) {
			struct config_nic nics[CONFIG_MAX_NICS];
			char name[CONFIG_NAME_MAX + 8];
			config_replica_nics(&config, c, r, nics);
			config_replica_name(c, r, name, sizeof(name));
			require_string(name, sizeof(name));
			for (uint32_t k = 0; k < c->nic_count; k++) {
				const struct config_network *n = &config.networks[nics[k].network];
				uint32_t host = ~0u >> n->prefix;
				if (nics[k].mode != CONFIG_NIC_AUTO)
					continue;
				require((nics[k].address & ~host) == n->subnet);
				require((nics[k].address & host) != 0 &&
				        (nics[k].address & host) != host);
				require(nics[k].address != n->gateway);
				require(!(nics[k].mac[0] & 1));
			}
		}
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
	require(env_next == config.env_count);
	unsigned total = config.container_count + config.vm_count;
	for (unsigned i = 0; i < total; i++)
		for (unsigned j = 0; j < i; j++)
			require(strcmp(partition_name(i), partition_name(j)) != 0);
	return 0;
}
