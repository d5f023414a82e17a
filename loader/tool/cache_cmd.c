/*
 * `solo cache`: the registry cache `solo build` and `solo inspect` pull
 * into ($SOLO_CACHE_DIR, $XDG_CACHE_HOME/solo or ~/.cache/solo). `prune`
 * empties it under its lock; `dir` prints where it is.
 */
#include <stdio.h>
#include <string.h>

#include "tool.h"

static void usage(FILE *f)
{
	fputs("Usage: solo cache prune | dir\n"
	      "  prune   remove every pulled image and blob from the cache\n"
	      "  dir     print the cache's folder\n",
	      f);
}

int solo_cache_main(int argc, char **argv)
{
	char dir[4096], err[1024];
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return SOLO_EXIT_OK;
	}
	if (argc != 2 || (strcmp(argv[1], "prune") && strcmp(argv[1], "dir"))) {
		usage(stderr);
		return SOLO_EXIT_USAGE;
	}
	registry_cache_dir(dir, sizeof(dir));
	if (!strcmp(argv[1], "dir")) {
		printf("%s\n", dir);
		return SOLO_EXIT_OK;
	}
	if (!registry_cache_prune(dir, err, sizeof(err))) {
		fprintf(stderr, "solo cache: %s\n", err);
		return SOLO_EXIT_FAIL;
	}
	printf("solo cache: emptied %s\n", dir);
	return SOLO_EXIT_OK;
}
