/*
 * The subcommands of the `solo` host tool, each a main of its own that
 * solo.c dispatches to, and the exit statuses they share: 0 success, 1 the
 * job failed (a bad config, image or file, with one line on stderr), 2 the
 * command line was wrong.
 */
#ifndef SOLO_TOOL_TOOL_H
#define SOLO_TOOL_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "registry_pull.h"

#define SOLO_EXIT_OK    0
#define SOLO_EXIT_FAIL  1
#define SOLO_EXIT_USAGE 2

/* argv[0] is the subcommand's name. */
int solo_build_main(int argc, char **argv);
int solo_inspect_main(int argc, char **argv);
int solo_cache_main(int argc, char **argv);
int solo_pcr_main(int argc, char **argv);

/* The SHA-256 and size of a host file; false with the cause in err. */
bool solo_hash_file(const char *path, uint8_t digest[32], uint64_t *size, char *err, size_t errlen);

/* A whole file in a fresh buffer (NUL after its size bytes); NULL with
 * errno set. */
char *solo_slurp(const char *path, size_t *size);

/* manifest_build.c: writes the manifest of files[1..count) (files[0] is
 * the boot stage) to manifest_path, and a copy of the boot stage with
 * the manifest's digest in its anchor to boot_copy. */
struct esp_file;
bool solo_manifest_build(const struct esp_file *files, size_t count, const char *appliance,
                         uint64_t counter, const char *manifest_path, const char *boot_copy,
                         char *err, size_t errlen);

/* Registry pulls, shared by build and inspect (pull.c). */
enum { SOLO_OPT_NO_CACHE = 1000, SOLO_OPT_INSECURE_REGISTRY };
#define SOLO_PULL_HELP                                                                             \
	"      --no-cache              fetch every blob again from its registry\n"                 \
	"      --insecure-registry HOST  reach HOST[:PORT] over plain HTTP (a local test\n"        \
	"                              registry only); repeatable\n"
struct solo_pull {
	struct pull_options options;
	char cache_dir[4096];
};
void solo_pull_options_init(struct solo_pull *p);
/* Takes --no-cache or --insecure-registry VALUE; false with *why. */
bool solo_pull_option(struct solo_pull *p, int option, const char *value, const char **why);
/* A registry reference is pulled (one line on log: what and from where)
 * and becomes "oci:LAYOUT" in out; other images are copied as they are. */
bool solo_pull_image(struct solo_pull *p, const char *image, FILE *log, char *out, size_t outlen,
                     char *err, size_t errlen);

/* "1.4 MiB", "812 KiB": sizes as people read them, in buf. */
const char *solo_size_text(unsigned long long bytes, char *buf, unsigned long len);

#endif
