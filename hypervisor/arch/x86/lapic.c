/*
 * Local APIC access for AP start-up, kicks between CPUs and the wake-up
 * timer of an idle CPU's sleep. solo keeps whichever mode the
 * firmware left (OVMF leaves xAPIC): switching the BSP to x2APIC here would
 * not change the APs, which start in the mode their own APIC is in.
 */
#include "arch/cpu.h"
#include "arch/lapic.h"

#define MSR_IA32_APIC_BASE      0x1b
#define APIC_BASE_X2APIC_ENABLE (1ULL << 10)
#define APIC_BASE_ADDR_MASK     0x000ffffffffff000ULL

#define XAPIC_ID       0x20
#define XAPIC_ICR_LOW  0x300
#define XAPIC_ICR_HIGH 0x310
#define X2APIC_ID_MSR  0x802
#define X2APIC_ICR_MSR 0x830
#define XAPIC_EOI      0xb0
#define X2APIC_EOI_MSR 0x80b

#define ICR_DELIVERY_INIT    (5u << 8)
#define ICR_DELIVERY_STARTUP (6u << 8)
#define ICR_LEVEL_ASSERT     (1u << 14)
#define ICR_DELIVERY_PENDING (1u << 12)

#define X2APIC_MSR_BASE         0x800
#define XAPIC_SVR               0xf0
#define XAPIC_LVT_TIMER         0x320
#define SVR_APIC_ENABLED        (1u << 8)
#define LVT_MASKED              (1u << 16)
#define LVT_TSC_DEADLINE        (2u << 17)
#define MSR_IA32_TSC_DEADLINE   0x6e0
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)

static bool x2apic;
static volatile uint32_t *xapic_mmio;

void lapic_init(void)
{
	uint64_t base = cpu_rdmsr(MSR_IA32_APIC_BASE);
	x2apic = (base & APIC_BASE_X2APIC_ENABLE) != 0;
	xapic_mmio = (volatile uint32_t *)(uintptr_t)(base & APIC_BASE_ADDR_MASK);
}

uint32_t lapic_id(void)
{
	if (x2apic)
		return (uint32_t)cpu_rdmsr(X2APIC_ID_MSR);
	return xapic_mmio[XAPIC_ID / 4] >> 24;
}

static void send_ipi(uint32_t apic_id, uint32_t low)
{
	if (x2apic) {
		cpu_wrmsr(X2APIC_ICR_MSR, ((uint64_t)apic_id << 32) | low);
		return;
	}
	xapic_mmio[XAPIC_ICR_HIGH / 4] = apic_id << 24;
	xapic_mmio[XAPIC_ICR_LOW / 4] = low;
	for (int spins = 0; spins < 1000000; spins++) {
		if (!(xapic_mmio[XAPIC_ICR_LOW / 4] & ICR_DELIVERY_PENDING))
			break;
		cpu_pause();
	}
}

void lapic_send_init(uint32_t apic_id)
{
	send_ipi(apic_id, ICR_DELIVERY_INIT | ICR_LEVEL_ASSERT);
}

void lapic_send_sipi(uint32_t apic_id, uint8_t vector)
{
	send_ipi(apic_id, ICR_DELIVERY_STARTUP | ICR_LEVEL_ASSERT | vector);
}

void lapic_send_fixed(uint32_t apic_id, uint8_t vector)
{
	send_ipi(apic_id, ICR_LEVEL_ASSERT | vector);
}

static void write_register(unsigned xapic_offset, uint32_t value)
{
	if (x2apic)
		cpu_wrmsr(X2APIC_MSR_BASE + xapic_offset / 16, value);
	else
		xapic_mmio[xapic_offset / 4] = value;
}

void lapic_enable(void)
{
	write_register(XAPIC_LVT_TIMER, LVT_MASKED);
	write_register(XAPIC_SVR, SVR_APIC_ENABLED | LAPIC_SPURIOUS_VECTOR);
}

bool lapic_sleep_until(uint64_t tsc_deadline)
{
	if (!(cpu_cpuid(1, 0).ecx & CPUID1_ECX_TSC_DEADLINE))
		return false;
	write_register(XAPIC_LVT_TIMER, LVT_TSC_DEADLINE | LAPIC_WAKE_VECTOR);
	cpu_wrmsr(MSR_IA32_TSC_DEADLINE, tsc_deadline ? tsc_deadline : 1);
	/* sti takes effect after hlt has begun, so an interrupt already
	 * pending (a kick that came while solo worked) ends it at once. */
	__asm__ volatile("sti; hlt; cli" ::: "memory");
	cpu_wrmsr(MSR_IA32_TSC_DEADLINE, 0);
	write_register(XAPIC_LVT_TIMER, LVT_MASKED);
	return true;
}

void lapic_eoi(void)
{
	if (x2apic)
		cpu_wrmsr(X2APIC_EOI_MSR, 0);
	else
		xapic_mmio[XAPIC_EOI / 4] = 0;
}
