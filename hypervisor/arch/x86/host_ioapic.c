/*
 * The machine's I/O APIC (arch/host_ioapic.h), through its two registers:
 * IOREGSEL selects an internal register, IOWIN reads or writes it
 * (82093AA I/O APIC datasheet, section 3.0). A redirection entry is two
 * internal registers, 0x10 + 2n (low) and 0x11 + 2n (high).
 */
#include "arch/host_ioapic.h"
#include "arch/lapic.h"
#include "lib/spinlock.h"

#define IOREGSEL 0x00
#define IOWIN    0x10

#define REG_VERSION       0x01
#define REG_REDIRECT(pin) (0x10 + 2 * (pin))

#define ENTRY_LEVEL  (1u << 15)
#define ENTRY_MASKED (1u << 16)
#define MAX_PINS     64

/* Guards the IOREGSEL/IOWIN pair and the masks below. The handler takes
 * it too: it runs only while its CPU sleeps with interrupts on, never
 * inside solo's host code, so it never interrupts a holder on its CPU. */
static struct spinlock lock;
static volatile uint32_t *mmio;
static unsigned pin_count;
static uint64_t routed_pins, masked_pins;

static uint32_t read_reg(unsigned reg)
{
	mmio[IOREGSEL / 4] = reg;
	return mmio[IOWIN / 4];
}

static void write_reg(unsigned reg, uint32_t value)
{
	mmio[IOREGSEL / 4] = reg;
	mmio[IOWIN / 4] = value;
}

static void set_mask(unsigned pin, bool masked)
{
	uint32_t low = read_reg(REG_REDIRECT(pin));
	write_reg(REG_REDIRECT(pin), masked ? low | ENTRY_MASKED : low & ~ENTRY_MASKED);
}

bool host_ioapic_init(uint64_t base)
{
	mmio = (volatile uint32_t *)(uintptr_t)base;
	uint32_t version = read_reg(REG_VERSION);
	if (version == 0xffffffffu) {
		mmio = 0;
		return false;
	}
	pin_count = ((version >> 16) & 0xff) + 1;
	if (pin_count > MAX_PINS)
		pin_count = MAX_PINS;
	spin_lock(&lock);
	for (unsigned pin = 0; pin < pin_count; pin++)
		set_mask(pin, true);
	routed_pins = masked_pins = 0;
	spin_unlock(&lock);
	return true;
}

bool host_ioapic_route(unsigned pin, uint32_t apic_id)
{
	if (!mmio || pin >= pin_count)
		return false;
	spin_lock(&lock);
	write_reg(REG_REDIRECT(pin) + 1, apic_id << 24);
	write_reg(REG_REDIRECT(pin), ENTRY_MASKED | ENTRY_LEVEL | HOST_IOAPIC_VECTOR);
	routed_pins |= 1ULL << pin;
	masked_pins |= 1ULL << pin;
	spin_unlock(&lock);
	return true;
}

void host_ioapic_unmask(unsigned pin)
{
	if (pin >= MAX_PINS || !(__atomic_load_n(&masked_pins, __ATOMIC_RELAXED) & (1ULL << pin)))
		return;
	spin_lock(&lock);
	set_mask(pin, false);
	masked_pins &= ~(1ULL << pin);
	spin_unlock(&lock);
}

void host_ioapic_interrupt(void)
{
	spin_lock(&lock);
	for (unsigned pin = 0; pin < pin_count; pin++)
		if ((routed_pins & ~masked_pins) & (1ULL << pin))
			set_mask(pin, true);
	masked_pins = routed_pins;
	spin_unlock(&lock);
	lapic_eoi();
}
