/* The clone point's answer (see clone_point.h). */
#include <stdio.h>
#include <string.h>

#include "arch/cpu.h"
#include "core/clone_point.h"
#include "core/hypercall.h"
#include "core/partition_net.h"
#include "sha256.h"

/* 32 bytes no two partitions share: the CPU's random generator where it
 * has one, and in any case the TSC, the partition's name and a count,
 * through SHA-256. */
static void fresh_seed(const struct partition *p, uint8_t out[SHA256_DIGEST_SIZE])
{
	static uint64_t counter;
	struct sha256 s;
	sha256_init(&s);
	for (int i = 0; i < 4; i++) {
		uint64_t r;
		if (cpu_rdrand(&r))
			sha256_update(&s, &r, sizeof(r));
	}
	uint64_t mix[2] = {cpu_rdtsc(), __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED)};
	sha256_update(&s, mix, sizeof(mix));
	sha256_update(&s, p->name, strlen(p->name));
	sha256_final(&s, out);
}

size_t clone_point_format(const struct partition *p, char *out, size_t size)
{
	uint8_t seed[SHA256_DIGEST_SIZE];
	char hex[2 * SHA256_DIGEST_SIZE + 1];
	fresh_seed(p, seed);
	static const char digits[] = "0123456789abcdef";
	for (unsigned i = 0; i < SHA256_DIGEST_SIZE; i++) {
		hex[2 * i] = digits[seed[i] >> 4];
		hex[2 * i + 1] = digits[seed[i] & 15];
	}
	hex[2 * SHA256_DIGEST_SIZE] = '\0';
	int n = p->hostname ? snprintf(out, size, "hostname=%s\nseed=%s\n", p->hostname, hex)
	                    : snprintf(out, size, "seed=%s\n", hex);
	if (n < 0 || (size_t)n >= size)
		return 0;
	return (size_t)n + partition_net_identity(p, out + n, size - (size_t)n);
}

void clone_point_answer(struct partition *p, struct vcpu *v, const struct guest_paging *paging)
{
	char text[CLONE_POINT_ANSWER_MAX + 1];
	size_t len = clone_point_format(p, text, sizeof(text));
	if (v->regs.rcx < len) {
		v->regs.rax = (uint64_t)HYPERCALL_EINVAL;
		return;
	}
	if (guest_write_linear(p, paging, v->regs.rbx, text, len) != len) {
		v->regs.rax = (uint64_t)HYPERCALL_EFAULT;
		return;
	}
	v->regs.rax = len;
}
