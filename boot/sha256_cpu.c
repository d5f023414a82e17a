/* Picks the boot stage's SHA-256 block function (sha256_cpu.h). */
#include "arch/cpu.h"
#include "sha256_cpu.h"

#define CPUID1_ECX_SSSE3  (1u << 9)
#define CPUID1_ECX_SSE4_1 (1u << 19)
#define CPUID7_EBX_SHA    (1u << 29)

bool sha256_cpu_has_extensions(void)
{
	if (cpu_cpuid(0, 0).eax < 7)
		return false;
	uint32_t ecx = cpu_cpuid(1, 0).ecx;
	if (!(ecx & CPUID1_ECX_SSSE3) || !(ecx & CPUID1_ECX_SSE4_1))
		return false;
	return (cpu_cpuid(7, 0).ebx & CPUID7_EBX_SHA) != 0;
}

static bool chosen;

bool sha256_cpu_select(void)
{
	chosen = sha256_cpu_has_extensions();
	sha256_use(chosen ? sha256_blocks_shani : 0);
	return chosen;
}

bool sha256_cpu_chosen(void)
{
	return chosen;
}
