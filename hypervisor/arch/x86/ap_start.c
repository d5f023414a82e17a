/*
 * INIT-SIPI-SIPI as the SDM's MP initialisation protocol describes it
 * (Vol. 3 section 9.4.4): INIT, 10 ms, SIPI, 200 us, a second SIPI only if
 * the AP has not yet checked in. One AP at a time, since they share the
 * trampoline's patched fields.
 */
#include <string.h>

#include "arch/ap_start.h"
#include "arch/lapic.h"
#include "arch/tsc.h"

extern const uint8_t ap_trampoline_start[], ap_trampoline_end[];
extern const uint8_t tr_protected[], tr_long[], tr_gdt[], tr_gdt_pointer[], tr_far32[], tr_far64[],
    tr_cr3[], tr_stack[], tr_arg[], tr_entry[];

static uint32_t offset_of(const uint8_t *symbol)
{
	return (uint32_t)(symbol - ap_trampoline_start);
}

static void patch32(uint8_t *page, const uint8_t *field, uint32_t value)
{
	memcpy(page + offset_of(field), &value, sizeof(value));
}

static void patch64(uint8_t *page, const uint8_t *field, uint64_t value)
{
	memcpy(page + offset_of(field), &value, sizeof(value));
}

static bool wait_alive(volatile const int *alive, uint64_t microseconds)
{
	for (uint64_t waited = 0; waited < microseconds; waited += 100) {
		if (*alive)
			return true;
		tsc_delay_us(100);
	}
	return *alive != 0;
}

bool ap_start(hpa_t trampoline_page, uint32_t apic_id, hpa_t cr3, uint64_t stack_top,
              ap_entry_fn entry, struct pcpu *cpu, volatile const int *alive)
{
	uint8_t *page = hpa_to_ptr(trampoline_page);
	uint32_t base = (uint32_t)trampoline_page;
	memcpy(page, ap_trampoline_start, (size_t)(ap_trampoline_end - ap_trampoline_start));
	patch32(page, tr_gdt_pointer + 2, base + offset_of(tr_gdt));
	patch32(page, tr_far32, base + offset_of(tr_protected));
	patch32(page, tr_far64, base + offset_of(tr_long));
	patch32(page, tr_cr3, (uint32_t)cr3);
	patch64(page, tr_stack, stack_top);
	patch64(page, tr_arg, (uint64_t)(uintptr_t)cpu);
	patch64(page, tr_entry, (uint64_t)(uintptr_t)entry);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	uint8_t vector = (uint8_t)(trampoline_page >> 12);
	lapic_send_init(apic_id);
	tsc_delay_us(10000);
	lapic_send_sipi(apic_id, vector);
	if (wait_alive(alive, 200))
		return true;
	lapic_send_sipi(apic_id, vector);
	return wait_alive(alive, 200000);
}
