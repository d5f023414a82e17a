/*
 * Parser of /.solo/spec (the format is described in spec.h). Every line is
 * checked before anything in the spec is used, so solo-init either runs
 * the container exactly as written or refuses with one line naming the
 * first bad line, which it reports as status 125 like `docker run` does
 * for its own errors.
 */
#include "spec.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Linux's HOST_NAME_MAX: sethostname() refuses longer names. */
#define SPEC_HOSTNAME_MAX 64

static void set_error(char error[SPEC_ERROR_SIZE], unsigned line, const char *fmt, ...)
{
	int n = snprintf(error, SPEC_ERROR_SIZE, "line %u: ", line);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(error + n, SPEC_ERROR_SIZE - (size_t)n, fmt, ap);
	va_end(ap);
}

/* Appends S to the NULL-terminated array *LIST of *COUNT entries. */
static int push(char ***list, size_t *count, char *s)
{
	char **grown = realloc(*list, (*count + 2) * sizeof(**list));

	if (grown == NULL)
		return -1;
	grown[(*count)++] = s;
	grown[*count] = NULL;
	*list = grown;
	return 0;
}

/* A decimal id: digits only (no sign, no spaces), below 0xffffffff. */
static bool parse_id(const char *s, uint32_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v >= 0xffffffffu)
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

/* The keys that may appear once each: SEEN in spec_parse() is indexed by them. */
enum single_key { KEY_CWD, KEY_UID, KEY_GID, KEY_HOSTNAME, KEY_COUNT };
static const char *const single_key_names[KEY_COUNT] = {"cwd", "uid", "gid", "hostname"};

/* Parses one non-empty line KEY=VALUE; returns 0, or -1 with ERROR set. */
static int parse_line(struct spec *spec, char *key, unsigned line, bool seen[KEY_COUNT],
                      char error[SPEC_ERROR_SIZE])
{
	char *value = strchr(key, '=');

	if (value == NULL) {
		set_error(error, line, "not key=value: '%.40s'", key);
		return -1;
	}
	*value++ = '\0';

	if (strcmp(key, "argv") == 0) {
		if (push(&spec->argv, &spec->argc, value) != 0)
			goto no_memory;
		return 0;
	}
	if (strcmp(key, "env") == 0) {
		char *eq = strchr(value, '=');

		if (eq == NULL || eq == value) {
			set_error(error, line, "env is not NAME=value: '%.40s'", value);
			return -1;
		}
		if (push(&spec->env, &spec->envc, value) != 0)
			goto no_memory;
		return 0;
	}

	enum single_key k = 0;

	while (k < KEY_COUNT && strcmp(key, single_key_names[k]) != 0)
		k++;
	if (k == KEY_COUNT) {
		set_error(error, line, "unknown key '%.40s'", key);
		return -1;
	}
	if (seen[k]) {
		set_error(error, line, "%s given twice", key);
		return -1;
	}
	seen[k] = true;

	switch (k) {
	case KEY_CWD:
		if (value[0] != '/') {
			set_error(error, line, "cwd is not an absolute path: '%.40s'", value);
			return -1;
		}
		spec->cwd = value;
		return 0;
	case KEY_UID:
	case KEY_GID:
		if (!parse_id(value, k == KEY_UID ? &spec->uid : &spec->gid)) {
			set_error(error, line, "%s is not a number below 4294967295: '%.40s'", key,
			          value);
			return -1;
		}
		return 0;
	default: /* KEY_HOSTNAME */
		if (value[0] == '\0' || strlen(value) > SPEC_HOSTNAME_MAX) {
			set_error(error, line, "hostname must be 1 to %d bytes long",
			          SPEC_HOSTNAME_MAX);
			return -1;
		}
		spec->hostname = value;
		return 0;
	}

no_memory:
	set_error(error, line, "out of memory");
	return -1;
}

int spec_parse(char *text, size_t len, struct spec *spec, char error[SPEC_ERROR_SIZE])
{
	bool seen[KEY_COUNT] = {false};
	unsigned line = 1;
	size_t start = 0;

	*spec = (struct spec){.cwd = "/"};
	error[0] = '\0';
	/* Lines are cut at NULs, so one inside the text would silently
	 * shorten a value. */
	if (strlen(text) != len) {
		snprintf(error, SPEC_ERROR_SIZE, "the spec holds a NUL byte");
		return -1;
	}
	while (start < len) {
		char *nl = strchr(text + start, '\n');
		size_t end = nl != NULL ? (size_t)(nl - text) : len;

		if (nl != NULL)
			*nl = '\0';
		if (end > start && parse_line(spec, text + start, line, seen, error) != 0)
			goto fail;
		start = end + 1;
		line++;
	}
	if (spec->argc == 0) {
		snprintf(error, SPEC_ERROR_SIZE, "no argv line: nothing to run");
		goto fail;
	}
	if (spec->argv[0][0] == '\0') {
		snprintf(error, SPEC_ERROR_SIZE, "argv[0] is empty");
		goto fail;
	}
	/* execve() wants a list even when it is empty. */
	if (spec->env == NULL)
		spec->env = calloc(1, sizeof(*spec->env));
	if (spec->env == NULL) {
		snprintf(error, SPEC_ERROR_SIZE, "out of memory");
		goto fail;
	}
	return 0;

fail:
	spec_free(spec);
	return -1;
}

void spec_free(struct spec *spec)
{
	free(spec->argv);
	free(spec->env);
	*spec = (struct spec){.cwd = "/"};
}
