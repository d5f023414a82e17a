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

/* A decimal number of 1 to 3 digits, no leading zero, at most MAX, at *S;
 * advances *S past it. */
static bool parse_small(const char **s, unsigned max, unsigned *out)
{
	const char *p = *s;
	unsigned v = 0;

	while (*p >= '0' && *p <= '9' && p - *s < 4)
		v = v * 10 + (unsigned)(*p++ - '0');
	if (p == *s || p - *s > 3 || (p - *s > 1 && **s == '0') || v > max)
		return false;
	*s = p;
	*out = v;
	return true;
}

/* A dotted-quad IPv4 address at *S, other than 0.0.0.0; advances *S past
 * it. Leading zeros are refused: inet_aton() would read them as octal. */
static bool parse_ipv4(const char **s, uint32_t *out)
{
	uint32_t a = 0;

	for (int i = 0; i < 4; i++) {
		unsigned byte;

		if (i > 0 && *(*s)++ != '.')
			return false;
		if (!parse_small(s, 255, &byte))
			return false;
		a = a << 8 | byte;
	}
	*out = a;
	return a != 0;
}

/* A whole value that is an IPv4 address. */
static bool parse_ipv4_value(const char *s, uint32_t *out)
{
	return parse_ipv4(&s, out) && *s == '\0';
}

int spec_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* A unicast MAC address as xx:xx:xx:xx:xx:xx in lower case at *S;
 * advances *S past it. */
static bool parse_mac(const char **s, uint8_t mac[6])
{
	const char *p = *s;
	unsigned any = 0;

	for (int i = 0; i < 6; i++) {
		int hi, lo;

		if (i > 0 && *p++ != ':')
			return false;
		if ((hi = spec_hex_digit(p[0])) < 0 || (lo = spec_hex_digit(p[1])) < 0)
			return false;
		mac[i] = (uint8_t)(hi << 4 | lo);
		any |= mac[i];
		p += 2;
	}
	*s = p;
	/* Bit 0 of the first byte marks a group address. */
	return any != 0 && (mac[0] & 1) == 0;
}

int spec_parse_nic(const char *value, struct spec_nic *nic)
{
	const char *s = value;

	*nic = (struct spec_nic){.dhcp = false};
	if (!parse_mac(&s, nic->mac) || *s++ != ' ')
		return -1;
	if (strcmp(s, "dhcp") == 0) {
		nic->dhcp = true;
		return 0;
	}
	if (!parse_ipv4(&s, &nic->address) || *s++ != '/' || !parse_small(&s, 32, &nic->prefix) ||
	    nic->prefix == 0 || *s != '\0')
		return -2;
	return 0;
}

/* net=MAC ADDRESS/PREFIX or net=MAC dhcp. */
static int parse_net(struct spec *spec, const char *value, unsigned line,
                     char error[SPEC_ERROR_SIZE])
{
	struct spec_nic nic;

	if (spec->nic_count == SPEC_MAX_NICS) {
		set_error(error, line, "more than %d net lines", SPEC_MAX_NICS);
		return -1;
	}
	int rc = spec_parse_nic(value, &nic);
	if (rc == -1) {
		set_error(error, line,
		          "net does not start with a unicast MAC in lower case: '%.40s'", value);
		return -1;
	}
	if (rc != 0) {
		set_error(error, line,
		          "net is not 'MAC ADDRESS/PREFIX' (1-32) or 'MAC dhcp': '%.40s'", value);
		return -1;
	}
	for (size_t i = 0; i < spec->nic_count; i++) {
		if (memcmp(spec->nics[i].mac, nic.mac, sizeof(nic.mac)) == 0) {
			set_error(error, line, "net: MAC %.17s given twice", value);
			return -1;
		}
	}
	spec->nics[spec->nic_count++] = nic;
	return 0;
}

/* host=IP NAME, NAME as /etc/hosts takes it. */
static int parse_host(struct spec *spec, const char *value, unsigned line,
                      char error[SPEC_ERROR_SIZE])
{
	struct spec_host host;
	const char *s = value;
	size_t n;

	if (spec->host_count == SPEC_MAX_HOSTS) {
		set_error(error, line, "more than %d host lines", SPEC_MAX_HOSTS);
		return -1;
	}
	if (!parse_ipv4(&s, &host.address) || *s++ != ' ' ||
	    (n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")) ==
	        0 ||
	    n > SPEC_HOSTNAME_MAX || s[n] != '\0') {
		set_error(error, line,
		          "host is not 'IP NAME' (NAME up to %d of A-Z a-z 0-9 . _ -): '%.40s'",
		          SPEC_HOSTNAME_MAX, value);
		return -1;
	}
	host.name = s;
	spec->hosts[spec->host_count++] = host;
	return 0;
}

/* The keys that may appear once each: SEEN in spec_parse() is indexed by them. */
enum single_key { KEY_CWD, KEY_UID, KEY_GID, KEY_HOSTNAME, KEY_ROUTE, KEY_COUNT };
static const char *const single_key_names[KEY_COUNT] = {"cwd", "uid", "gid", "hostname", "route"};

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
	if (strcmp(key, "net") == 0)
		return parse_net(spec, value, line, error);
	if (strcmp(key, "host") == 0)
		return parse_host(spec, value, line, error);
	if (strcmp(key, "dns") == 0) {
		if (spec->dns_count == SPEC_MAX_DNS) {
			set_error(error, line, "more than %d dns lines", SPEC_MAX_DNS);
			return -1;
		}
		if (!parse_ipv4_value(value, &spec->dns[spec->dns_count])) {
			set_error(error, line, "dns is not an IPv4 address: '%.40s'", value);
			return -1;
		}
		spec->dns_count++;
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
	case KEY_ROUTE:
		if (!parse_ipv4_value(value, &spec->gateway)) {
			set_error(error, line, "route is not an IPv4 address: '%.40s'", value);
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
