/*
 * The appliance config parser (grammar in config.h). It reads the text one
 * line at a time and validates every value completely before storing it,
 * so a rejected file never leaves a half-checked value behind. The text
 * is untrusted and not NUL-terminated: everything works on (pointer,
 * length) spans and nothing reads past len. Only memcpy and memset come
 * from the C library, because the boot stage's gnu-efi provides no more.
 * What one section cannot check alone (a network named before its
 * [network] section, addresses and MACs shared between partitions) is
 * resolved once the whole file is read, in check_complete().
 */
#include "config.h"

#include <string.h>

#include "guest_machine.h"

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
	SECTION_NETWORK,
};

/* A [container] or [vm] section, in the order the file lists them:
 * automatic addresses are handed out in this order. Small, because the
 * parser runs on the hypervisor's 32 KiB boot stack with one per
 * partition. */
struct partition_ref {
	uint16_t index; /* into containers or vms */
	bool is_vm;
};
_Static_assert(CONFIG_MAX_CONTAINERS <= UINT16_MAX, "a container index fits a partition_ref");

struct parser {
	struct appliance_config *out;
	unsigned line;
	enum section section;
	struct config_container *container; /* when section is a container */
	struct config_vm *vm;               /* when section is a vm */
	struct config_network *network;     /* when section is a network */
	uint32_t keys_seen;                 /* bit per key table entry, this section */
	bool have_appliance;
	uint32_t gateway_given; /* bit per network */
	uint32_t partition_count;
	struct partition_ref partitions[CONFIG_MAX_CONTAINERS + CONFIG_MAX_VMS];
	/* The network names interfaces use, each once: until the whole file
	 * is read (a [network] section may come after its users), an
	 * interface's `network` indexes this table, not networks[]. */
	uint32_t network_name_count;
	struct span network_names[CONFIG_MAX_NETWORKS];
	char *err;
	size_t errlen;
	size_t errpos;
};

struct key {
	const char *name;
	bool repeatable;
	bool (*parse)(struct parser *p, struct span value);
};

/* The section kinds that carry a name, as messages spell them. */
static const char kind_container[] = "container";
static const char kind_vm[] = "vm";
static const char kind_network[] = "network";

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

/* "<kind> '<name>': ", the start of an error found after the whole file
 * was read, about one section. */
static void err_about(struct parser *p, const char *kind, const char *name)
{
	p->errpos = 0;
	err_str(p, kind);
	err_str(p, " '");
	err_str(p, name);
	err_str(p, "': ");
}

static void err_ipv4(struct parser *p, uint32_t address)
{
	for (int shift = 24; shift >= 0; shift -= 8) {
		err_uint(p, (address >> shift) & 0xff);
		if (shift)
			err_put(p, ".", 1);
	}
}

static void err_mac(struct parser *p, const uint8_t mac[6])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 6; i++) {
		char pair[3] = {hex[mac[i] >> 4], hex[mac[i] & 15], ':'};
		err_put(p, pair, i < 5 ? 3 : 2);
	}
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

/* The next blank-separated word of *rest, which moves past it; an empty
 * span when none is left. */
static struct span next_word(struct span *rest)
{
	*rest = trim(*rest);
	struct span word = {rest->p, 0};
	while (word.n < rest->n && !is_blank(rest->p[word.n]))
		word.n++;
	rest->p += word.n;
	rest->n -= word.n;
	return word;
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
		if (d > max || v > (max - d) / 10)
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
	for (struct span word = next_word(&value); word.n; word = next_word(&value)) {
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
	struct appliance_config *out = p->out;
	if (c->env_count == CONFIG_MAX_ENV)
		return line_error(p, "more than 32 env entries", no_span, "");
	if (out->env_count == CONFIG_MAX_ENV_TOTAL) {
		line_error(p, "more than ", no_span, "");
		err_uint(p, CONFIG_MAX_ENV_TOTAL);
		err_str(p, " env entries in all containers");
		return false;
	}
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
		struct span other = {config_container_env(out, c, i), 0};
		while (other.p[other.n] != '=')
			other.n++;
		if (span_equal(name, other))
			return line_error(p, "env ", name, " set twice");
	}
	/* A section's entries are the last in the pool until the next
	 * section starts, so each container's stay in one run. */
	if (!string_value(p, value, "env", CONFIG_ENV_MAX, out->env[out->env_count]))
		return false;
	out->env_count++;
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

/* ---- [network] values and interfaces ------------------------------------ */

/* Dotted decimal, four parts 0..255 without leading zeros (some tools
 * read 010 as octal, so it is refused rather than guessed). */
static bool parse_ipv4(struct span s, uint32_t *address)
{
	uint32_t a = 0;
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		if (part > 0 && (i == s.n || s.p[i++] != '.'))
			return false;
		struct span digits = {s.p + i, 0};
		while (i < s.n && is_digit(s.p[i]) && digits.n < 3) {
			digits.n++;
			i++;
		}
		uint64_t v;
		if (!parse_uint(digits, 255, &v) || (digits.n > 1 && digits.p[0] == '0'))
			return false;
		a = a << 8 | (uint32_t)v;
	}
	if (i != s.n)
		return false;
	*address = a;
	return true;
}

static int hex_digit(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Six two-digit hex pairs separated by ':'. */
static bool parse_mac(struct span s, uint8_t mac[6])
{
	if (s.n != 17)
		return false;
	for (size_t i = 0; i < 6; i++) {
		int high = hex_digit(s.p[3 * i]), low = hex_digit(s.p[3 * i + 1]);
		if (high < 0 || low < 0 || (i < 5 && s.p[3 * i + 2] != ':'))
			return false;
		mac[i] = (uint8_t)(high << 4 | low);
	}
	return true;
}

static uint32_t prefix_mask(uint32_t prefix)
{
	return 0xffffffffu << (32 - prefix);
}

static uint32_t broadcast_address(const struct config_network *n)
{
	return n->subnet | ~prefix_mask(n->prefix);
}

static bool in_subnet(const struct config_network *n, uint32_t address)
{
	return (address & prefix_mask(n->prefix)) == n->subnet;
}

static bool parse_subnet(struct parser *p, struct span value)
{
	size_t slash = 0;
	while (slash < value.n && value.p[slash] != '/')
		slash++;
	uint32_t address;
	uint64_t prefix;
	if (slash == value.n || !parse_ipv4((struct span){value.p, slash}, &address) ||
	    !parse_uint((struct span){value.p + slash + 1, value.n - slash - 1}, 30, &prefix) ||
	    prefix < 8)
		return line_error(p, "subnet must be A.B.C.D/P with P from 8 to 30, not ", value,
		                  "");
	uint32_t mask = prefix_mask((uint32_t)prefix);
	if (address & ~mask) {
		line_error(p, "subnet ", value, " has host bits set: the network is ");
		err_ipv4(p, address & mask);
		err_str(p, "/");
		err_uint(p, prefix);
		return false;
	}
	p->network->subnet = address;
	p->network->prefix = (uint32_t)prefix;
	return true;
}

/* Checked against the subnet once the section is complete: the subnet
 * may come after it. */
static bool parse_gateway(struct parser *p, struct span value)
{
	if (!parse_ipv4(value, &p->network->gateway))
		return line_error(p, "gateway must be an IPv4 address, not ", value, "");
	p->gateway_given |= 1u << (uint32_t)(p->network - p->out->networks);
	return true;
}

static bool parse_dns(struct parser *p, struct span value)
{
	struct config_network *n = p->network;
	if (n->dns_count == CONFIG_MAX_DNS)
		return line_error(p, "more than 3 dns entries", no_span, "");
	uint32_t address;
	if (!parse_ipv4(value, &address))
		return line_error(p, "dns must be an IPv4 address, not ", value, "");
	for (uint32_t i = 0; i < n->dns_count; i++)
		if (n->dns[i] == address)
			return line_error(p, "dns ", value, " listed twice");
	n->dns[n->dns_count++] = address;
	return true;
}

static bool parse_mtu(struct parser *p, struct span value)
{
	uint64_t mtu;
	if (!parse_uint(value, CONFIG_MTU_MAX, &mtu) || mtu < CONFIG_MTU_MIN)
		return line_error(p, "mtu must be a number of bytes from 68 to 9000, not ", value,
		                  "");
	p->network->mtu = (uint32_t)mtu;
	return true;
}

/* One network per physical NIC: two switches cannot both own its wire. */
static bool parse_uplink(struct parser *p, struct span value)
{
	_Static_assert(CONFIG_MAX_UPLINKS <= 10, "nicN has one digit");
	uint64_t nic;
	if (value.n != 4 || !span_starts_with(value, "nic") ||
	    !parse_uint((struct span){value.p + 3, 1}, CONFIG_MAX_UPLINKS - 1, &nic)) {
		line_error(p, "uplink must be nic0 to nic", no_span, "");
		err_uint(p, CONFIG_MAX_UPLINKS - 1);
		err_str(p, ", not ");
		err_quoted(p, value);
		return false;
	}
	const struct appliance_config *out = p->out;
	for (const struct config_network *other = out->networks; other < p->network; other++) {
		if (other->uplink == (int32_t)nic) {
			line_error(p, "", value, " is already the uplink of network '");
			err_str(p, other->name);
			err_str(p, "'");
			return false;
		}
	}
	p->network->uplink = (int32_t)nic;
	return true;
}

static bool contains(struct span s, char c)
{
	for (size_t i = 0; i < s.n; i++)
		if (s.p[i] == c)
			return true;
	return false;
}

static bool bad_name(struct parser *p, const char *kind, struct span name)
{
	line_error(p, "bad ", no_span, kind);
	err_str(p, " name ");
	err_quoted(p, name);
	err_str(p, " (a-z, 0-9, _ and -, up to 31 characters)");
	return false;
}

/* The index of name in the parser's table of network names, added when
 * new. At most CONFIG_MAX_NETWORKS [network] sections exist, so a name
 * past that many can have none. */
static bool name_network(struct parser *p, struct span name, uint32_t *index)
{
	uint32_t i = 0;
	while (i < p->network_name_count && !span_equal(name, p->network_names[i]))
		i++;
	if (i == CONFIG_MAX_NETWORKS) {
		line_error(p, "more than ", no_span, "");
		err_uint(p, CONFIG_MAX_NETWORKS);
		err_str(p, " networks named by interfaces (at ");
		err_quoted(p, name);
		err_str(p, ")");
		return false;
	}
	if (i == p->network_name_count)
		p->network_names[p->network_name_count++] = name;
	*index = i;
	return true;
}

/* `network = NAME [ADDRESS|auto|dhcp] [MAC]` in a [container] or [vm]:
 * the next interface. A MAC has ':' and an address has not, so a MAC
 * alone after the name is told apart. The network is looked up, and the
 * address checked against it, once the whole file is read. */
static bool parse_interface(struct parser *p, struct span value)
{
	bool vm = p->section == SECTION_VM;
	uint32_t *count = vm ? &p->vm->nic_count : &p->container->nic_count;
	if (*count == CONFIG_MAX_NICS) {
		line_error(p, "more than ", no_span, "");
		err_uint(p, CONFIG_MAX_NICS);
		err_str(p, " network interfaces");
		return false;
	}
	struct span rest = value, words[3];
	unsigned n = 0;
	while (n < 3 && (words[n] = next_word(&rest)).n)
		n++;
	if (rest.n)
		return line_error(p, "network must be NAME [ADDRESS|auto|dhcp] [MAC], not ", value,
		                  "");
	if (!valid_name(words[0]))
		return bad_name(p, kind_network, words[0]);
	struct span address = n > 1 ? words[1] : no_span, mac = n > 2 ? words[2] : no_span;
	if (n == 2 && contains(address, ':')) {
		mac = address;
		address = no_span;
	}

	struct config_nic nic = {.mode = CONFIG_NIC_AUTO};
	if (!address.p || span_is(address, "auto"))
		nic.mode = CONFIG_NIC_AUTO;
	else if (span_is(address, "dhcp"))
		nic.mode = CONFIG_NIC_DHCP;
	else if (parse_ipv4(address, &nic.address))
		nic.mode = CONFIG_NIC_STATIC;
	else
		return line_error(p, "bad address ", address, " (an IPv4 address, auto or dhcp)");
	if (mac.p) {
		if (!parse_mac(mac, nic.mac))
			return line_error(p, "bad MAC ", mac,
			                  " (six hex pairs with ':', like 02:00:00:00:00:01)");
		/* The I/G bit: a group address cannot be an interface's own. */
		if (nic.mac[0] & 1)
			return line_error(p, "MAC ", mac, " is multicast");
		uint8_t any = 0;
		for (int i = 0; i < 6; i++)
			any |= nic.mac[i];
		if (!any)
			return line_error(p, "MAC ", mac, " is all zero");
		nic.mac_given = true;
	}
	if (!name_network(p, words[0], &nic.network))
		return false;
	struct config_nic *nics = vm ? p->vm->nics : p->container->nics;
	nics[*count] = nic;
	(*count)++;
	return true;
}

static bool parse_start(struct parser *p, struct span value)
{
	if (span_is(value, "clone"))
		p->container->start_boot = false;
	else if (span_is(value, "boot"))
		p->container->start_boot = true;
	else
		return line_error(p, "start must be clone or boot, not ", value, "");
	return true;
}

static bool parse_replicas(struct parser *p, struct span value)
{
	uint64_t n;
	if (!parse_uint(value, CONFIG_MAX_CONTAINER_PARTITIONS, &n) || n == 0) {
		line_error(p, "replicas must be from 1 to ", no_span, "");
		err_uint(p, CONFIG_MAX_CONTAINER_PARTITIONS);
		err_str(p, ", not ");
		err_quoted(p, value);
		return false;
	}
	p->container->replicas = (uint32_t)n;
	return true;
}

static const struct key appliance_keys[] = {
    {"name", false, parse_appliance_name},
    {"selftest", false, parse_selftest},
    {"timeslice", false, parse_timeslice},
};

static const struct key container_keys[] = {
    {"image", false, parse_image},       {"memory", false, parse_memory},
    {"vcpus", false, parse_vcpus},       {"cpus", false, parse_cpus},
    {"restart", false, parse_restart},   {"env", true, parse_env},
    {"command", false, parse_command},   {"stop_timeout", false, parse_stop_timeout},
    {"network", true, parse_interface},  {"start", false, parse_start},
    {"replicas", false, parse_replicas},
};

static const struct key vm_keys[] = {
    {"kernel", false, parse_kernel},    {"initrd", false, parse_initrd},
    {"cmdline", false, parse_cmdline},  {"memory", false, parse_memory},
    {"vcpus", false, parse_vcpus},      {"stop_timeout", false, parse_stop_timeout},
    {"network", true, parse_interface},
};

static const struct key network_keys[] = {
    {"subnet", false, parse_subnet}, {"gateway", false, parse_gateway}, {"dns", true, parse_dns},
    {"uplink", false, parse_uplink}, {"mtu", false, parse_mtu},
};

/* ---- lines -------------------------------------------------------------- */

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
	c->replicas = 1;
	c->env_first = out->env_count;
	p->container = c;
	p->section = SECTION_CONTAINER;
	p->partitions[p->partition_count++] =
	    (struct partition_ref){.index = (uint16_t)(out->container_count - 1), .is_vm = false};
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
	p->partitions[p->partition_count++] =
	    (struct partition_ref){.index = (uint16_t)(out->vm_count - 1), .is_vm = true};
	return true;
}

/* Networks are named in a namespace of their own. */
static bool start_network(struct parser *p, struct span name)
{
	struct appliance_config *out = p->out;
	for (uint32_t i = 0; i < out->network_count; i++) {
		if (span_is(name, out->networks[i].name)) {
			line_error(p, "duplicate network ", name, "");
			return false;
		}
	}
	if (out->network_count == CONFIG_MAX_NETWORKS) {
		line_error(p, "more than ", no_span, "");
		err_uint(p, CONFIG_MAX_NETWORKS);
		err_str(p, " networks");
		return false;
	}
	struct config_network *n = &out->networks[out->network_count++];
	span_copy(n->name, name);
	n->uplink = -1;
	p->network = n;
	p->section = SECTION_NETWORK;
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
	                   : span_starts_with(inner, kind_network) ? kind_network
	                                                           : 0;
	size_t kind_len = kind ? span_of(kind).n : 0;
	if (!kind || inner.n == kind_len || !is_blank(inner.p[kind_len]))
		return line_error(p, "unknown section ", line, "");

	struct span name = trim((struct span){inner.p + kind_len, inner.n - kind_len});
	if (!valid_name(name))
		return bad_name(p, kind, name);
	if (kind == kind_network)
		return start_network(p, name);
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
	} else if (p->section == SECTION_NETWORK) {
		keys = network_keys;
		count = sizeof(network_keys) / sizeof(network_keys[0]);
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

/* ---- resolving networks (once the whole file is read) ------------------- */

static bool missing_key(struct parser *p, const char *kind, const char *name, const char *key)
{
	err_about(p, kind, name);
	err_str(p, "missing '");
	err_str(p, key);
	err_str(p, "'");
	return false;
}

static void err_subnet(struct parser *p, const struct config_network *n)
{
	err_ipv4(p, n->subnet);
	err_str(p, "/");
	err_uint(p, n->prefix);
}

/* Why address cannot be a host's on network n, as the middle of a
 * message, or NULL when it can. */
static const char *host_problem(const struct config_network *n, uint32_t address)
{
	if (!in_subnet(n, address))
		return " outside ";
	if (address == n->subnet)
		return " is the network address of ";
	if (address == broadcast_address(n))
		return " is the broadcast address of ";
	return 0;
}

/* Every network has its subnet, and a gateway given is a host address
 * in it. An uplinked network without one routes through its first host
 * address, where the uplink's router is expected. */
static bool check_networks(struct parser *p)
{
	struct appliance_config *out = p->out;
	for (uint32_t i = 0; i < out->network_count; i++) {
		struct config_network *n = &out->networks[i];
		if (!n->prefix)
			return missing_key(p, kind_network, n->name, "subnet");
		/* Jumbo frames inside solo, where every port takes them; the
		 * wire's 1500 where frames leave through a NIC. */
		if (!n->mtu)
			n->mtu = n->uplink >= 0 ? CONFIG_MTU_UPLINK : CONFIG_MTU_INTERNAL;
		if (!(p->gateway_given & (1u << i))) {
			if (n->uplink >= 0)
				n->gateway = n->subnet + 1;
			continue;
		}
		const char *problem = host_problem(n, n->gateway);
		if (problem) {
			err_about(p, kind_network, n->name);
			err_str(p, "gateway ");
			err_ipv4(p, n->gateway);
			err_str(p, problem);
			err_subnet(p, n);
			return false;
		}
	}
	return true;
}

/* A partition's interfaces, whichever kind of section it is. */
struct partition_view {
	const char *kind;
	const char *name;
	uint32_t nic_count;
	struct config_nic *nics;
	uint32_t replicas; /* 1 for a [vm] */
};

static struct partition_view partition_at(const struct parser *p, uint32_t i)
{
	const struct partition_ref *r = &p->partitions[i];
	if (r->is_vm) {
		struct config_vm *vm = &p->out->vms[r->index];
		return (struct partition_view){kind_vm, vm->name, vm->nic_count, vm->nics, 1};
	}
	struct config_container *c = &p->out->containers[r->index];
	return (struct partition_view){kind_container, c->name, c->nic_count, c->nics, c->replicas};
}

static void err_network(struct parser *p, const struct config_network *n)
{
	err_str(p, "network '");
	err_str(p, n->name);
	err_str(p, "'");
}

/* Each interface's network by name, and dhcp only where an uplink can
 * answer it. */
static bool resolve_network_names(struct parser *p)
{
	const struct appliance_config *out = p->out;
	for (uint32_t i = 0; i < p->partition_count; i++) {
		struct partition_view part = partition_at(p, i);
		for (uint32_t k = 0; k < part.nic_count; k++) {
			struct span name = p->network_names[part.nics[k].network];
			uint32_t n = 0;
			while (n < out->network_count && !span_is(name, out->networks[n].name))
				n++;
			if (n == out->network_count) {
				err_about(p, part.kind, part.name);
				err_str(p, "no [network ");
				err_put(p, name.p, name.n);
				err_str(p, "]");
				return false;
			}
			part.nics[k].network = n;
			if (part.nics[k].mode == CONFIG_NIC_DHCP && out->networks[n].uplink < 0) {
				err_about(p, part.kind, part.name);
				err_str(p, "dhcp on ");
				err_network(p, &out->networks[n]);
				err_str(p, ", which has no uplink");
				return false;
			}
		}
	}
	return true;
}

/* The first interface, in config order, given address statically on
 * network; false when there is none. */
static bool find_static(const struct parser *p, uint32_t network, uint32_t address, uint32_t *part,
                        uint32_t *nic)
{
	for (uint32_t i = 0; i < p->partition_count; i++) {
		struct partition_view view = partition_at(p, i);
		for (uint32_t k = 0; k < view.nic_count; k++) {
			const struct config_nic *c = &view.nics[k];
			if (c->mode == CONFIG_NIC_STATIC && c->network == network &&
			    c->address == address) {
				*part = i;
				*nic = k;
				return true;
			}
		}
	}
	return false;
}

static bool is_dns(const struct config_network *n, uint32_t address)
{
	for (uint32_t i = 0; i < n->dns_count; i++)
		if (n->dns[i] == address)
			return true;
	return false;
}

/* Ends an error line with " already used by container 'web'". */
static bool err_used_by(struct parser *p, struct partition_view other)
{
	err_str(p, " already used by ");
	err_str(p, other.kind);
	err_str(p, " '");
	err_str(p, other.name);
	err_str(p, "'");
	return false;
}

/* A static address is a host address of its subnet that no one else
 * has: not the gateway, not a DNS server, not another interface. */
static bool check_static_addresses(struct parser *p)
{
	for (uint32_t i = 0; i < p->partition_count; i++) {
		struct partition_view part = partition_at(p, i);
		for (uint32_t k = 0; k < part.nic_count; k++) {
			const struct config_nic *nic = &part.nics[k];
			if (nic->mode != CONFIG_NIC_STATIC)
				continue;
			const struct config_network *n = &p->out->networks[nic->network];
			const char *problem = host_problem(n, nic->address);
			if (!problem && nic->address == n->gateway)
				problem = " is the gateway of ";
			if (!problem && is_dns(n, nic->address))
				problem = " is a dns address of ";
			if (problem) {
				err_about(p, part.kind, part.name);
				err_str(p, "address ");
				err_ipv4(p, nic->address);
				err_str(p, problem);
				err_network(p, n);
				if (!in_subnet(n, nic->address)) {
					err_str(p, " (");
					err_subnet(p, n);
					err_str(p, ")");
				}
				return false;
			}
			uint32_t first = i, first_nic = k;
			find_static(p, nic->network, nic->address, &first, &first_nic);
			if (first != i || first_nic != k) {
				struct partition_view other = partition_at(p, first);
				err_about(p, part.kind, part.name);
				err_str(p, "address ");
				err_ipv4(p, nic->address);
				err_str(p, " on ");
				err_network(p, n);
				return err_used_by(p, other);
			}
		}
	}
	return true;
}

/* Whether a is an automatic address's to take: a host address of the
 * network that is not the gateway, a DNS server or a static address. */
static bool free_for_auto(const struct parser *p, uint32_t network, uint32_t a)
{
	const struct config_network *n = &p->out->networks[network];
	uint32_t first, first_nic;
	return a < broadcast_address(n) && a != n->gateway && !is_dns(n, a) &&
	       !find_static(p, network, a, &first, &first_nic);
}

/* Automatic addresses count up from each subnet's first host address,
 * in config order, past the gateway, the DNS servers and every static
 * address of the network: adding a partition at the end of the file
 * moves no one else's address. A container's N replicas take a run of
 * N free addresses for each such interface, replica r the r-th. */
static bool assign_addresses(struct parser *p)
{
	const struct appliance_config *out = p->out;
	uint32_t next[CONFIG_MAX_NETWORKS];
	for (uint32_t n = 0; n < out->network_count; n++)
		next[n] = out->networks[n].subnet + 1;
	for (uint32_t i = 0; i < p->partition_count; i++) {
		struct partition_view part = partition_at(p, i);
		for (uint32_t k = 0; k < part.nic_count; k++) {
			struct config_nic *nic = &part.nics[k];
			if (nic->mode != CONFIG_NIC_AUTO)
				continue;
			const struct config_network *n = &out->networks[nic->network];
			uint32_t a = next[nic->network], run = 0;
			while (run < part.replicas && a + run < broadcast_address(n)) {
				if (free_for_auto(p, nic->network, a + run)) {
					run++;
				} else {
					a += run + 1; /* the run starts again past it */
					run = 0;
				}
			}
			if (run < part.replicas) {
				err_about(p, part.kind, part.name);
				err_network(p, n);
				err_str(p, part.replicas > 1
				               ? " has no run of free addresses left for "
				                 "its replicas"
				               : " has no free address left");
				return false;
			}
			nic->address = a;
			next[nic->network] = a + part.replicas;
		}
	}
	return true;
}

#define FNV1A_64_OFFSET 0xcbf29ce484222325ULL
#define FNV1A_64_PRIME  0x100000001b3ULL

static uint64_t fnv1a_64(uint64_t hash, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		hash ^= (unsigned char)s[i];
		hash *= FNV1A_64_PRIME;
	}
	return hash;
}

/* A MAC that stays the same from boot to boot and build to build:
 * 02 (locally administered, unicast), then the low five bytes, most
 * significant first, of the 64-bit FNV-1a hash of
 * "APPLIANCE/PARTITION/INDEX". */
static void derive_mac(const char *appliance, const char *partition, uint32_t index, uint8_t mac[6])
{
	_Static_assert(CONFIG_MAX_NICS <= 10, "an interface index is one digit");
	char digit = (char)('0' + index);
	struct span a = span_of(appliance), b = span_of(partition);
	uint64_t hash = fnv1a_64(FNV1A_64_OFFSET, a.p, a.n);
	hash = fnv1a_64(hash, "/", 1);
	hash = fnv1a_64(hash, b.p, b.n);
	hash = fnv1a_64(hash, "/", 1);
	hash = fnv1a_64(hash, &digit, 1);
	mac[0] = 0x02;
	for (int i = 1; i < 6; i++)
		mac[i] = (uint8_t)(hash >> (8 * (5 - i)));
}

/* Text emitters for config_container_vm(), which the boot stage runs
 * without snprintf: each writes at dst + at and returns the new end. */
static size_t put_text(char *dst, size_t at, const char *s)
{
	while (*s)
		dst[at++] = *s++;
	return at;
}

static size_t put_decimal(char *dst, size_t at, uint32_t v)
{
	char digits[10];
	size_t n = 0;
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		dst[at++] = digits[--n];
	return at;
}

void config_replica_name(const struct config_container *c, uint32_t replica, char *out, size_t len)
{
	char suffix[12];
	size_t n = c->replicas > 1 ? put_decimal(suffix, put_text(suffix, 0, "-"), replica) : 0;
	if (len <= n) {
		if (len)
			out[0] = '\0';
		return;
	}
	size_t at = 0;
	for (; c->name[at] && at + n < len - 1; at++)
		out[at] = c->name[at]; /* the name is cut, never the number */
	memcpy(out + at, suffix, n);
	out[at + n] = '\0';
}

void config_replica_nics(const struct appliance_config *cfg, const struct config_container *c,
                         uint32_t replica, struct config_nic out[CONFIG_MAX_NICS])
{
	char name[CONFIG_NAME_MAX + 8];
	config_replica_name(c, replica, name, sizeof(name));
	for (uint32_t k = 0; k < c->nic_count && k < CONFIG_MAX_NICS; k++) {
		out[k] = c->nics[k];
		if (c->replicas < 2)
			continue;
		derive_mac(cfg->name, name, k, out[k].mac);
		if (out[k].mode == CONFIG_NIC_AUTO)
			out[k].address = c->nics[k].address + replica - 1;
	}
}

static bool same_mac(const uint8_t a[6], const uint8_t b[6])
{
	for (int i = 0; i < 6; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* MACs not given are derived; given or derived, no two interfaces of
 * the appliance share one (its networks may meet on an uplink's wire). */
static bool assign_macs(struct parser *p)
{
	for (uint32_t i = 0; i < p->partition_count; i++) {
		struct partition_view part = partition_at(p, i);
		for (uint32_t k = 0; k < part.nic_count; k++)
			if (!part.nics[k].mac_given)
				derive_mac(p->out->name, part.name, k, part.nics[k].mac);
	}
	for (uint32_t i = 0; i < p->partition_count; i++) {
		struct partition_view part = partition_at(p, i);
		for (uint32_t k = 0; k < part.nic_count; k++) {
			const uint8_t *mac = part.nics[k].mac;
			/* Every interface before this one, in config order. */
			for (uint32_t j = 0; j <= i; j++) {
				struct partition_view other = partition_at(p, j);
				uint32_t end = j < i ? other.nic_count : k;
				for (uint32_t l = 0; l < end; l++) {
					if (!same_mac(mac, other.nics[l].mac))
						continue;
					err_about(p, part.kind, part.name);
					err_str(p, "MAC ");
					err_mac(p, mac);
					return err_used_by(p, other);
				}
			}
		}
	}
	return true;
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
	uint32_t replicas = 0;
	for (uint32_t i = 0; i < out->container_count; i++) {
		const struct config_container *c = &out->containers[i];
		const char *missing = !c->image[0] ? "image" : c->memory == 0 ? "memory" : 0;
		if (missing)
			return missing_key(p, kind_container, c->name, missing);
		for (uint32_t k = 0; c->replicas > 1 && k < c->nic_count; k++) {
			if (c->nics[k].mode != CONFIG_NIC_STATIC && !c->nics[k].mac_given)
				continue;
			err_about(p, kind_container, c->name);
			err_str(p, "replicas take auto or dhcp addresses and derived MACs (one "
			           "address or MAC cannot be each replica's)");
			return false;
		}
		replicas += c->replicas;
	}
	if (replicas > CONFIG_MAX_CONTAINER_PARTITIONS) {
		p->errpos = 0;
		err_str(p, "more than ");
		err_uint(p, CONFIG_MAX_CONTAINER_PARTITIONS);
		err_str(p, " container partitions, replicas counted");
		return false;
	}
	for (uint32_t i = 0; i < out->vm_count; i++) {
		const struct config_vm *vm = &out->vms[i];
		const char *missing = !vm->kernel[0] ? "kernel" : vm->memory == 0 ? "memory" : 0;
		if (missing)
			return missing_key(p, kind_vm, vm->name, missing);
	}
	/* Each step relies on the ones before it. */
	return check_networks(p) && resolve_network_names(p) && check_static_addresses(p) &&
	       assign_addresses(p) && assign_macs(p);
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

/* Lower case, with 0x, no leading zeros. */
static size_t put_hex(char *dst, size_t at, uint32_t v)
{
	char digits[8];
	size_t n = 0;
	do
		digits[n++] = "0123456789abcdef"[v & 15];
	while ((v >>= 4));
	at = put_text(dst, at, "0x");
	while (n)
		dst[at++] = digits[--n];
	return at;
}

void config_container_vm(const struct config_container *c, struct config_vm *vm)
{
	*vm = (struct config_vm){.memory = c->memory,
	                         .vcpus = c->vcpus,
	                         .stop_timeout_s = c->stop_timeout_s,
	                         .nic_count = c->nic_count};
	memcpy(vm->nics, c->nics, sizeof(vm->nics));
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
	size_t at = put_text(vm->cmdline, 0, CONFIG_CONTAINER_CMDLINE);
	at = put_text(vm->cmdline, at, " SOLO_STOP_GRACE=");
	at = put_decimal(vm->cmdline, at, c->stop_timeout_s);
	/* Our kernel has no ACPI: it finds the virtio-mmio devices here. */
	for (uint32_t i = 0; i < c->nic_count; i++) {
		at = put_text(vm->cmdline, at, " virtio_mmio.device=4K@");
		at = put_hex(vm->cmdline, at, GUEST_VIRTIO_MMIO_BASE + i * GUEST_VIRTIO_MMIO_SIZE);
		at = put_text(vm->cmdline, at, ":");
		at = put_decimal(vm->cmdline, at, GUEST_VIRTIO_IRQ(i));
	}
	vm->cmdline[at] = '\0';
}

_Static_assert(sizeof(CONFIG_CONTAINER_INITRD_DIR) - 1 + CONFIG_NAME_MAX + sizeof(".cpio") <=
                   CONFIG_PATH_MAX + 1,
               "a container's initrd path fits a [vm] path");
_Static_assert(CONFIG_STOP_TIMEOUT_MAX <= 9999, "a stop timeout has at most four digits");
_Static_assert(GUEST_VIRTIO_MMIO_SIZE == 4096, "the command line says 4K");
_Static_assert(CONFIG_MAX_NICS <= GUEST_VIRTIO_MAX_DEVICES, "every interface has a device");
_Static_assert(GUEST_VIRTIO_IRQ(CONFIG_MAX_NICS - 1) <= 99, "an interrupt has at most two digits");
_Static_assert(sizeof(CONFIG_CONTAINER_CMDLINE) - 1 + sizeof(" SOLO_STOP_GRACE=9999") - 1 +
                       CONFIG_MAX_NICS * (sizeof(" virtio_mmio.device=4K@0xffffffff:99") - 1) <
                   CONFIG_CMDLINE_MAX + 1,
               "the container command line fits");
