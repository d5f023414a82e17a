/*
 * The appliance config: one plain-text file naming the appliance and its
 * containers. This is the one parser for it; the boot stage, the
 * hypervisor and the host tool all link this file, so it allocates nothing
 * and fills fixed-size arrays. It is strict on purpose: anything it does
 * not understand is an error with a line number, never a silent default.
 * docs/handoff.md points to the grammar, which is summed up here:
 *
 *   # comment (also after a value, when preceded by a blank)
 *   [appliance]
 *   name = edge-demo                      required, [a-z0-9][a-z0-9_-]{0,30}
 *   selftest = probe stray bad-entry      optional, any of the three
 *   timeslice = 10ms                      how long a vCPU runs before another
 *                                         on its CPU gets a turn: us or ms,
 *                                         100us..1000ms, default 10ms
 *
 *   [container web]                       same charset as name, up to 512
 *   image = oci:images/web:latest         required, up to 255 characters: a
 *                                         registry reference, oci: or
 *                                         docker-archive: (docs/solo-tool.md)
 *   memory = 64M                          required, K/M/G suffix, 1M..64G
 *   vcpus = 1                             1..64, default 1
 *   cpus = shared                         shared (default) or pinned
 *   restart = on-failure:3                no (default), always, on-failure[:N]
 *   env = MODE=demo                       repeatable, up to 32, 255 each;
 *                                         up to 1024 in all containers
 *   command = /bin/httpd -f -p 8080       up to 1023 characters
 *   stop_timeout = 10                     seconds `stop` waits before it ends
 *                                         the partition by force: 0..3600,
 *                                         default 10 (also for [vm])
 *   network = lan                         repeatable, up to 4 (eth0, eth1..):
 *                                         NAME [ADDRESS|auto|dhcp] [MAC]; also
 *                                         for [vm]
 *
 *   [network lan]                         an L2 segment, up to 8
 *   subnet = 10.77.0.0/24                 required, IPv4, prefix /8../30
 *   gateway = 10.77.0.1                   optional: the default route
 *                                         (default .1 when uplinked)
 *   dns = 10.0.2.3                        repeatable, up to 3
 *   mtu = 9000                            optional, 68..9000: 9000 on an
 *                                         internal network, 1500 uplinked
 *   uplink = nic0                         optional: bridge the physical NIC
 *
 *   [vm linux]                            a plain Linux VM; names shared
 *                                         with containers, up to 16 VMs
 *   kernel = \solo\bzImage                 required, an ESP path ('\' or '/')
 *   initrd = /solo/initrd.img             optional, an ESP path
 *   cmdline = console=ttyS0 quiet         optional, up to 1023 characters
 *   memory = 256M                         required, as for containers
 *   vcpus = 2                             1..64, default 1
 *
 * ESP paths are stored with '\' separators, as UEFI and the handoff block
 * name files: absolute, at most 127 characters, no empty, "." or ".."
 * parts, none of the characters FAT forbids.
 */
#ifndef SOLO_LOADER_CONFIG_H
#define SOLO_LOADER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_NAME_MAX       31  /* appliance and container names */
#define CONFIG_MAX_CONTAINERS 512 /* [container] sections */
/* Partitions all containers make together, replicas counted. */
#define CONFIG_MAX_CONTAINER_PARTITIONS 512
#define CONFIG_MAX_ENV                  32   /* per container */
#define CONFIG_MAX_ENV_TOTAL            1024 /* all containers' together */
#define CONFIG_IMAGE_MAX                255
#define CONFIG_ENV_MAX                  255
#define CONFIG_COMMAND_MAX              1023
#define CONFIG_CMDLINE_MAX              1023
#define CONFIG_PATH_MAX                 127 /* a handoff file name, NUL excluded */
#define CONFIG_MAX_VMS                  16
/* Characters, not counting the line break: room for "cmdline = " or
 * "command = " with a value of the longest length allowed. */
#define CONFIG_LINE_MAX             2048
#define CONFIG_MAX_VCPUS            64
#define CONFIG_MEMORY_MIN           (1ULL << 20)
#define CONFIG_MEMORY_MAX           (64ULL << 30)
#define CONFIG_RESTART_MAX_RETRIES  1000
#define CONFIG_TIMESLICE_MIN_US     100
#define CONFIG_TIMESLICE_MAX_US     1000000
#define CONFIG_TIMESLICE_DEFAULT_US 10000
#define CONFIG_STOP_TIMEOUT_MAX     3600
#define CONFIG_STOP_TIMEOUT_DEFAULT 10 /* seconds, as `docker stop` */
#define CONFIG_MAX_NETWORKS         8
#define CONFIG_MAX_NICS             4 /* interfaces per partition */
#define CONFIG_MAX_DNS              3
#define CONFIG_MAX_UPLINKS          4    /* physical NICs nic0..nic3 */
#define CONFIG_MTU_MIN              68   /* what IPv4 needs (RFC 791) */
#define CONFIG_MTU_MAX              9000 /* jumbo frames */
#define CONFIG_MTU_INTERNAL         9000
#define CONFIG_MTU_UPLINK           1500 /* Ethernet's, the wire's */

/* The self-test VMs the hypervisor can run, as bits of `selftest`. */
#define CONFIG_SELFTEST_PROBE     (1u << 0)
#define CONFIG_SELFTEST_STRAY     (1u << 1)
#define CONFIG_SELFTEST_BAD_ENTRY (1u << 2)

enum config_cpus {
	CONFIG_CPUS_SHARED, /* time-shared with other vCPUs */
	CONFIG_CPUS_PINNED, /* one dedicated physical CPU per vCPU */
};

/* How an interface gets its IPv4 address. */
enum config_nic_address {
	CONFIG_NIC_AUTO,   /* the next free one of the subnet, in config order */
	CONFIG_NIC_STATIC, /* given in the config */
	CONFIG_NIC_DHCP,   /* asked for on the wire (uplinked networks only) */
};

/* One network interface of a partition (eth0, eth1, ... in order). After
 * config_parse, address and mac are resolved: address is the static or
 * automatic one (0 for DHCP), mac the given one or one derived from the
 * appliance and partition names. */
struct config_nic {
	uint32_t network; /* index into appliance_config.networks */
	enum config_nic_address mode;
	uint32_t address; /* IPv4, host byte order */
	bool mac_given;
	uint8_t mac[6];
};

/* A [network NAME] section: one L2 segment with a virtual switch. */
struct config_network {
	char name[CONFIG_NAME_MAX + 1];
	uint32_t subnet;  /* IPv4 network address, host byte order */
	uint32_t prefix;  /* 8..30 */
	uint32_t gateway; /* 0: no default route */
	uint32_t dns_count;
	uint32_t dns[CONFIG_MAX_DNS];
	int32_t uplink; /* physical NIC index (nicN), -1 for none */
	uint32_t mtu;   /* bytes of IP packet per frame: 68..9000 */
};

enum config_restart {
	CONFIG_RESTART_NO,
	CONFIG_RESTART_ALWAYS,
	CONFIG_RESTART_ON_FAILURE,
};

struct config_container {
	char name[CONFIG_NAME_MAX + 1];
	char image[CONFIG_IMAGE_MAX + 1];
	uint64_t memory; /* bytes */
	uint32_t vcpus;
	enum config_cpus cpus;
	enum config_restart restart;
	/* For CONFIG_RESTART_ON_FAILURE: the most restarts, 0 meaning no
	 * limit (plain `on-failure`). */
	uint32_t restart_max;
	/* Its env entries: env_count of them from appliance_config.env[env_first]
	 * (read them with config_container_env()). */
	uint32_t env_first;
	uint32_t env_count;
	char command[CONFIG_COMMAND_MAX + 1]; /* "" when not given */
	uint32_t stop_timeout_s;
	uint32_t nic_count;
	struct config_nic nics[CONFIG_MAX_NICS];
	/* `start = boot`: every start a full boot, never a clone of a
	 * template (docs/templates.md). */
	bool start_boot;
	/* `replicas = N`: N partitions of this container, NAME-1 .. NAME-N,
	 * each its own VM with its own hostname; 1 when not given. */
	uint32_t replicas;
};

/* A [vm] section: a Linux kernel booted as is, for tests and for users
 * who bring their own kernel and initrd. */
struct config_vm {
	char name[CONFIG_NAME_MAX + 1];
	char kernel[CONFIG_PATH_MAX + 1]; /* ESP path, '\' separators */
	char initrd[CONFIG_PATH_MAX + 1]; /* "" when not given */
	char cmdline[CONFIG_CMDLINE_MAX + 1];
	uint64_t memory; /* bytes */
	uint32_t vcpus;
	uint32_t stop_timeout_s;
	uint32_t nic_count;
	struct config_nic nics[CONFIG_MAX_NICS];
};

struct appliance_config {
	char name[CONFIG_NAME_MAX + 1];
	uint32_t selftest;     /* CONFIG_SELFTEST_* bits */
	uint32_t timeslice_us; /* CONFIG_TIMESLICE_DEFAULT_US when not given */
	uint32_t container_count;
	struct config_container containers[CONFIG_MAX_CONTAINERS];
	uint32_t vm_count;
	struct config_vm vms[CONFIG_MAX_VMS];
	uint32_t network_count;
	struct config_network networks[CONFIG_MAX_NETWORKS];
	/* Every container's env entries, "NAME=value", each container's in
	 * one run, in config order: one pool, so a container does not carry
	 * room for 32 entries it rarely uses. */
	uint32_t env_count;
	char env[CONFIG_MAX_ENV_TOTAL][CONFIG_ENV_MAX + 1];
};

/* Env entry i (below c->env_count) of container c of cfg. Inline, so the
 * container spec code reads it without linking the parser. */
static inline const char *config_container_env(const struct appliance_config *cfg,
                                               const struct config_container *c, uint32_t i)
{
	return cfg->env[c->env_first + i];
}

/* Parses len bytes of text (not NUL-terminated; a NUL inside is an error)
 * into *out. Returns true on success. On failure writes one line to err
 * (truncated to errlen, always NUL-terminated): "line N: <cause>" for an
 * error on a line, "container 'web': missing 'image'", "vm 'linux':
 * missing 'kernel'" or "missing
 * [appliance] section" for what is found missing at the end. *out is
 * unspecified after a failure. */
bool config_parse(const char *text, size_t len, struct appliance_config *out, char *err,
                  size_t errlen);

/* Where `solo build` puts a container's pieces on the ESP, and how its
 * partition boots: the shared guest kernel, the container's own
 * initramfs, and the guest init (guest-kernel/init) as PID 1. */
#define CONFIG_CONTAINER_KERNEL     "\\solo\\bzImage"
#define CONFIG_CONTAINER_INITRD_DIR "\\solo\\containers\\"
#define CONFIG_CONTAINER_CMDLINE    "console=ttyS0,115200 quiet rdinit=/.solo/init"

/* The [vm] a container boots as: kernel CONFIG_CONTAINER_KERNEL, initrd
 * CONFIG_CONTAINER_INITRD_DIR "NAME.cpio", CONFIG_CONTAINER_CMDLINE with
 * SOLO_STOP_GRACE=N (the guest init's grace before SIGKILL: the
 * container's stop_timeout) and, per network interface i, a
 * virtio_mmio.device=4K@ADDRESS:IRQ for its device (guest_machine.h),
 * and the container's memory, vCPUs, stop timeout and interfaces. */
void config_container_vm(const struct config_container *c, struct config_vm *vm);

/* The name of replica `replica` (1..replicas) of a container: NAME-r,
 * cut to fit len, or NAME alone when it has one replica. */
void config_replica_name(const struct config_container *c, uint32_t replica, char *out, size_t len);

/* The interfaces of that replica: the container's, with a MAC derived
 * from the replica's own name and, for an automatic address, the r-th
 * of the run of addresses the container's replicas took. A container
 * with one replica has its own interfaces unchanged. */
void config_replica_nics(const struct appliance_config *cfg, const struct config_container *c,
                         uint32_t replica, struct config_nic out[CONFIG_MAX_NICS]);

#endif
