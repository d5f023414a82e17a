/*
 * Local APIC access for AP start-up. solo keeps whichever mode the
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

void lapic_eoi(void)
{
	if (x2apic)
		cpu_wrmsr(X2APIC_EOI_MSR, 0);
	else
		xapic_mmio[XAPIC_EOI / 4] = 0;
}
