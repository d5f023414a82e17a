/*
 * `solo`, the host tool: turns an appliance config and its OCI images
 * into a bootable ESP disk image (`solo build`) and shows what an image
 * would run (`solo inspect`). This file only dispatches to the
 * subcommands; their logic lives beside it in loader/tool/.
 */
#include <stdio.h>
#include <string.h>

#include "tool.h"

static void usage(FILE *f)
{
	fputs("Usage: solo COMMAND [OPTION]...\n"
	      "Build and inspect solo appliances: OCI containers, each in its own VM.\n"
	      "\n"
	      "Commands:\n"
	      "  build APPLIANCE.conf -o IMAGE   write a bootable ESP disk image\n"
	      "  inspect IMAGE                   show what a container image would run\n"
	      "  cache prune | dir               empty the registry cache, or show where it is\n"
	      "  pcr IMAGE                       the PCR 12 value IMAGE's measured launch gives\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help   show this help and exit\n"
	      "\n"
	      "Run 'solo COMMAND --help' for a command's options.\n"
	      "\n"
	      "Exit status:\n"
	      "  0  success\n"
	      "  1  the command failed (bad config, image or file; one line on stderr)\n"
	      "  2  wrong command line\n",
	      f);
}

const char *solo_size_text(unsigned long long bytes, char *buf, unsigned long len)
{
	if (bytes >= 10ull << 20)
		snprintf(buf, len, "%llu MiB", (bytes + (1ull << 19)) >> 20);
	else if (bytes >= 1ull << 20)
		snprintf(buf, len, "%.1f MiB", (double)bytes / (1 << 20));
	else if (bytes >= 1ull << 10)
		snprintf(buf, len, "%llu KiB", (bytes + 512) >> 10);
	else
		snprintf(buf, len, "%llu bytes", bytes);
	return buf;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return SOLO_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return SOLO_EXIT_OK;
	}
	if (strcmp(argv[1], "build") == 0)
		return solo_build_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "inspect") == 0)
		return solo_inspect_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "cache") == 0)
		return solo_cache_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "pcr") == 0)
		return solo_pcr_main(argc - 1, argv + 1);
	fprintf(stderr, "solo: unknown command '%s'; run 'solo --help'\n", argv[1]);
	return SOLO_EXIT_USAGE;
}
