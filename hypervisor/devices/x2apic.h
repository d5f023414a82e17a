/*
 * A virtual local APIC in x2APIC mode: the MSR interface (SDM Vol. 3
 * chapter 11.12), interrupt request/service state, and the timer in its
 * one-shot, periodic and TSC-deadline modes. Time is the host TSC passed
 * in by the caller, so the model is pure and tested on the host.
 */
#ifndef SOLO_DEVICES_X2APIC_H
#define SOLO_DEVICES_X2APIC_H

#include <stdbool.h>
#include <stdint.h>

#define X2APIC_MSR_FIRST      0x800
#define X2APIC_MSR_LAST       0x8ff
#define MSR_IA32_TSC_DEADLINE 0x6e0

#define APIC_LVT_MASKED         (1u << 16)
#define APIC_TIMER_MODE_SHIFT   17
#define APIC_TIMER_ONESHOT      0
#define APIC_TIMER_PERIODIC     1
#define APIC_TIMER_TSC_DEADLINE 2

/* An interrupt a local APIC sends through its ICR (or an I/O APIC
 * through a redirection entry), decoded: who receives it is decided by
 * x2apic_accepts() on each candidate. */
struct apic_ipi {
	uint8_t vector;
	uint8_t delivery_mode; /* APIC_DELIVERY_* */
	bool logical;          /* destination mode */
	bool level_assert;     /* INIT: assert (true) or level de-assert */
	uint8_t shorthand;     /* APIC_SHORTHAND_* */
	bool x2apic_format;    /* 32-bit destination (x2APIC), else 8-bit */
	uint32_t dest;
	uint32_t sender_id;
};

#define APIC_DELIVERY_FIXED         0
#define APIC_DELIVERY_LOWEST        1
#define APIC_DELIVERY_SMI           2
#define APIC_DELIVERY_NMI           4
#define APIC_DELIVERY_INIT          5
#define APIC_DELIVERY_STARTUP       6
#define APIC_SHORTHAND_NONE         0
#define APIC_SHORTHAND_SELF         1
#define APIC_SHORTHAND_ALL          2
#define APIC_SHORTHAND_ALL_BUT_SELF 3

/* Where a local APIC's IPIs go: the partition routes them between its
 * vCPUs. Without a sink only interrupts to the APIC itself arrive. */
typedef void (*apic_ipi_sink)(void *ctx, const struct apic_ipi *ipi);

struct x2apic {
	apic_ipi_sink ipi_sink;
	void *ipi_ctx;
	bool x2apic_mode; /* false: xAPIC, registers through the MMIO page */
	uint32_t id;
	uint32_t tpr;
	uint32_t svr;
	uint32_t ldr;
	uint32_t esr;
	uint32_t lvt_timer, lvt_thermal, lvt_perf, lvt_lint0, lvt_lint1, lvt_error, lvt_cmci;
	uint32_t timer_divide; /* TDCR as written */
	uint32_t timer_initial;
	uint32_t irr[8], isr[8], tmr[8];
	/* The timer fires when the TSC reaches timer_deadline (0: disarmed).
	 * In one-shot/periodic mode it is derived from the initial count,
	 * the divider and tsc_per_apic_tick. */
	uint64_t timer_deadline;
	uint64_t timer_period; /* TSC ticks, periodic mode */
	uint64_t tsc_per_apic_tick;
	uint64_t timer_fired;
	uint64_t ipis_dropped; /* sent, but reaching no APIC (partition_ipi.c) */
	/* xAPIC-only state: the ICR's destination half, DFR, and LDR in
	 * its xAPIC (software-written) form. */
	uint32_t icr_high;
	uint32_t dfr;
	uint32_t ldr_xapic;
};

#define XAPIC_MMIO_BASE 0xfee00000ULL
#define XAPIC_MMIO_SIZE 0x1000

/* xAPIC register access through the MMIO page: 32-bit accesses at
 * 16-byte-aligned offsets. Returns false for what the hardware would not
 * accept (the caller then ends the partition, as an unemulated access). */
bool xapic_mmio_read(struct x2apic *apic, unsigned offset, uint64_t now, uint32_t *value);
bool xapic_mmio_write(struct x2apic *apic, unsigned offset, uint32_t value, uint64_t now);

void x2apic_init(struct x2apic *apic, uint32_t id, uint64_t tsc_per_apic_tick);

/* MSR access. Returns false for accesses that raise #GP on real hardware
 * (reserved registers, writes to read-only ones, reads of write-only
 * ones). */
bool x2apic_read(struct x2apic *apic, uint32_t msr, uint64_t now, uint64_t *value);
bool x2apic_write(struct x2apic *apic, uint32_t msr, uint64_t value, uint64_t now);

/* IA32_TSC_DEADLINE: effective only in TSC-deadline timer mode. */
uint64_t x2apic_read_tsc_deadline(const struct x2apic *apic);
void x2apic_write_tsc_deadline(struct x2apic *apic, uint64_t deadline);

/* Fires the timer if its deadline has passed, raising its vector. */
void x2apic_timer_update(struct x2apic *apic, uint64_t now);

/* The highest pending vector the guest may take now (above the
 * processor priority), or -1. */
int x2apic_pending_vector(const struct x2apic *apic);

/* Whether any interrupt is requested at all: the run loop's quick test
 * before the full priority check. */
static inline bool x2apic_irr_empty(const struct x2apic *apic)
{
	return !(apic->irr[0] | apic->irr[1] | apic->irr[2] | apic->irr[3] | apic->irr[4] |
	         apic->irr[5] | apic->irr[6] | apic->irr[7]);
}

/* Delivery of `vector` to the guest: moves it from IRR to ISR. */
void x2apic_accept(struct x2apic *apic, int vector);

/* Raises an interrupt request for a vector. */
void x2apic_set_irr(struct x2apic *apic, int vector);

/* Whether `apic` is among the destinations of `ipi` (SDM 11.6.2 and
 * 11.12.9: physical, logical flat/cluster in xAPIC mode, logical cluster
 * in x2APIC mode, broadcast and the shorthands). */
bool x2apic_accepts(const struct x2apic *apic, const struct apic_ipi *ipi);

#endif
