/*
 * The ESP image writer (see esp_image.h). Sizing follows what the files
 * need plus room for FAT's own structures, grown in whole cylinders; the
 * tools' error output is caught so a failure is reported as one line
 * naming the tool, not as a screenful of mtools chatter.
 */
#include "esp_image.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

bool solo_run_tool(char *const argv[], const char *package, char *err, size_t errlen)
{
	posix_spawn_file_actions_t fa;
	int pipefd[2];
	pid_t pid;
	char out[1024];
	size_t got = 0;
	ssize_t n;
	int status, rc;

	if (pipe(pipefd) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return false;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	posix_spawn_file_actions_addclose(&fa, pipefd[0]);
	posix_spawn_file_actions_addclose(&fa, pipefd[1]);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (rc != 0) {
		close(pipefd[0]);
		snprintf(err, errlen, "cannot run %s: %s (install %s)", argv[0], strerror(rc),
		         package);
		return false;
	}
	/* Read to the end so a chatty tool never blocks on a full pipe. */
	while ((n = read(pipefd[0], out + got, sizeof(out) - 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		got += (size_t)n;
		if (got == sizeof(out) - 1) {
			char sink[512];
			while (read(pipefd[0], sink, sizeof(sink)) > 0)
				;
			break;
		}
	}
	close(pipefd[0]);
	out[got] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	/* The last line says why (tools warn first, e.g. sbsign). */
	while (got && out[got - 1] == '\n')
		out[--got] = '\0';
	char *last = strrchr(out, '\n');
	last = last ? last + 1 : out;
	snprintf(err, errlen, "%s failed: %s", argv[0], last[0] ? last : "no message");
	return false;
}

bool esp_path_normalize(const char *src, char dst[CONFIG_PATH_MAX + 1])
{
	size_t len = 0, part = 0;

	if (*src != '/' && *src != '\\')
		return false;
	for (const char *p = src; *p; p++) {
		char c = *p == '/' ? '\\' : *p;

		if (len == CONFIG_PATH_MAX || (unsigned char)c < 0x20 || strchr("\"*:<>?|", c))
			return false;
		if (c == '\\') {
			/* The part just ended must be a real name. */
			if (len > 0 && (part == 0 || (part == 1 && dst[len - 1] == '.') ||
			                (part == 2 && dst[len - 1] == '.' && dst[len - 2] == '.')))
				return false;
			part = 0;
		} else {
			part++;
		}
		dst[len++] = c;
	}
	dst[len] = '\0';
	return part > 0 && !(part == 1 && dst[len - 1] == '.') &&
	       !(part == 2 && dst[len - 1] == '.' && dst[len - 2] == '.');
}

bool esp_path_equal(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

/* The mtools form of an ESP path: "::/solo/x". */
static void mtools_path(const char *esp, char *out, size_t len)
{
	size_t i = snprintf(out, len, "::%s", esp);

	for (; i > 2; i--)
		if (out[i - 1] == '\\')
			out[i - 1] = '/';
}

/* Makes each parent folder of path not already in made[] (count *nmade). */
static bool make_parents(const char *img, const char *path, char made[][CONFIG_PATH_MAX + 1],
                         size_t *nmade, size_t max_made, char *err, size_t errlen)
{
	char dir[CONFIG_PATH_MAX + 1], target[CONFIG_PATH_MAX + 3];

	for (const char *p = strchr(path + 1, '\\'); p; p = strchr(p + 1, '\\')) {
		bool known = false;

		snprintf(dir, sizeof(dir), "%.*s", (int)(p - path), path);
		for (size_t i = 0; i < *nmade && !known; i++)
			known = esp_path_equal(made[i], dir);
		if (known)
			continue;
		if (*nmade == max_made) {
			snprintf(err, errlen, "too many folders on the ESP");
			return false;
		}
		mtools_path(dir, target, sizeof(target));
		char *argv[] = {"mmd", "-i", (char *)img, target, NULL};
		if (!solo_run_tool(argv, "dosfstools and mtools", err, errlen))
			return false;
		snprintf(made[(*nmade)++], CONFIG_PATH_MAX + 1, "%s", dir);
	}
	return true;
}

static bool fill(const char *tmp, const struct esp_file *files, size_t count, char *err,
                 size_t errlen)
{
	static char made[64][CONFIG_PATH_MAX + 1];
	size_t nmade = 0;
	char target[CONFIG_PATH_MAX + 3];
	char *mkfs[] = {"mkfs.vfat", "-F", "16", "-n", "SOLO", (char *)tmp, NULL};

	if (!solo_run_tool(mkfs, "dosfstools and mtools", err, errlen))
		return false;
	for (size_t i = 0; i < count; i++) {
		if (!make_parents(tmp, files[i].path, made, &nmade, 64, err, errlen))
			return false;
		mtools_path(files[i].path, target, sizeof(target));
		char *argv[] = {"mcopy", "-i", (char *)tmp, (char *)files[i].host, target, NULL};
		if (!solo_run_tool(argv, "dosfstools and mtools", err, errlen))
			return false;
	}
	return true;
}

bool esp_image_write(const char *out, const struct esp_file *files, size_t count,
                     uint64_t *size_out, char *err, size_t errlen)
{
	uint64_t bytes = 0, need, cylinders = ESP_MIN_CYLINDERS;
	char tmp[4096];
	struct stat st;
	int fd;

	for (size_t i = 0; i < count; i++) {
		if (stat(files[i].host, &st) != 0) {
			snprintf(err, errlen, "%s: %s", files[i].host, strerror(errno));
			return false;
		}
		bytes += (uint64_t)st.st_size;
	}
	/* Each file may waste up to a cluster (at most 64 KiB on FAT16); the
	 * two FATs take about 1/64 of the data at worst; 1 MiB covers the
	 * boot sector, root directory and folders. */
	need = bytes + count * 65536 + bytes / 64 + (1u << 20);
	if (need > cylinders * ESP_CYLINDER_BYTES)
		cylinders = (need + ESP_CYLINDER_BYTES - 1) / ESP_CYLINDER_BYTES;
	if (cylinders * ESP_CYLINDER_BYTES > (2ULL << 30) - ESP_CYLINDER_BYTES) {
		snprintf(err, errlen, "%llu MiB of files do not fit a FAT16 ESP (2 GiB)",
		         (unsigned long long)(bytes >> 20));
		return false;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", out) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", out);
		return false;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", out, strerror(errno));
		return false;
	}
	if (ftruncate(fd, (off_t)(cylinders * ESP_CYLINDER_BYTES)) != 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return false;
	}
	close(fd);
	/* mtools refuses an image whose geometry it finds odd; this one is
	 * ours and sized on purpose. */
	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	if (!fill(tmp, files, count, err, errlen)) {
		unlink(tmp);
		return false;
	}
	if (chmod(tmp, 0644) != 0 || rename(tmp, out) != 0) {
		snprintf(err, errlen, "%s: %s", out, strerror(errno));
		unlink(tmp);
		return false;
	}
	*size_out = cylinders * ESP_CYLINDER_BYTES;
	return true;
}
