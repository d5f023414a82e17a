/* The clone point, guest side (see clone_point.h). */
#define _GNU_SOURCE
#include "clone_point.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/random.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "solo_hypercall.h"
#include "spec.h"

static int parse_seed(const char *v, size_t n, struct clone_answer *out)
{
	if (n != 2 * CLONE_POINT_SEED_SIZE)
		return -1;
	for (size_t i = 0; i < CLONE_POINT_SEED_SIZE; i++) {
		int hi = spec_hex_digit(v[2 * i]), lo = spec_hex_digit(v[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out->seed[i] = (uint8_t)(hi << 4 | lo);
	}
	out->has_seed = 1;
	return 0;
}

static int parse_hostname(const char *v, size_t n, struct clone_answer *out)
{
	if (n == 0 || n > CLONE_POINT_NAME_MAX)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.' || c == '_'))
			return -1;
	}
	memcpy(out->hostname, v, n);
	out->hostname[n] = '\0';
	return 0;
}

/* nicK=MAC ADDRESS, K one digit below SPEC_MAX_NICS, given once. */
static int parse_nic(char digit, const char *v, size_t n, struct clone_answer *out)
{
	unsigned k = (unsigned)(digit - '0');
	char value[48];
	if (digit < '0' || k >= SPEC_MAX_NICS || out->nic_given[k] || n >= sizeof(value) ||
	    memchr(v, '\0', n))
		return -1;
	memcpy(value, v, n);
	value[n] = '\0';
	if (spec_parse_nic(value, &out->nics[k]) != 0)
		return -1;
	out->nic_given[k] = true;
	return 0;
}

int clone_answer_parse(const char *text, size_t len, struct clone_answer *out)
{
	memset(out, 0, sizeof(*out));
	size_t at = 0;
	while (at < len) {
		const char *line = text + at;
		const char *nl = memchr(line, '\n', len - at);
		if (!nl)
			return -1; /* every line ends */
		size_t n = (size_t)(nl - line);
		at += n + 1;
		const char *eq = memchr(line, '=', n);
		if (!eq)
			return -1;
		size_t key = (size_t)(eq - line);
		const char *v = eq + 1;
		size_t vn = n - key - 1;
		int rc = key == 4 && !memcmp(line, "seed", 4)       ? parse_seed(v, vn, out)
		         : key == 8 && !memcmp(line, "hostname", 8) ? parse_hostname(v, vn, out)
		         : key == 4 && !memcmp(line, "nic", 3)      ? parse_nic(line[3], v, vn, out)
		                                                    : -1;
		if (rc)
			return -1;
	}
	return 0;
}

/* Credits the seed to the input pool and reseeds the generator from it
 * at once: before this a clone's generator is its template's. */
static void reseed(const uint8_t seed[CLONE_POINT_SEED_SIZE], void (*say)(const char *fmt, ...))
{
	struct {
		int entropy_count;
		int buf_size;
		uint8_t buf[CLONE_POINT_SEED_SIZE];
	} entropy = {CLONE_POINT_SEED_SIZE * 8, CLONE_POINT_SEED_SIZE, {0}};
	memcpy(entropy.buf, seed, CLONE_POINT_SEED_SIZE);
	int fd = open("/dev/urandom", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		say("clone point: /dev/urandom: %s", strerror(errno));
		return;
	}
	if (ioctl(fd, RNDADDENTROPY, &entropy) != 0 || ioctl(fd, RNDRESEEDCRNG) != 0)
		say("clone point: reseeding the random number generator: %s", strerror(errno));
	close(fd);
}

unsigned clone_answer_apply(const struct clone_answer *a, struct spec *spec)
{
	unsigned refused = 0;
	if (a->hostname[0])
		spec->hostname = a->hostname;
	for (size_t k = 0; k < spec->nic_count && k < SPEC_MAX_NICS; k++) {
		if (!a->nic_given[k])
			continue;
		if (a->nics[k].dhcp != spec->nics[k].dhcp) {
			refused++;
			continue;
		}
		spec->nics[k] = a->nics[k];
		spec->nics[k].mac_to_eth = true;
	}
	return refused;
}

void clone_point(struct spec *spec, void (*say)(const char *fmt, ...))
{
	/* Touched before the call, so its pages are mapped and writable
	 * when solo writes the answer. */
	static char text[512];
	static struct clone_answer answer;
	if (!solo_detect())
		return;
	memset(text, 0, sizeof(text));
	int64_t n = solo_hypercall(SOLO_HC_CLONE_POINT, (uint64_t)(uintptr_t)text, sizeof(text));
	if (n == SOLO_HC_ENOSYS)
		return;
	if (n < 0 || (size_t)n > sizeof(text) || clone_answer_parse(text, (size_t)n, &answer)) {
		say("clone point: unexpected answer from solo (%lld)", (long long)n);
		return;
	}
	if (answer.has_seed)
		reseed(answer.seed, say);
	unsigned refused = clone_answer_apply(&answer, spec);
	if (refused)
		say("clone point: %u interface%s with another kind of address than the spec's, "
		    "left as the spec has %s",
		    refused, refused == 1 ? "" : "s", refused == 1 ? "it" : "them");
}
