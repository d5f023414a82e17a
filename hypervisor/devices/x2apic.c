/*
 * Virtual x2APIC. Register numbers are the MSR index minus 0x800 (the
 * xAPIC MMIO offset divided by 16). Interrupt priority follows the SDM:
 * a vector is delivered when its priority class (vector >> 4) is above
 * the processor priority, the larger of TPR and the highest in-service
 * class. EOI retires the highest in-service vector.
 */
#include "devices/x2apic.h"

#define REG_ID            0x02
#define REG_VERSION       0x03
#define REG_TPR           0x08
#define REG_PPR           0x0a
#define REG_EOI           0x0b
#define REG_LDR           0x0d
#define REG_SVR           0x0f
#define REG_ISR0          0x10
#define REG_TMR0          0x18
#define REG_IRR0          0x20
#define REG_ESR           0x28
#define REG_LVT_CMCI      0x2f
#define REG_ICR           0x30
#define REG_LVT_TIMER     0x32
#define REG_LVT_THERMAL   0x33
#define REG_LVT_PERF      0x34
#define REG_LVT_LINT0     0x35
#define REG_LVT_LINT1     0x36
#define REG_LVT_ERROR     0x37
#define REG_TIMER_INITIAL 0x38
#define REG_TIMER_CURRENT 0x39
#define REG_TIMER_DIVIDE  0x3e
#define REG_SELF_IPI      0x3f

/* Version 0x14 with 7 LVT entries (max LVT index 6), as modern CPUs. */
#define APIC_VERSION           0x00060014u
#define SVR_APIC_ENABLED       (1u << 8)
#define ICR_DEST_SHIFT         32
#define ICR_SHORTHAND(icr)     (((icr) >> 18) & 3)
#define ICR_DELIVERY_MODE(icr) (((icr) >> 8) & 7)
#define ICR_LOGICAL            (1u << 11)
#define ICR_LEVEL_ASSERT       (1u << 14)
#define ICR_TRIGGER_LEVEL      (1u << 15)
#define X2APIC_BROADCAST       0xffffffffu
#define XAPIC_BROADCAST        0xffu
#define DFR_FLAT               0xf0000000u

static unsigned timer_mode(const struct x2apic *apic)
{
	return (apic->lvt_timer >> APIC_TIMER_MODE_SHIFT) & 3;
}

static bool bit_test(const uint32_t *bits, int vector)
{
	return (bits[vector / 32] >> (vector % 32)) & 1;
}

static void bit_set(uint32_t *bits, int vector)
{
	bits[vector / 32] |= 1u << (vector % 32);
}

static void bit_clear(uint32_t *bits, int vector)
{
	bits[vector / 32] &= ~(1u << (vector % 32));
}

static int highest(const uint32_t *bits)
{
	for (int word = 7; word >= 0; word--)
		if (bits[word])
			return word * 32 + 31 - __builtin_clz(bits[word]);
	return -1;
}

static uint32_t processor_priority(const struct x2apic *apic)
{
	int isr = highest(apic->isr);
	uint32_t isr_class = isr < 0 ? 0 : (uint32_t)isr & 0xf0;
	return (apic->tpr & 0xf0) >= isr_class ? apic->tpr & 0xff : isr_class;
}

void x2apic_init(struct x2apic *apic, uint32_t id, uint64_t tsc_per_apic_tick)
{
	*apic = (struct x2apic){
	    .id = id,
	    .svr = 0xff, /* reset value: software-disabled, spurious 0xff */
	    .dfr = 0xffffffffu,
	    .lvt_timer = APIC_LVT_MASKED,
	    .lvt_thermal = APIC_LVT_MASKED,
	    .lvt_perf = APIC_LVT_MASKED,
	    .lvt_lint0 = APIC_LVT_MASKED,
	    .lvt_lint1 = APIC_LVT_MASKED,
	    .lvt_error = APIC_LVT_MASKED,
	    .lvt_cmci = APIC_LVT_MASKED,
	    .ldr = ((id >> 4) << 16) | (1u << (id & 0xf)), /* x2APIC logical ID */
	    .tsc_per_apic_tick = tsc_per_apic_tick ? tsc_per_apic_tick : 1,
	};
}

static uint64_t divide_value(uint32_t tdcr)
{
	/* TDCR bits 0,1,3 encode divide-by 2^(n+1), with 0b111 meaning 1. */
	uint32_t code = (tdcr & 3) | ((tdcr >> 1) & 4);
	return code == 7 ? 1 : 2ULL << code;
}

static void start_counting_timer(struct x2apic *apic, uint64_t now)
{
	if (!apic->timer_initial) {
		apic->timer_deadline = 0;
		return;
	}
	apic->timer_period = (uint64_t)apic->timer_initial * divide_value(apic->timer_divide) *
	                     apic->tsc_per_apic_tick;
	apic->timer_deadline = now + apic->timer_period;
}

static uint32_t current_count(const struct x2apic *apic, uint64_t now)
{
	if (timer_mode(apic) == APIC_TIMER_TSC_DEADLINE || !apic->timer_deadline ||
	    now >= apic->timer_deadline)
		return 0;
	uint64_t ticks = apic->tsc_per_apic_tick * divide_value(apic->timer_divide);
	return (uint32_t)((apic->timer_deadline - now) / ticks);
}

void x2apic_set_irr(struct x2apic *apic, int vector)
{
	if (vector >= 16 && vector < 256)
		bit_set(apic->irr, vector);
}

/* An ICR write: the destination is the ICR's upper half in x2APIC
 * format, or the 8-bit xAPIC destination the caller put there. */
static void send_ipi(struct x2apic *apic, uint64_t icr, bool x2apic_format)
{
	struct apic_ipi ipi = {
	    .vector = (uint8_t)icr,
	    .delivery_mode = (uint8_t)ICR_DELIVERY_MODE(icr),
	    .logical = (icr & ICR_LOGICAL) != 0,
	    /* Edge-triggered INITs assert; only a level INIT can de-assert. */
	    .level_assert = (icr & ICR_LEVEL_ASSERT) || !(icr & ICR_TRIGGER_LEVEL),
	    .shorthand = (uint8_t)ICR_SHORTHAND(icr),
	    .x2apic_format = x2apic_format,
	    .dest = (uint32_t)(icr >> ICR_DEST_SHIFT),
	    .sender_id = apic->id,
	};
	if (apic->ipi_sink) {
		apic->ipi_sink(apic->ipi_ctx, &ipi);
		return;
	}
	if (ipi.delivery_mode == APIC_DELIVERY_FIXED && x2apic_accepts(apic, &ipi))
		x2apic_set_irr(apic, ipi.vector);
	else
		apic->ipis_dropped++;
}

static bool logical_match(const struct x2apic *apic, const struct apic_ipi *ipi)
{
	if (ipi->x2apic_format) {
		/* x2APIC logical IDs: cluster in 31:16, one bit of 15:0. */
		if (!apic->x2apic_mode)
			return false;
		return (ipi->dest >> 16) == (apic->ldr >> 16) && (ipi->dest & apic->ldr & 0xffff);
	}
	if (apic->x2apic_mode)
		return false;
	uint32_t logical_id = apic->ldr_xapic >> 24, dest = ipi->dest & 0xff;
	if ((apic->dfr & DFR_FLAT) == DFR_FLAT)
		return (logical_id & dest) != 0;
	return (logical_id >> 4) == (dest >> 4) && (logical_id & dest & 0xf);
}

bool x2apic_accepts(const struct x2apic *apic, const struct apic_ipi *ipi)
{
	switch (ipi->shorthand) {
	case APIC_SHORTHAND_SELF:
		return apic->id == ipi->sender_id;
	case APIC_SHORTHAND_ALL:
		return true;
	case APIC_SHORTHAND_ALL_BUT_SELF:
		return apic->id != ipi->sender_id;
	}
	uint32_t broadcast = ipi->x2apic_format ? X2APIC_BROADCAST : XAPIC_BROADCAST;
	if (ipi->dest == broadcast)
		return true;
	return ipi->logical ? logical_match(apic, ipi) : ipi->dest == apic->id;
}

bool x2apic_read(struct x2apic *apic, uint32_t msr, uint64_t now, uint64_t *value)
{
	unsigned reg = msr - X2APIC_MSR_FIRST;
	if (msr < X2APIC_MSR_FIRST || msr > X2APIC_MSR_LAST)
		return false;
	if (reg >= REG_ISR0 && reg < REG_ISR0 + 8) {
		*value = apic->isr[reg - REG_ISR0];
		return true;
	}
	if (reg >= REG_TMR0 && reg < REG_TMR0 + 8) {
		*value = apic->tmr[reg - REG_TMR0];
		return true;
	}
	if (reg >= REG_IRR0 && reg < REG_IRR0 + 8) {
		*value = apic->irr[reg - REG_IRR0];
		return true;
	}
	switch (reg) {
	case REG_ID:
		*value = apic->id;
		return true;
	case REG_VERSION:
		*value = APIC_VERSION;
		return true;
	case REG_TPR:
		*value = apic->tpr;
		return true;
	case REG_PPR:
		*value = processor_priority(apic);
		return true;
	case REG_LDR:
		*value = apic->ldr;
		return true;
	case REG_SVR:
		*value = apic->svr;
		return true;
	case REG_ESR:
		*value = apic->esr;
		return true;
	case REG_LVT_CMCI:
		*value = apic->lvt_cmci;
		return true;
	case REG_LVT_TIMER:
		*value = apic->lvt_timer;
		return true;
	case REG_LVT_THERMAL:
		*value = apic->lvt_thermal;
		return true;
	case REG_LVT_PERF:
		*value = apic->lvt_perf;
		return true;
	case REG_LVT_LINT0:
		*value = apic->lvt_lint0;
		return true;
	case REG_LVT_LINT1:
		*value = apic->lvt_lint1;
		return true;
	case REG_LVT_ERROR:
		*value = apic->lvt_error;
		return true;
	case REG_TIMER_INITIAL:
		*value = apic->timer_initial;
		return true;
	case REG_TIMER_CURRENT:
		*value = current_count(apic, now);
		return true;
	case REG_TIMER_DIVIDE:
		*value = apic->timer_divide;
		return true;
	case REG_ICR:
		*value = 0;
		return true;
	default:
		return false; /* EOI and SELF_IPI are write-only; the rest reserved */
	}
}

/* A software-disabled APIC keeps every LVT entry masked; attempts to
 * unmask one are ignored (SDM 11.4.7.2). */
static uint32_t lvt_value(const struct x2apic *apic, uint32_t v)
{
	return (apic->svr & SVR_APIC_ENABLED) ? v : v | APIC_LVT_MASKED;
}

static void eoi(struct x2apic *apic)
{
	int vector = highest(apic->isr);
	if (vector >= 0)
		bit_clear(apic->isr, vector);
}

bool x2apic_write(struct x2apic *apic, uint32_t msr, uint64_t value, uint64_t now)
{
	unsigned reg = msr - X2APIC_MSR_FIRST;
	uint32_t v = (uint32_t)value;
	if (msr < X2APIC_MSR_FIRST || msr > X2APIC_MSR_LAST)
		return false;
	/* Only ICR is 64 bits wide; the upper half of any other must be 0. */
	if (reg != REG_ICR && (value >> 32))
		return false;
	switch (reg) {
	case REG_TPR:
		apic->tpr = v & 0xff;
		return true;
	case REG_EOI:
		if (v)
			return false; /* SDM: a non-zero EOI write raises #GP */
		eoi(apic);
		return true;
	case REG_SVR:
		apic->svr = v & 0x11ff;
		if (!(apic->svr & SVR_APIC_ENABLED)) {
			/* A software-disabled APIC masks every LVT entry. */
			apic->lvt_timer |= APIC_LVT_MASKED;
			apic->lvt_thermal |= APIC_LVT_MASKED;
			apic->lvt_perf |= APIC_LVT_MASKED;
			apic->lvt_lint0 |= APIC_LVT_MASKED;
			apic->lvt_lint1 |= APIC_LVT_MASKED;
			apic->lvt_error |= APIC_LVT_MASKED;
			apic->lvt_cmci |= APIC_LVT_MASKED;
		}
		return true;
	case REG_ESR:
		if (v)
			return false;
		apic->esr = 0;
		return true;
	case REG_ICR:
		send_ipi(apic, value, true);
		return true;
	case REG_LVT_TIMER: {
		unsigned old_mode = timer_mode(apic);
		apic->lvt_timer =
		    lvt_value(apic, v & (0xff | APIC_LVT_MASKED | (3u << APIC_TIMER_MODE_SHIFT)));
		if (timer_mode(apic) != old_mode)
			apic->timer_deadline = 0; /* a mode change disarms the timer */
		return true;
	}
	case REG_LVT_CMCI:
		apic->lvt_cmci = lvt_value(apic, v);
		return true;
	case REG_LVT_THERMAL:
		apic->lvt_thermal = lvt_value(apic, v);
		return true;
	case REG_LVT_PERF:
		apic->lvt_perf = lvt_value(apic, v);
		return true;
	case REG_LVT_LINT0:
		apic->lvt_lint0 = lvt_value(apic, v);
		return true;
	case REG_LVT_LINT1:
		apic->lvt_lint1 = lvt_value(apic, v);
		return true;
	case REG_LVT_ERROR:
		apic->lvt_error = lvt_value(apic, v);
		return true;
	case REG_TIMER_INITIAL:
		apic->timer_initial = v;
		if (timer_mode(apic) != APIC_TIMER_TSC_DEADLINE)
			start_counting_timer(apic, now);
		return true;
	case REG_TIMER_DIVIDE:
		apic->timer_divide = v & 0xb;
		return true;
	case REG_SELF_IPI:
		x2apic_set_irr(apic, (int)(v & 0xff));
		return true;
	default:
		return false; /* read-only or reserved */
	}
}

uint64_t x2apic_read_tsc_deadline(const struct x2apic *apic)
{
	return timer_mode(apic) == APIC_TIMER_TSC_DEADLINE ? apic->timer_deadline : 0;
}

void x2apic_write_tsc_deadline(struct x2apic *apic, uint64_t deadline)
{
	if (timer_mode(apic) == APIC_TIMER_TSC_DEADLINE)
		apic->timer_deadline = deadline;
}

void x2apic_timer_update(struct x2apic *apic, uint64_t now)
{
	if (!apic->timer_deadline || now < apic->timer_deadline)
		return;
	apic->timer_fired++;
	if (!(apic->lvt_timer & APIC_LVT_MASKED))
		x2apic_set_irr(apic, (int)(apic->lvt_timer & 0xff));
	if (timer_mode(apic) == APIC_TIMER_PERIODIC && apic->timer_period) {
		/* Skip whole periods missed while the vCPU was not running. */
		uint64_t late = now - apic->timer_deadline;
		apic->timer_deadline += apic->timer_period * (late / apic->timer_period + 1);
	} else {
		apic->timer_deadline = 0;
	}
}

int x2apic_pending_vector(const struct x2apic *apic)
{
	if (!(apic->svr & SVR_APIC_ENABLED))
		return -1;
	int vector = highest(apic->irr);
	if (vector < 0 || ((uint32_t)vector & 0xf0) <= (processor_priority(apic) & 0xf0))
		return -1;
	return vector;
}

void x2apic_accept(struct x2apic *apic, int vector)
{
	if (vector < 0 || vector > 255 || !bit_test(apic->irr, vector))
		return;
	bit_clear(apic->irr, vector);
	bit_set(apic->isr, vector);
}

/* xAPIC MMIO. Most registers are the x2APIC ones at offset / 16; the
 * differences (SDM 11.12.1): the ID sits in bits 31:24, LDR is software
 * writable, DFR exists, and ICR is split in two 32-bit halves, the low
 * half's write sending the IPI. */
#define XAPIC_ID       0x20
#define XAPIC_LDR      0xd0
#define XAPIC_DFR      0xe0
#define XAPIC_EOI      0xb0
#define XAPIC_ESR      0x280
#define XAPIC_ICR_LOW  0x300
#define XAPIC_ICR_HIGH 0x310

bool xapic_mmio_read(struct x2apic *apic, unsigned offset, uint64_t now, uint32_t *value)
{
	uint64_t v;
	if ((offset & 0xf) || offset >= XAPIC_MMIO_SIZE)
		return false;
	switch (offset) {
	case XAPIC_ID:
		*value = apic->id << 24;
		return true;
	case XAPIC_LDR:
		*value = apic->ldr_xapic;
		return true;
	case XAPIC_DFR:
		*value = apic->dfr;
		return true;
	case XAPIC_ICR_HIGH:
		*value = apic->icr_high;
		return true;
	default:
		if (!x2apic_read(apic, X2APIC_MSR_FIRST + offset / 16, now, &v))
			return false;
		*value = (uint32_t)v;
		return true;
	}
}

bool xapic_mmio_write(struct x2apic *apic, unsigned offset, uint32_t value, uint64_t now)
{
	if ((offset & 0xf) || offset >= XAPIC_MMIO_SIZE)
		return false;
	switch (offset) {
	case XAPIC_ID:
		return true; /* writable on some CPUs; solo keeps IDs fixed */
	case XAPIC_LDR:
		apic->ldr_xapic = value & 0xff000000u;
		return true;
	case XAPIC_DFR:
		apic->dfr = value | 0x0fffffffu;
		return true;
	case XAPIC_ICR_HIGH:
		apic->icr_high = value & 0xff000000u;
		return true;
	case XAPIC_EOI:
	case XAPIC_ESR:
		/* xAPIC ignores the value written to these (x2APIC insists
		 * on 0, SDM 11.12.1.2). */
		return x2apic_write(apic, X2APIC_MSR_FIRST + offset / 16, 0, now);
	case XAPIC_ICR_LOW:
		send_ipi(apic, ((uint64_t)(apic->icr_high >> 24) << ICR_DEST_SHIFT) | value, false);
		return true;
	default:
		return x2apic_write(apic, X2APIC_MSR_FIRST + offset / 16, value, now);
	}
}
