/*
 * `solo build`: appliance config + OCI images -> bootable ESP image. The
 * order is chosen so the slow work happens only on checked input: the
 * command line, the config and every file the ESP needs are checked
 * first, then each container's initramfs is built into a private
 * temporary folder, and only then is the disk image written (itself
 * through a temporary file, see esp_image.h). Any failure is one line on
 * stderr, exit status 1, and no output file.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "container_build.h"
#include "esp_image.h"
#include "manifest.h"
#include "tool.h"

/* Files the ESP holds besides the containers' initramfs images. */
#define BUILD_MAX_EXTRA 32
#define BUILD_MAX_FILES (6 + CONFIG_MAX_CONTAINERS + BUILD_MAX_EXTRA)
_Static_assert(BUILD_MAX_FILES - 1 <= MANIFEST_MAX_FILES, "the manifest lists every file");

struct build_opts {
	const char *conf;
	const char *out;
	const char *kernel, *init, *boot, *hypervisor;
	size_t extra_count;
	struct esp_file extra[BUILD_MAX_EXTRA];
	struct solo_pull pull;
	bool unverified;
	uint64_t counter;                 /* 0: the time of the build */
	const char *sign_key, *sign_cert; /* sign the boot stage (sbsign) */
};

static void usage(FILE *f)
{
	fputs("Usage: solo build APPLIANCE.conf -o IMAGE [OPTION]...\n"
	      "Build each container's initramfs from its OCI image and write a bootable\n"
	      "FAT ESP disk image holding the boot stage, the hypervisor, the guest kernel,\n"
	      "the initramfs images and the config.\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output IMAGE          the disk image to write (required)\n"
	      "      --kernel PATH           guest kernel (default: BUILD/guest/bzImage)\n"
	      "      --init PATH             guest init (default: BUILD/guest/solo-init)\n"
	      "      --boot PATH             boot stage (default: BUILD/boot/BOOTX64.EFI)\n"
	      "      --hypervisor PATH       hypervisor (default: BUILD/hypervisor/solo.elf)\n"
	      "      --file ESP_PATH=FILE    also copy FILE to ESP_PATH, e.g. a [vm]'s initrd\n"
	      "                              ('\\solo\\x' or '/solo/x'); repeatable\n"
	      "      --counter N             the build counter in the manifest (default: the\n"
	      "                              time, in seconds since 1970); a machine refuses\n"
	      "                              a build older than the newest it booted\n"
	      "      --unverified            no manifest: the boot stage checks nothing\n"
	      "                              (development)\n"
	      "      --sign KEY --cert CERT  sign the boot stage for UEFI Secure Boot with\n"
	      "                              sbsign (PEM key and certificate)\n" SOLO_PULL_HELP
	      "  -h, --help                  show this help and exit\n"
	      "\n"
	      "BUILD is the folder holding this solo binary. An image is a registry\n"
	      "reference ([REGISTRY/]REPO[:TAG][@sha256:DIGEST], Docker Hub by default),\n"
	      "pulled into the cache ('solo cache dir'), or oci:DIR[:TAG] or\n"
	      "docker-archive:FILE, paths relative to the config file's folder. Registry\n"
	      "credentials come from auth.json (as podman's) or SOLO_REGISTRY_USER and\n"
	      "SOLO_REGISTRY_PASSWORD. A failed build leaves no image behind.\n"
	      "\n"
	      "Exit status:\n"
	      "  0  the image was written\n"
	      "  1  bad config, image or file (one line on stderr)\n"
	      "  2  wrong command line\n",
	      f);
}

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "solo build: %s%s%s\nTry 'solo build --help'.\n", what, arg ? " " : "",
	        arg ? arg : "");
	return SOLO_EXIT_USAGE;
}

/* "DIR/rest" in a buffer that lives as long as the process: the defaults
 * sit beside this binary, so the tool works from any folder. */
static const char *beside_self(const char *rest)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *out;

	if (n <= 0)
		return rest;
	self[n] = '\0';
	out = malloc(strlen(self) + strlen(rest) + 2);
	if (!out)
		return rest;
	sprintf(out, "%s/%s", dirname(self), rest);
	return out;
}

static int parse_args(int argc, char **argv, struct build_opts *o)
{
	enum {
		OPT_KERNEL = 256,
		OPT_INIT,
		OPT_BOOT,
		OPT_HYPERVISOR,
		OPT_FILE,
		OPT_COUNTER,
		OPT_UNVERIFIED,
		OPT_SIGN,
		OPT_CERT
	};
	static const struct option longs[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"kernel", required_argument, NULL, OPT_KERNEL},
	    {"init", required_argument, NULL, OPT_INIT},
	    {"boot", required_argument, NULL, OPT_BOOT},
	    {"hypervisor", required_argument, NULL, OPT_HYPERVISOR},
	    {"file", required_argument, NULL, OPT_FILE},
	    {"no-cache", no_argument, NULL, SOLO_OPT_NO_CACHE},
	    {"counter", required_argument, NULL, OPT_COUNTER},
	    {"unverified", no_argument, NULL, OPT_UNVERIFIED},
	    {"sign", required_argument, NULL, OPT_SIGN},
	    {"cert", required_argument, NULL, OPT_CERT},
	    {"insecure-registry", required_argument, NULL, SOLO_OPT_INSECURE_REGISTRY},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	opterr = 0;
	optind = 1;
	solo_pull_options_init(&o->pull);
	while ((c = getopt_long(argc, argv, ":o:h", longs, NULL)) != -1) {
		const char *why;
		switch (c) {
		case OPT_COUNTER: {
			char *end;
			errno = 0;
			unsigned long long n = strtoull(optarg, &end, 10);
			if (!*optarg || *end || errno || n == 0 || n > INT64_MAX ||
			    optarg[0] == '-')
				return usage_error("--counter wants a number from 1 to 2^63-1, got",
				                   optarg);
			o->counter = n;
			break;
		}
		case OPT_UNVERIFIED:
			o->unverified = true;
			break;
		case OPT_SIGN:
			o->sign_key = optarg;
			break;
		case OPT_CERT:
			o->sign_cert = optarg;
			break;
		case SOLO_OPT_NO_CACHE:
		case SOLO_OPT_INSECURE_REGISTRY:
			if (!solo_pull_option(&o->pull, c, optarg, &why))
				return usage_error(why, NULL);
			break;
		case 'o':
			o->out = optarg;
			break;
		case OPT_KERNEL:
			o->kernel = optarg;
			break;
		case OPT_INIT:
			o->init = optarg;
			break;
		case OPT_BOOT:
			o->boot = optarg;
			break;
		case OPT_HYPERVISOR:
			o->hypervisor = optarg;
			break;
		case OPT_FILE: {
			char *eq = strchr(optarg, '=');
			struct esp_file *f = &o->extra[o->extra_count];

			if (o->extra_count == BUILD_MAX_EXTRA)
				return usage_error("too many --file options", NULL);
			if (!eq || !eq[1])
				return usage_error("--file wants ESP_PATH=FILE, got", optarg);
			*eq = '\0';
			if (!esp_path_normalize(optarg, f->path))
				return usage_error("--file: not an absolute ESP path:", optarg);
			f->host = eq + 1;
			o->extra_count++;
			break;
		}
		case 'h':
			usage(stdout);
			return -1;
		case ':':
			return usage_error("option needs a value:", argv[optind - 1]);
		default:
			return usage_error("unknown option", argv[optind - 1]);
		}
	}
	if (optind == argc)
		return usage_error("missing APPLIANCE.conf", NULL);
	if (optind + 1 < argc)
		return usage_error("unexpected argument", argv[optind + 1]);
	o->conf = argv[optind];
	if (!o->out)
		return usage_error("missing -o IMAGE", NULL);
	if (!o->sign_key != !o->sign_cert)
		return usage_error("--sign and --cert go together", NULL);
	if (!o->kernel)
		o->kernel = beside_self("guest/bzImage");
	if (!o->init)
		o->init = beside_self("guest/solo-init");
	if (!o->boot)
		o->boot = beside_self("boot/BOOTX64.EFI");
	if (!o->hypervisor)
		o->hypervisor = beside_self("hypervisor/solo.elf");
	return SOLO_EXIT_OK;
}

/* The whole file in malloc'd memory, or NULL with errno set. */
char *solo_slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, len = 0, n;

	if (!f)
		return NULL;
	do {
		if (len == cap) {
			char *grown = realloc(buf, cap = cap ? cap * 2 : 65536);
			if (!grown) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = grown;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	*size = len;
	return buf;
}

/* Rewrites c->image so the path inside the reference is read relative to
 * the config's folder rather than the current one. */
static bool resolve_image(struct config_container *c, const char *conf_dir, char *err,
                          size_t errlen)
{
	static const char *transports[] = {"oci:", "docker-archive:"};
	char resolved[CONFIG_IMAGE_MAX + 1];

	for (size_t i = 0; i < sizeof(transports) / sizeof(transports[0]); i++) {
		size_t t = strlen(transports[i]);

		if (strncmp(c->image, transports[i], t) != 0)
			continue;
		if (c->image[t] == '/' || strcmp(conf_dir, ".") == 0)
			return true;
		if (snprintf(resolved, sizeof(resolved), "%s%s/%s", transports[i], conf_dir,
		             c->image + t) >= (int)sizeof(resolved)) {
			snprintf(err, errlen, "image path too long once put under %s", conf_dir);
			return false;
		}
		memcpy(c->image, resolved, sizeof(resolved));
		return true;
	}
	return true; /* oci_image_open() names the unknown transport */
}

/* argv[0] as the guest init will run it, read back from the spec in the
 * written initramfs: what the summary shows is what was written. */
static void spec_argv0(const char *cpio, char *out, size_t len)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char spec[4096];
	ssize_t n;

	snprintf(out, len, "?");
	archive_read_support_filter_all(a);
	archive_read_support_format_cpio(a);
	if (archive_read_open_filename(a, cpio, 65536) != ARCHIVE_OK)
		goto done;
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);

		name += strspn(name, "./");
		if (strcmp(name, "solo/spec") != 0 && strcmp(name, ".solo/spec") != 0)
			continue;
		n = archive_read_data(a, spec, sizeof(spec) - 1);
		if (n > 0 && strncmp(spec, "argv=", 5) == 0) {
			spec[n] = '\0';
			spec[strcspn(spec, "\n")] = '\0';
			/* A long argv[0] is shown cut; it is only a summary. */
			if (snprintf(out, len, "%s", spec + 5) >= (int)len && len > 4)
				memcpy(out + len - 4, "...", 4);
		}
		break;
	}
done:
	archive_read_free(a);
}

/* Every input file is readable before any work starts. */
static bool check_inputs(const struct build_opts *o, char *err, size_t errlen)
{
	const char *what[] = {"boot stage", "hypervisor", "kernel", "guest init"};
	const char *opt[] = {"--boot", "--hypervisor", "--kernel", "--init"};
	const char *path[] = {o->boot, o->hypervisor, o->kernel, o->init};
	struct stat st;

	for (size_t i = 0; i < 4; i++) {
		errno = 0;
		if (stat(path[i], &st) != 0 || !S_ISREG(st.st_mode)) {
			snprintf(err, errlen, "%s %s: %s (give %s PATH)", what[i], path[i],
			         errno ? strerror(errno) : "not a file", opt[i]);
			return false;
		}
	}
	for (size_t i = 0; i < o->extra_count; i++) {
		errno = 0;
		if (stat(o->extra[i].host, &st) != 0 || !S_ISREG(st.st_mode)) {
			snprintf(err, errlen, "--file %s: %s: %s", o->extra[i].path,
			         o->extra[i].host, errno ? strerror(errno) : "not a file");
			return false;
		}
	}
	return true;
}

static bool add_file(struct esp_file *files, size_t *count, const char *path, const char *host,
                     char *err, size_t errlen)
{
	for (size_t i = 0; i < *count; i++) {
		if (esp_path_equal(files[i].path, path)) {
			snprintf(err, errlen, "%s: given twice on the ESP", path);
			return false;
		}
	}
	snprintf(files[*count].path, sizeof(files->path), "%s", path);
	files[(*count)++].host = host;
	return true;
}

static bool on_esp(const struct esp_file *files, size_t count, const char *path)
{
	for (size_t i = 0; i < count; i++)
		if (esp_path_equal(files[i].path, path))
			return true;
	return false;
}

/* The state one build owns, released by build_cleanup() on every path. */
struct build {
	struct appliance_config cfg;
	char *conf_text;
	void *init;
	size_t init_size;
	char workdir[PATH_MAX];
	/* Allocated each: 512 arrays of PATH_MAX would be 2 MiB. */
	char *cpio[CONFIG_MAX_CONTAINERS];
	char manifest[PATH_MAX + 32], boot_copy[PATH_MAX + 32], boot_signed[PATH_MAX + 32];
	struct esp_file files[BUILD_MAX_FILES];
	size_t file_count;
};

static void build_cleanup(struct build *b)
{
	for (size_t i = 0; i < CONFIG_MAX_CONTAINERS; i++)
		if (b->cpio[i]) {
			unlink(b->cpio[i]);
			free(b->cpio[i]);
			b->cpio[i] = NULL;
		}
	if (b->manifest[0])
		unlink(b->manifest);
	if (b->boot_copy[0])
		unlink(b->boot_copy);
	if (b->boot_signed[0])
		unlink(b->boot_signed);
	if (b->workdir[0])
		rmdir(b->workdir);
	free(b->conf_text);
	free(b->init);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int fail(struct build *b, const char *fmt, const char *a, const char *c)
{
	fputs("solo build: ", stderr);
	fprintf(stderr, fmt, a, c);
	fputc('\n', stderr);
	build_cleanup(b);
	return SOLO_EXIT_FAIL;
}

/* Container errors read "container 'NAME': cause" whichever step failed;
 * the spec step already says so itself. */
static int container_fail(struct build *b, const char *name, const char *why)
{
	char prefix[CONFIG_NAME_MAX + 16];

	snprintf(prefix, sizeof(prefix), "container '%s': ", name);
	if (strncmp(why, prefix, strlen(prefix)) == 0)
		why += strlen(prefix);
	return fail(b, "container '%s': %s", name, why);
}

int solo_build_main(int argc, char **argv)
{
	static struct build b; /* large: the config's fixed arrays */
	struct build_opts o = {0};
	struct timespec t0;
	char err[1024], conf_copy[PATH_MAX], path[CONFIG_PATH_MAX + 1], size[32];
	const char *conf_dir;
	size_t conf_size;
	uint64_t image_size;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = parse_args(argc, argv, &o);
	if (rc != SOLO_EXIT_OK)
		return rc < 0 ? SOLO_EXIT_OK : rc;

	b.conf_text = solo_slurp(o.conf, &conf_size);
	if (!b.conf_text)
		return fail(&b, "%s: %s", o.conf, strerror(errno));
	if (!config_parse(b.conf_text, conf_size, &b.cfg, err, sizeof(err)))
		return fail(&b, "%s: %s", o.conf, err);
	snprintf(conf_copy, sizeof(conf_copy), "%s", o.conf);
	conf_dir = dirname(conf_copy);
	if (!check_inputs(&o, err, sizeof(err)))
		return fail(&b, "%s%s", err, "");

	/* The ESP's fixed files, then the containers', then --file. */
	if (!add_file(b.files, &b.file_count, "\\EFI\\BOOT\\BOOTX64.EFI", o.boot, err,
	              sizeof(err)) ||
	    !add_file(b.files, &b.file_count, "\\solo\\hypervisor.elf", o.hypervisor, err,
	              sizeof(err)) ||
	    !add_file(b.files, &b.file_count, "\\solo\\appliance.conf", o.conf, err, sizeof(err)) ||
	    !add_file(b.files, &b.file_count, CONFIG_CONTAINER_KERNEL, o.kernel, err, sizeof(err)))
		return fail(&b, "%s%s", err, "");
	for (uint32_t i = 0; i < b.cfg.container_count; i++) {
		snprintf(path, sizeof(path), "%s%s.cpio", CONFIG_CONTAINER_INITRD_DIR,
		         b.cfg.containers[i].name);
		/* The host file is filled in once it is built. */
		if (!add_file(b.files, &b.file_count, path, "", err, sizeof(err)))
			return fail(&b, "%s%s", err, "");
	}
	for (size_t i = 0; i < o.extra_count; i++)
		if (!add_file(b.files, &b.file_count, o.extra[i].path, o.extra[i].host, err,
		              sizeof(err)))
			return fail(&b, "--file %s%s", err, "");
	/* A [vm] whose files are not on the ESP would only fail at boot. */
	for (uint32_t i = 0; i < b.cfg.vm_count; i++) {
		const struct config_vm *vm = &b.cfg.vms[i];
		const char *missing = !on_esp(b.files, b.file_count, vm->kernel) ? vm->kernel
		                      : vm->initrd[0] && !on_esp(b.files, b.file_count, vm->initrd)
		                          ? vm->initrd
		                          : NULL;
		if (missing) {
			snprintf(err, sizeof(err),
			         "vm '%s': %s is not on the ESP (add --file '%s=HOST_FILE')",
			         vm->name, missing, missing);
			return fail(&b, "%s: %s", o.conf, err);
		}
	}

	b.init = solo_slurp(o.init, &b.init_size);
	if (!b.init)
		return fail(&b, "guest init %s: %s", o.init, strerror(errno));
	snprintf(b.workdir, sizeof(b.workdir), "%s/solo-build-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(b.workdir)) {
		rc = fail(&b, "%s: %s", b.workdir, strerror(errno));
		return rc;
	}
	for (uint32_t i = 0; i < b.cfg.container_count; i++) {
		struct config_container c = b.cfg.containers[i];
		char image[sizeof(c.image)];

		if (!resolve_image(&c, conf_dir, err, sizeof(err)))
			return container_fail(&b, c.name, err);
		memcpy(image, c.image, sizeof(image));
		if (!solo_pull_image(&o.pull, image, stdout, c.image, sizeof(c.image), err,
		                     sizeof(err)))
			return container_fail(&b, c.name, err);
		size_t len = strlen(b.workdir) + strlen(c.name) + sizeof("/.cpio");
		b.cpio[i] = malloc(len);
		if (!b.cpio[i])
			return fail(&b, "%s: %s", c.name, "out of memory");
		snprintf(b.cpio[i], len, "%s/%s.cpio", b.workdir, c.name);
		if (!container_build_initramfs(&b.cfg, i, &c, b.init, b.init_size, b.cpio[i],
		                               INITRAMFS_GZIP, err, sizeof(err)))
			return container_fail(&b, c.name, err);
		b.files[4 + i].host = b.cpio[i];
	}
	if (!o.unverified) {
		uint64_t counter = o.counter ? o.counter : (uint64_t)time(NULL);
		snprintf(b.manifest, sizeof(b.manifest), "%s/manifest", b.workdir);
		snprintf(b.boot_copy, sizeof(b.boot_copy), "%s/BOOTX64.EFI", b.workdir);
		if (!solo_manifest_build(b.files, b.file_count, b.cfg.name, counter, b.manifest,
		                         b.boot_copy, err, sizeof(err)))
			return fail(&b, "%s%s", err, "");
		if (!add_file(b.files, &b.file_count, MANIFEST_PATH, b.manifest, err, sizeof(err)))
			return fail(&b, "%s%s", err, "");
		b.files[0].host = b.boot_copy;
		printf("solo build: manifest of %zu files, build counter %llu\n", b.file_count - 2,
		       (unsigned long long)counter);
	}
	if (o.sign_key) {
		snprintf(b.boot_signed, sizeof(b.boot_signed), "%s/BOOTX64.signed.EFI", b.workdir);
		char *sbsign[] = {"sbsign",
		                  "--key",
		                  (char *)o.sign_key,
		                  "--cert",
		                  (char *)o.sign_cert,
		                  "--output",
		                  b.boot_signed,
		                  (char *)b.files[0].host,
		                  NULL};
		if (!solo_run_tool(sbsign, "sbsigntool", err, sizeof(err)))
			return fail(&b, "signing the boot stage: %s%s", err, "");
		b.files[0].host = b.boot_signed;
		printf("solo build: boot stage signed with %s\n", o.sign_cert);
	}
	if (!esp_image_write(o.out, b.files, b.file_count, &image_size, err, sizeof(err)))
		return fail(&b, "%s: %s", o.out, err);

	printf("solo build: appliance '%s', %u container%s, %u vm%s\n", b.cfg.name,
	       b.cfg.container_count, b.cfg.container_count == 1 ? "" : "s", b.cfg.vm_count,
	       b.cfg.vm_count == 1 ? "" : "s");
	for (uint32_t i = 0; i < b.cfg.container_count; i++) {
		struct stat st;
		char argv0[256];

		spec_argv0(b.cpio[i], argv0, sizeof(argv0));
		stat(b.cpio[i], &st);
		printf("  %-16s initramfs %-9s argv[0] %s\n", b.cfg.containers[i].name,
		       solo_size_text((unsigned long long)st.st_size, size, sizeof(size)), argv0);
	}
	printf("wrote %s (%s) in %.2f s\n", o.out, solo_size_text(image_size, size, sizeof(size)),
	       seconds_since(&t0));
	build_cleanup(&b);
	return SOLO_EXIT_OK;
}
