/*
 * `solo inspect IMAGE`: what a container image would run under solo,
 * computed exactly as `solo build` does (the same image checks, the same
 * flattening and the same spec rules), so the user sees the argv,
 * environment, folder and resolved uid/gid before building an appliance.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "container_spec.h"
#include "oci_image.h"
#include "rootfs.h"
#include "tool.h"

static void usage(FILE *f)
{
	fputs("Usage: solo inspect IMAGE\n"
	      "Show what a container image would run under solo: its argv (Entrypoint +\n"
	      "Cmd), environment, working folder, user, layers and image ID. The image is\n"
	      "verified and flattened as 'solo build' does.\n"
	      "\n"
	      "IMAGE is a registry reference ([REGISTRY/]REPO[:TAG][@sha256:DIGEST], as\n"
	      "for 'solo build', pulled into the cache), oci:DIR[:TAG] (an OCI image\n"
	      "layout, tag 'latest' by default) or docker-archive:FILE (as 'docker save'\n"
	      "writes).\n"
	      "\n"
	      "Options:\n" SOLO_PULL_HELP "  -h, --help                  show this help and exit\n"
	      "\n"
	      "Exit status:\n"
	      "  0  the image is valid and runnable\n"
	      "  1  the image is broken or has nothing to run (one line on stderr)\n"
	      "  2  wrong command line\n",
	      f);
}

static char *read_text(const struct rootfs *fs, const char *path)
{
	const struct rootfs_inode *in = rootfs_open_file(fs, path);
	char *s = in ? malloc(in->size + 1) : NULL;

	if (s) {
		memcpy(s, in->data, in->size);
		s[in->size] = '\0';
	}
	return s;
}

/* One argument as a shell would need it, so the argv line can be pasted
 * and its word boundaries are never ambiguous. */
static void print_quoted(const char *arg)
{
	if (*arg && strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	                        "/._-=:,+@%") == strlen(arg)) {
		fputs(arg, stdout);
		return;
	}
	putchar('\'');
	for (; *arg; arg++) {
		if (*arg == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*arg);
	}
	putchar('\'');
}

static void print_list(const char *label, char **items)
{
	printf("%-10s", label);
	if (!items[0])
		printf("(none)");
	for (size_t i = 0; items[i]; i++) {
		if (i)
			printf("\n%-10s", "");
		printf("%s", items[i]);
	}
	printf("\n");
}

int solo_inspect_main(int argc, char **argv)
{
	static const struct option longs[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"no-cache", no_argument, NULL, SOLO_OPT_NO_CACHE},
	    {"insecure-registry", required_argument, NULL, SOLO_OPT_INSECURE_REGISTRY},
	    {NULL, 0, NULL, 0}};
	static struct solo_pull pull;
	char image[4200];
	struct config_container c = {.name = "inspect", .vcpus = 1};
	struct container_spec spec = {0};
	struct oci_image img;
	struct rootfs *fs = NULL;
	char err[1024], why[512], size[32], *passwd = NULL, *group = NULL;
	unsigned long long total = 0;
	int opt, rc = 1;

	opterr = 0;
	optind = 1;
	solo_pull_options_init(&pull);
	while ((opt = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		const char *bad;
		if (opt == 'h') {
			usage(stdout);
			return SOLO_EXIT_OK;
		}
		if (opt == SOLO_OPT_NO_CACHE || opt == SOLO_OPT_INSECURE_REGISTRY) {
			if (solo_pull_option(&pull, opt, optarg, &bad))
				continue;
			fprintf(stderr, "solo inspect: %s\n", bad);
			return SOLO_EXIT_USAGE;
		}
		fprintf(stderr, "solo inspect: unknown option %s\nTry 'solo inspect --help'.\n",
		        argv[optind - 1]);
		return SOLO_EXIT_USAGE;
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "solo inspect: %s\nTry 'solo inspect --help'.\n",
		        optind == argc ? "missing IMAGE" : "one IMAGE only");
		return SOLO_EXIT_USAGE;
	}
	if (!solo_pull_image(&pull, argv[optind], stderr, image, sizeof(image), err, sizeof(err))) {
		fprintf(stderr, "solo inspect: %s\n", err);
		return SOLO_EXIT_FAIL;
	}
	if (!oci_image_open(image, &img, err, sizeof(err))) {
		fprintf(stderr, "solo inspect: %s\n", err);
		return SOLO_EXIT_FAIL;
	}
	fs = rootfs_new();
	for (size_t i = 0; fs && i < img.layer_count; i++) {
		if (!rootfs_apply_layer(fs, img.layers[i].data, img.layers[i].size, why,
		                        sizeof(why))) {
			fprintf(stderr, "solo inspect: layer %s: %s\n", img.layers[i].digest, why);
			goto out;
		}
	}
	if (!fs) {
		fprintf(stderr, "solo inspect: out of memory\n");
		goto out;
	}
	passwd = read_text(fs, "/etc/passwd");
	group = read_text(fs, "/etc/group");
	if (!container_spec_build(NULL, &c, &img.config, passwd, group, &spec, err, sizeof(err))) {
		const char *msg = strncmp(err, "container 'inspect': ", 21) == 0 ? err + 21 : err;
		fprintf(stderr, "solo inspect: %s: %s\n", argv[optind], msg);
		goto out;
	}
	printf("%-10s%s\n", "image", argv[optind]);
	printf("%-10s%s\n", "id", img.config_digest);
	printf("%-10s", "argv");
	for (size_t i = 0; i < spec.argc; i++) {
		printf(i ? " " : "");
		print_quoted(spec.argv[i]);
	}
	printf("\n");
	print_list("env", spec.env);
	printf("%-10s%s\n", "workdir", spec.cwd);
	printf("%-10s%s (uid %u, gid %u)\n", "user", img.config.user[0] ? img.config.user : "root",
	       spec.uid, spec.gid);
	for (size_t i = 0; i < img.layer_count; i++)
		total += img.layers[i].size;
	printf("%-10s%zu, %s as stored\n", "layers", img.layer_count,
	       solo_size_text(total, size, sizeof(size)));
	for (size_t i = 0; i < img.layer_count; i++)
		printf("  %s  %s\n", img.layers[i].digest,
		       solo_size_text(img.layers[i].size, size, sizeof(size)));
	rc = SOLO_EXIT_OK;
out:
	free(passwd);
	free(group);
	container_spec_free(&spec);
	rootfs_free(fs);
	oci_image_close(&img);
	return rc;
}
