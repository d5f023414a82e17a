/*
 * `solo pcr IMAGE`: the value PCR 12 (SHA-256 bank) holds after the boot
 * stage has measured IMAGE's files (boot/measure.c), for a verifier's
 * policy: starting from zeros, PCR = SHA-256(PCR || SHA-256(file)) for
 * each file in the order the boot stage reads it: the manifest (verified
 * builds), the config, the hypervisor, then each [vm]'s kernel and initrd
 * and each container's, every path once. The files are read from the
 * image with mtools.
 */
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "esp_image.h"
#include "manifest.h"
#include "tool.h"

#define PCR_INDEX     12
#define PCR_MAX_FILES (3 + 2 * (CONFIG_MAX_VMS + CONFIG_MAX_CONTAINERS))

struct measured {
	char paths[PCR_MAX_FILES][CONFIG_PATH_MAX + 1];
	size_t count;
};

static void add_once(struct measured *m, const char *path)
{
	for (size_t i = 0; i < m->count; i++)
		if (!strcmp(m->paths[i], path))
			return;
	snprintf(m->paths[m->count++], CONFIG_PATH_MAX + 1, "%s", path);
}

/* Copies ESP_PATH out of the image into host; false when it is not there. */
static bool extract(const char *image, const char *esp_path, const char *host, char *err,
                    size_t errlen)
{
	char source[CONFIG_PATH_MAX + 4] = "::";
	size_t n = 2;
	for (const char *p = esp_path; *p && n + 1 < sizeof(source); p++)
		source[n++] = *p == '\\' ? '/' : *p;
	source[n] = '\0';
	char *argv[] = {"mcopy", "-n", "-o", "-i", (char *)image, source, (char *)host, NULL};
	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	return solo_run_tool(argv, "mtools", err, errlen);
}

/* PCR = SHA-256(PCR || SHA-256(file)), as HashLogExtendEvent does. */
static bool extend(unsigned char pcr[32], const char *host, char *err, size_t errlen)
{
	uint8_t block[64];
	uint64_t size;
	unsigned int len = 0;
	if (!solo_hash_file(host, block + 32, &size, err, errlen))
		return false;
	memcpy(block, pcr, 32);
	return EVP_Digest(block, sizeof(block), pcr, &len, EVP_sha256(), NULL) && len == 32;
}

int solo_pcr_main(int argc, char **argv)
{
	static struct measured m;
	static struct appliance_config cfg;
	char dir[] = "/tmp/solo-pcr-XXXXXX", host[64], err[1024];
	if (argc != 2 || argv[1][0] == '-') {
		fputs("Usage: solo pcr IMAGE\n"
		      "Print the PCR 12 (sha256) value the boot stage's measurements of IMAGE\n"
		      "produce on a machine with a TPM 2.0, for a verifier's policy.\n",
		      argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) ? stdout
		                                                                          : stderr);
		return argc == 2 && argv[1][0] == '-' && argv[1][1] == 'h' ? SOLO_EXIT_OK
		                                                           : SOLO_EXIT_USAGE;
	}
	if (!mkdtemp(dir)) {
		fprintf(stderr, "solo pcr: %s: %s\n", dir, strerror(errno));
		return SOLO_EXIT_FAIL;
	}
	int rc = SOLO_EXIT_FAIL;
	snprintf(host, sizeof(host), "%s/file", dir);
	/* The manifest comes first where there is one. */
	if (extract(argv[1], MANIFEST_PATH, host, err, sizeof(err)))
		add_once(&m, MANIFEST_PATH);
	if (!extract(argv[1], "\\solo\\appliance.conf", host, err, sizeof(err))) {
		fprintf(stderr, "solo pcr: %s: \\solo\\appliance.conf: %s\n", argv[1], err);
		goto out;
	}
	size_t size;
	char *text = solo_slurp(host, &size);
	bool parsed = text && config_parse(text, size, &cfg, err, sizeof(err));
	free(text);
	if (!parsed) {
		fprintf(stderr, "solo pcr: %s: \\solo\\appliance.conf: %s\n", argv[1],
		        text ? err : strerror(errno));
		goto out;
	}
	add_once(&m, "\\solo\\appliance.conf");
	add_once(&m, "\\solo\\hypervisor.elf");
	for (uint32_t i = 0; i < cfg.vm_count; i++) {
		add_once(&m, cfg.vms[i].kernel);
		if (cfg.vms[i].initrd[0])
			add_once(&m, cfg.vms[i].initrd);
	}
	for (uint32_t i = 0; i < cfg.container_count; i++) {
		struct config_vm vm;
		config_container_vm(&cfg.containers[i], &vm);
		add_once(&m, vm.kernel);
		add_once(&m, vm.initrd);
	}
	unsigned char pcr[32] = {0};
	for (size_t i = 0; i < m.count; i++) {
		if (!extract(argv[1], m.paths[i], host, err, sizeof(err)) ||
		    !extend(pcr, host, err, sizeof(err))) {
			fprintf(stderr, "solo pcr: %s: %s: %s\n", argv[1], m.paths[i], err);
			goto out;
		}
		printf("event %zu: %s\n", i + 1, m.paths[i]);
	}
	printf("PCR %d (sha256): ", PCR_INDEX);
	for (int i = 0; i < 32; i++)
		printf("%02x", pcr[i]);
	printf("\n");
	rc = SOLO_EXIT_OK;
out:
	unlink(host);
	rmdir(dir);
	return rc;
}
