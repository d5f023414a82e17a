/*
 * The appliance config parser (grammar in config.h). It reads the text one
 * line at a time and validates every value completely before storing it,
 * so a rejected file never leaves a half-checked value behind. The text
 * is untrusted and not NUL-terminated: everything works on (pointer,
 * length) spans and nothing reads past len. Only memcpy and memset come
 * from the C library, because the boot stage's gnu-efi provides no more.
 */
#include "config.h"

#include <string.h>

/* A piece of the input text: not NUL-terminated. */
struct span {
	const char *p;
	size_t n;
};

enum section {
	SECTION_NONE,
	SECTION_APPLIANCE,
	SECTION_CONTAINER,
	SECTION_VM,
};

struct parser {
	struct appliance_config *out;
	unsigned line;
	enum section section;
	struct config_container *container; /* when section is a container */
	struct config_vm *vm;               /* when section is a vm */
	uint32_t keys_seen;                 /* bit per key table entry, this section */
	bool have_appliance;
	char *err;
	size_t errlen;
	size_t errpos;
};

struct key {
	const char *name;
	bool repeatable;
	bool (*parse)(struct parser *p, struct span value);
};

/* ---- error messages --------------------------------------------------- */

static void err_put(struct parser *p, const char *s, size_t n)
{
	for (size_t i = 0; i < n && p->errpos + 1 < p->errlen; i++)
		p->err[p->errpos++] = s[i];
	if (p->errlen)
		p->err[p->errpos] = '\0';
}

static void err_str(struct parser *p, const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	err_put(p, s, n);
}

static void err_uint(struct parser *p, uint64_t v)
{
	char digits[20];
	size_t n = 0;
	do {
		digits[sizeof(digits) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	err_put(p, digits + sizeof(digits) - n, n);
}

/* Quoted input goes into messages clipped, so one long line cannot push
 * the cause out of the message. */
static void err_quoted(struct parser *p, struct span s)
{
	const size_t clip = 48;
	err_put(p, "'", 1);
	err_put(p, s.p, s.n > clip ? clip : s.n);
	if (s.n > clip)
		err_put(p, "...", 3);
	err_put(p, "'", 1);
}

/* "line N: <before>'<quoted>'<after>"; quoted is left out when s.p is
 * NULL. Returns false so callers can `return line_error(...)`. */
static bool line_error(struct parser *p, const char *before, struct span quoted, const char *after)
{
	p->errpos = 0;
	err_str(p, "line ");
	err_uint(p, p->line);
	err_str(p, ": ");
	err_str(p, before);
	if (quoted.p)
		err_quoted(p, quoted);
	err_str(p, after);
	return false;
}

static const struct span no_span = {0, 0};

/* ---- spans -------------------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static struct span trim(struct span s)
{
	while (s.n && is_blank(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_blank(s.p[s.n - 1]))
		s.n--;
	return s;
}

static bool span_is(struct span s, const char *word)
{
	size_t i = 0;
	for (; i < s.n; i++)
		if (word[i] != s.p[i])
			return false;
	return word[i] == '\0';
}

static bool span_starts_with(struct span s, const char *word)
{
	for (size_t i = 0; word[i]; i++)
		if (i >= s.n || s.p[i] != word[i])
			return false;
	return true;
}

static bool span_equal(struct span a, struct span b)
{
	if (a.n != b.n)
		return false;
	for (size_t i = 0; i < a.n; i++)
		if (a.p[i] != b.p[i])
			return false;
	return true;
}

static void span_copy(char *dst, struct span s)
{
	memcpy(dst, s.p, s.n);
	dst[s.n] = '\0';
}

static struct span span_of(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return (struct span){s, n};
}

/* [a-z0-9][a-z0-9_-]{0,30}: safe in file names, log prefixes and the
 * management console's commands without quoting. */
static bool valid_name(struct span s)
{
	if (s.n == 0 || s.n > CONFIG_NAME_MAX)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		char c = s.p[i];
		bool ok =
		    (c >= 'a' && c <= 'z') || is_digit(c) || (i > 0 && (c == '_' || c == '-'));
		if (!ok)
			return false;
	}
	return true;
}

/* Decimal digits only, no sign, no overflow: max bounds the value. */
static bool parse_uint(struct span s, uint64_t max, uint64_t *value)
{
	if (s.n == 0)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < s.n; i++) {
		if (!is_digit(s.p[i]))
			return false;
		uint64_t d = (uint64_t)(s.p[i] - '0');
		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*value = v;
	return true;
}

/* ---- values ------------------------------------------------------------- */

static bool string_value(struct parser *p, struct span value, const char *key, size_t max,
                         char *dst)
{
	if (value.n > max) {
		line_error(p, "", span_of(key), " longer than ");
		err_uint(p, max);
		err_str(p, " characters");
		return false;
	}
	span_copy(dst, value);
	return true;
}

static bool parse_appliance_name(struct parser *p, struct span value)
{
	if (!valid_name(value))
		return line_error(p, "bad name ", value,
		                  " (a-z, 0-9, _ and -, up to 31 characters)");
	span_copy(p->out->name, value);
	return true;
}

static bool parse_selftest(struct parser *p, struct span value)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} tests[] = {
	    {"probe", CONFIG_SELFTEST_PROBE},
	    {"stray", CONFIG_SELFTEST_STRAY},
	    {"bad-entry", CONFIG_SELFTEST_BAD_ENTRY},
	};
	uint32_t bits = 0;
	size_t i = 0;
	while (i < value.n) {
		if (is_blank(value.p[i])) {
			i++;
			continue;
		}
		struct span word = {value.p + i, 0};
		while (i < value.n && !is_blank(value.p[i])) {
			word.n++;
			i++;
		}
		unsigned t = 0;
		while (t < sizeof(tests) / sizeof(tests[0]) && !span_is(word, tests[t].name))
			t++;
		if (t == sizeof(tests) / sizeof(tests[0]))
			return line_error(p, "unknown selftest ", word,
			                  " (probe, stray or bad-entry)");
		if (bits & tests[t].bit)
			return line_error(p, "selftest ", word, " listed twice");
		bits |= tests[t].bit;
	}
	p->out->selftest = bits;
	return true;
}

static bool parse_image(struct parser *p, struct span value)
{
	return string_value(p, value, "image", CONFIG_IMAGE_MAX, p->container->image);
}

/* memory and vcpus mean the same in [container] and [vm] sections. */
static uint64_t *section_memory(struct parser *p)
{
	return p->section == SECTION_VM ? &p->vm->memory : &p->container->memory;
}

static uint32_t *section_vcpus(struct parser *p)
{
	return p->section == SECTION_VM ? &p->vm->vcpus : &p->container->vcpus;
}

static bool parse_memory(struct parser *p, struct span value)
{
	static const char *const hint = " (a number with an optional K, M or G suffix)";
	uint64_t unit = 1;
	struct span digits = value;
	switch (value.p[value.n - 1]) {
	case 'K':
		unit = 1ULL << 10;
		break;
	case 'M':
		unit = 1ULL << 20;
		break;
	case 'G':
		unit = 1ULL << 30;
		break;
	}
	if (unit != 1)
		digits.n--;
	uint64_t count;
	if (!parse_uint(digits, UINT64_MAX / unit, &count))
		return line_error(p, "bad memory size ", value, hint);
	uint64_t bytes = count * unit;
	if (bytes < CONFIG_MEMORY_MIN || bytes > CONFIG_MEMORY_MAX)
		return line_error(p, "memory size ", value, " outside 1M..64G");
	*section_memory(p) = bytes;
	return true;
}

static bool parse_vcpus(struct parser *p, struct span value)
{
	uint64_t n;
	if (!parse_uint(value, CONFIG_MAX_VCPUS, &n) || n == 0)
		return line_error(p, "vcpus must be a number from 1 to 64, not ", value, "");
	*section_vcpus(p) = (uint32_t)n;
	return true;
}

static bool parse_stop_timeout(struct parser *p, struct span value)
{
	uint64_t n;
	if (!parse_uint(value, CONFIG_STOP_TIMEOUT_MAX, &n))
		return line_error(
		    p, "stop_timeout must be a number of seconds from 0 to 3600, not ", value, "");
	if (p->section == SECTION_VM)
		p->vm->stop_timeout_s = (uint32_t)n;
	else
		p->container->stop_timeout_s = (uint32_t)n;
	return true;
}

static bool parse_cpus(struct parser *p, struct span value)
{
	if (span_is(value, "shared"))
		p->container->cpus = CONFIG_CPUS_SHARED;
	else if (span_is(value, "pinned"))
		p->container->cpus = CONFIG_CPUS_PINNED;
	else
		return line_error(p, "cpus must be shared or pinned, not ", value, "");
	return true;
}

static bool parse_restart(struct parser *p, struct span value)
{
	struct config_container *c = p->container;
	uint64_t n = 0;
	if (span_is(value, "no")) {
		c->restart = CONFIG_RESTART_NO;
	} else if (span_is(value, "always")) {
		c->restart = CONFIG_RESTART_ALWAYS;
	} else if (span_is(value, "on-failure")) {
		c->restart = CONFIG_RESTART_ON_FAILURE;
	} else if (span_starts_with(value, "on-failure:") &&
	           parse_uint((struct span){value.p + 11, value.n - 11}, CONFIG_RESTART_MAX_RETRIES,
	                      &n) &&
	           n > 0) {
		c->restart = CONFIG_RESTART_ON_FAILURE;
	} else {
		return line_error(
		    p,
		    "restart must be no, always, on-failure or on-failure:N (N from 1 "
		    "to 1000), not ",
		    value, "");
	}
	c->restart_max = (uint32_t)n;
	return true;
}

/* NAME=value with a shell-style NAME, so the guest init can put it into
 * the environment as is. */
static bool parse_env(struct parser *p, struct span value)
{
	struct config_container *c = p->container;
	if (c->env_count == CONFIG_MAX_ENV)
		return line_error(p, "more than 32 env entries", no_span, "");
	size_t eq = 0;
	while (eq < value.n && value.p[eq] != '=')
		eq++;
	bool ok = eq > 0 && eq < value.n && !is_digit(value.p[0]);
	for (size_t i = 0; ok && i < eq; i++) {
		char ch = value.p[i];
		ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || is_digit(ch) ||
		     ch == '_';
	}
	if (!ok)
		return line_error(p, "env must be NAME=value, not ", value, "");
	struct span name = {value.p, eq};
	for (uint32_t i = 0; i < c->env_count; i++) {
		struct span other = {c->env[i], 0};
		while (c->env[i][other.n] != '=')
			other.n++;
		if (span_equal(name, other))
			return line_error(p, "env ", name, " set twice");
	}
	if (!string_value(p, value, "env", CONFIG_ENV_MAX, c->env[c->env_count]))
		return false;
	c->env_count++;
	return true;
}

static bool parse_command(struct parser *p, struct span value)
{
	return string_value(p, value, "command", CONFIG_COMMAND_MAX, p->container->command);
}

/* ---- [vm] values --------------------------------------------------------- */

/* Characters FAT does not allow in a name (besides controls, which
 * check_characters() already refused); '/' is a separator here. */
static bool fat_forbidden(char c)
{
	return c == '"' || c == '*' || c == ':' || c == '<' || c == '>' || c == '?' || c == '|';
}

/* An absolute ESP path with '\' or '/' separators, stored with '\' as
 * UEFI's file protocol and the handoff block name files. Empty, "." and
 * ".." parts are refused so one file has one spelling (the boot stage
 * reads each distinct path once) and nothing climbs out of the root. */
static bool path_value(struct parser *p, struct span value, const char *key, char *dst)
{
	if (!string_value(p, value, key, CONFIG_PATH_MAX, dst))
		return false;
	bool ok = value.p[0] == '\\' || value.p[0] == '/';
	size_t part = 0; /* length of the current part */
	for (size_t i = 1; ok && i <= value.n; i++) {
		char c = i < value.n ? value.p[i] : '/';
		if (c == '\\' || c == '/') {
			struct span last = {value.p + i - part, part};
			ok = part > 0 && !span_is(last, ".") && !span_is(last, "..");
			part = 0;
		} else {
			ok = !fat_forbidden(c);
			part++;
		}
	}
	if (!ok) {
		line_error(p, "", span_of(key), " must be an ESP path like \\solo\\bzImage, not ");
		err_quoted(p, value);
		return false;
	}
	for (size_t i = 0; i < value.n; i++)
		if (dst[i] == '/')
			dst[i] = '\\';
	return true;
}

static bool parse_kernel(struct parser *p, struct span value)
{
	return path_value(p, value, "kernel", p->vm->kernel);
}

static bool parse_initrd(struct parser *p, struct span value)
{
	return path_value(p, value, "initrd", p->vm->initrd);
}

static bool parse_cmdline(struct parser *p, struct span value)
{
	return string_value(p, value, "cmdline", CONFIG_CMDLINE_MAX, p->vm->cmdline);
}

/* `timeslice = 10ms`: a number of us or ms. */
static bool parse_timeslice(struct parser *p, struct span value)
{
	static const char *const hint = " (a number of us or ms, 100us..1000ms)";
	uint64_t unit = 0;
	struct span digits = value;
	if (value.n > 2 && value.p[value.n - 1] == 's') {
		if (value.p[value.n - 2] == 'u')
			unit = 1;
		else if (value.p[value.n - 2] == 'm')
			unit = 1000;
	}
	if (!unit)
		return line_error(p, "bad timeslice ", value, hint);
	digits.n -= 2;
	uint64_t count;
	if (!parse_uint(digits, CONFIG_TIMESLICE_MAX_US, &count) ||
	    count * unit < CONFIG_TIMESLICE_MIN_US || count * unit > CONFIG_TIMESLICE_MAX_US)
		return line_error(p, "bad timeslice ", value, hint);
	p->out->timeslice_us = (uint32_t)(count * unit);
	return true;
}

static const struct key appliance_keys[] = {
    {"name", false, parse_appliance_name},
    {"selftest", false, parse_selftest},
    {"timeslice", false, parse_timeslice},
};

static const struct key container_keys[] = {
    {"image", false, parse_image},     {"memory", false, parse_memory},
    {"vcpus", false, parse_vcpus},     {"cpus", false, parse_cpus},
    {"restart", false, parse_restart}, {"env", true, parse_env},
    {"command", false, parse_command}, {"stop_timeout", false, parse_stop_timeout},
};

static const struct key vm_keys[] = {
    {"kernel", false, parse_kernel},   {"initrd", false, parse_initrd},
    {"cmdline", false, parse_cmdline}, {"memory", false, parse_memory},
    {"vcpus", false, parse_vcpus},     {"stop_timeout", false, parse_stop_timeout},
};

/* ---- lines -------------------------------------------------------------- */

static const char kind_container[] = "container";
static const char kind_vm[] = "vm";

/* Which kind of partition already has this name ("container", "vm"), or
 * NULL. */
static const char *name_owner(const struct appliance_config *out, struct span name)
{
	for (uint32_t i = 0; i < out->container_count; i++)
		if (span_is(name, out->containers[i].name))
			return kind_container;
	for (uint32_t i = 0; i < out->vm_count; i++)
		if (span_is(name, out->vms[i].name))
			return kind_vm;
	return 0;
}

static bool start_container(struct parser *p, struct span name)
{
	struct appliance_config *out = p->out;
	if (out->container_count == CONFIG_MAX_CONTAINERS) {
		line_error(p, "more than ", no_span, "");
		err_uint(p, CONFIG_MAX_CONTAINERS);
		err_str(p, " containers");
		return false;
	}

	struct config_container *c = &out->containers[out->container_count++];
	span_copy(c->name, name);
	c->vcpus = 1;
	c->cpus = CONFIG_CPUS_SHARED;
	c->restart = CONFIG_RESTART_NO;
	c->stop_timeout_s = CONFIG_STOP_TIMEOUT_DEFAULT;
	p->container = c;
	p->section = SECTION_CONTAINER;
	return true;
}

static bool start_vm(struct parser *p, struct span name)
{
	struct appliance_config *out = p->out;
	if (out->vm_count == CONFIG_MAX_VMS)
		return line_error(p, "more than 16 vms", no_span, "");
	struct config_vm *vm = &out->vms[out->vm_count++];
	span_copy(vm->name, name);
	vm->vcpus = 1;
	vm->stop_timeout_s = CONFIG_STOP_TIMEOUT_DEFAULT;
	p->vm = vm;
	p->section = SECTION_VM;
	return true;
}

static bool parse_section(struct parser *p, struct span line)
{
	if (line.n < 2 || line.p[line.n - 1] != ']')
		return line_error(p, "malformed section header ", line, "");
	struct span inner = {line.p + 1, line.n - 2};
	p->keys_seen = 0;
	if (span_is(inner, "appliance")) {
		if (p->have_appliance)
			return line_error(p, "duplicate [appliance] section", no_span, "");
		p->have_appliance = true;
		p->section = SECTION_APPLIANCE;
		return true;
	}
	const char *kind = span_starts_with(inner, kind_container) ? kind_container
	                   : span_starts_with(inner, kind_vm)      ? kind_vm
	                                                           : 0;
	size_t kind_len = kind ? span_of(kind).n : 0;
	if (!kind || inner.n == kind_len || !is_blank(inner.p[kind_len]))
		return line_error(p, "unknown section ", line, "");

	struct span name = trim((struct span){inner.p + kind_len, inner.n - kind_len});
	if (!valid_name(name)) {
		line_error(p, "bad ", no_span, kind);
		err_str(p, " name ");
		err_quoted(p, name);
		err_str(p, " (a-z, 0-9, _ and -, up to 31 characters)");
		return false;
	}
	/* Containers and VMs are all partitions, named in one namespace. */
	const char *taken = name_owner(p->out, name);
	if (taken == kind) {
		line_error(p, "duplicate ", no_span, kind);
		err_str(p, " ");
		err_quoted(p, name);
		return false;
	}
	if (taken) {
		line_error(p, "name ", name, " already used by a ");
		err_str(p, taken);
		return false;
	}
	return kind == kind_vm ? start_vm(p, name) : start_container(p, name);
}

static bool parse_key_value(struct parser *p, struct span line)
{
	size_t eq = 0;
	while (eq < line.n && line.p[eq] != '=')
		eq++;
	struct span key = trim((struct span){line.p, eq});
	if (eq == line.n || key.n == 0)
		return line_error(p, "expected 'key = value', got ", line, "");
	struct span value = trim((struct span){line.p + eq + 1, line.n - eq - 1});
	if (p->section == SECTION_NONE)
		return line_error(p, "key ", key, " outside a section");

	const struct key *keys = appliance_keys;
	unsigned count = sizeof(appliance_keys) / sizeof(appliance_keys[0]);
	if (p->section == SECTION_CONTAINER) {
		keys = container_keys;
		count = sizeof(container_keys) / sizeof(container_keys[0]);
	} else if (p->section == SECTION_VM) {
		keys = vm_keys;
		count = sizeof(vm_keys) / sizeof(vm_keys[0]);
	}
	unsigned k = 0;
	while (k < count && !span_is(key, keys[k].name))
		k++;
	if (k == count)
		return line_error(p, "unknown key ", key, "");
	if ((p->keys_seen & (1u << k)) && !keys[k].repeatable)
		return line_error(p, "duplicate key ", key, "");
	if (value.n == 0)
		return line_error(p, "empty value for ", key, "");
	p->keys_seen |= 1u << k;
	return keys[k].parse(p, value);
}

/* A '#' starts a comment at the start of a line or after a blank; inside
 * a value ("A=b#c") it is an ordinary character. */
static struct span strip_comment(struct span line)
{
	for (size_t i = 0; i < line.n; i++)
		if (line.p[i] == '#' && (i == 0 || is_blank(line.p[i - 1])))
			return (struct span){line.p, i};
	return line;
}

static bool check_characters(struct parser *p, struct span line)
{
	for (size_t i = 0; i < line.n; i++) {
		unsigned char c = (unsigned char)line.p[i];
		if (c == 0)
			return line_error(p, "NUL byte", no_span, "");
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return line_error(p, "control character", no_span, "");
	}
	if (line.n > CONFIG_LINE_MAX) {
		line_error(p, "longer than ", no_span, "");
		err_uint(p, CONFIG_LINE_MAX);
		err_str(p, " characters");
		return false;
	}
	return true;
}

static bool parse_line(struct parser *p, struct span raw)
{
	/* Tolerate files saved with CRLF line ends. */
	if (raw.n && raw.p[raw.n - 1] == '\r')
		raw.n--;
	if (!check_characters(p, raw))
		return false;
	struct span line = trim(strip_comment(raw));
	if (line.n == 0)
		return true;
	if (line.p[0] == '[')
		return parse_section(p, line);
	return parse_key_value(p, line);
}

static bool check_complete(struct parser *p)
{
	struct appliance_config *out = p->out;
	p->errpos = 0;
	if (!p->have_appliance) {
		err_str(p, "missing [appliance] section");
		return false;
	}
	if (!out->name[0]) {
		err_str(p, "[appliance]: missing 'name'");
		return false;
	}
	if (!out->timeslice_us)
		out->timeslice_us = CONFIG_TIMESLICE_DEFAULT_US;
	for (uint32_t i = 0; i < out->container_count; i++) {
		const struct config_container *c = &out->containers[i];
		const char *missing = !c->image[0] ? "image" : c->memory == 0 ? "memory" : 0;
		if (missing) {
			err_str(p, "container '");
			err_str(p, c->name);
			err_str(p, "': missing '");
			err_str(p, missing);
			err_str(p, "'");
			return false;
		}
	}
	for (uint32_t i = 0; i < out->vm_count; i++) {
		const struct config_vm *vm = &out->vms[i];
		const char *missing = !vm->kernel[0] ? "kernel" : vm->memory == 0 ? "memory" : 0;
		if (missing) {
			err_str(p, "vm '");
			err_str(p, vm->name);
			err_str(p, "': missing '");
			err_str(p, missing);
			err_str(p, "'");
			return false;
		}
	}
	return true;
}

bool config_parse(const char *text, size_t len, struct appliance_config *out, char *err,
                  size_t errlen)
{
	struct parser p = {.out = out, .err = err, .errlen = errlen};
	memset(out, 0, sizeof(*out));
	if (errlen)
		err[0] = '\0';

	size_t start = 0;
	while (start < len) {
		size_t end = start;
		while (end < len && text[end] != '\n')
			end++;
		p.line++;
		if (!parse_line(&p, (struct span){text + start, end - start}))
			return false;
		start = end + 1;
	}
	return check_complete(&p);
}

void config_container_vm(const struct config_container *c, struct config_vm *vm)
{
	*vm = (struct config_vm){
	    .memory = c->memory, .vcpus = c->vcpus, .stop_timeout_s = c->stop_timeout_s};
	/* Sizes are checked at compile time below; names are at most
	 * CONFIG_NAME_MAX, so every copy fits. */
	memcpy(vm->name, c->name, sizeof(vm->name));
	memcpy(vm->kernel, CONFIG_CONTAINER_KERNEL, sizeof(CONFIG_CONTAINER_KERNEL));
	size_t dir = sizeof(CONFIG_CONTAINER_INITRD_DIR) - 1;
	size_t name = 0; /* no strlen: the boot stage's libc has none */
	while (name < CONFIG_NAME_MAX && c->name[name])
		name++;
	memcpy(vm->initrd, CONFIG_CONTAINER_INITRD_DIR, dir);
	memcpy(vm->initrd + dir, c->name, name);
	memcpy(vm->initrd + dir + name, ".cpio", sizeof(".cpio"));
	size_t at = sizeof(CONFIG_CONTAINER_CMDLINE) - 1;
	memcpy(vm->cmdline, CONFIG_CONTAINER_CMDLINE, at);
	memcpy(vm->cmdline + at, " SOLO_STOP_GRACE=", sizeof(" SOLO_STOP_GRACE=") - 1);
	at += sizeof(" SOLO_STOP_GRACE=") - 1;
	/* At most four digits (CONFIG_STOP_TIMEOUT_MAX). */
	char digits[4];
	unsigned n = 0, v = c->stop_timeout_s;
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < sizeof(digits));
	while (n)
		vm->cmdline[at++] = digits[--n];
	vm->cmdline[at] = '\0';
}

_Static_assert(sizeof(CONFIG_CONTAINER_INITRD_DIR) - 1 + CONFIG_NAME_MAX + sizeof(".cpio") <=
                   CONFIG_PATH_MAX + 1,
               "a container's initrd path fits a [vm] path");
_Static_assert(CONFIG_STOP_TIMEOUT_MAX <= 9999, "a stop timeout has at most four digits");
_Static_assert(sizeof(CONFIG_CONTAINER_CMDLINE) + sizeof(" SOLO_STOP_GRACE=9999") <=
                   CONFIG_CMDLINE_MAX + 1,
               "the container command line fits");
