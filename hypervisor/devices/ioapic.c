/*
 * I/O APIC registers (82093AA data sheet, section 3): 0x00 ID, 0x01
 * version (max redirection entry in bits 23:16), 0x02 arbitration, then
 * two 32-bit halves per redirection entry from 0x10. Entries reset masked.
 */
#include "devices/ioapic.h"
#include "devices/x2apic.h"

#define REG_ID                 0x00
#define REG_VERSION            0x01
#define REG_ARBITRATION        0x02
#define REG_REDIRECTION        0x10
#define WINDOW_SELECT          0x00
#define WINDOW_DATA            0x10
#define VERSION_VALUE          (0x11u | ((IOAPIC_PINS - 1u) << 16))
#define ENTRY_MASKED           (1ULL << 16)
#define ENTRY_REMOTE_IRR       (1ULL << 14)
#define ENTRY_DELIVERY_STATUS  (1ULL << 12)
#define ENTRY_DELIVERY_MODE(e) (((e) >> 8) & 7)
#define ENTRY_DEST_LOGICAL     (1ULL << 11)
#define ENTRY_READ_ONLY        (ENTRY_REMOTE_IRR | ENTRY_DELIVERY_STATUS)

void ioapic_init(struct ioapic *ioapic, uint32_t id)
{
	*ioapic = (struct ioapic){.id = id & 0xf};
	for (unsigned i = 0; i < IOAPIC_PINS; i++)
		ioapic->redirection[i] = ENTRY_MASKED;
}

static bool read_register(const struct ioapic *ioapic, uint32_t reg, uint32_t *value)
{
	if (reg == REG_ID) {
		*value = ioapic->id << 24;
	} else if (reg == REG_VERSION) {
		*value = VERSION_VALUE;
	} else if (reg == REG_ARBITRATION) {
		*value = ioapic->id << 24;
	} else if (reg >= REG_REDIRECTION && reg < REG_REDIRECTION + 2 * IOAPIC_PINS) {
		uint64_t entry = ioapic->redirection[(reg - REG_REDIRECTION) / 2];
		*value = (reg & 1) ? (uint32_t)(entry >> 32) : (uint32_t)entry;
	} else {
		*value = 0; /* reserved registers read as zero */
	}
	return true;
}

static void write_register(struct ioapic *ioapic, uint32_t reg, uint32_t value)
{
	if (reg == REG_ID) {
		ioapic->id = (value >> 24) & 0xf;
	} else if (reg >= REG_REDIRECTION && reg < REG_REDIRECTION + 2 * IOAPIC_PINS) {
		uint64_t *entry = &ioapic->redirection[(reg - REG_REDIRECTION) / 2];
		if (reg & 1)
			*entry = (*entry & 0xffffffffULL) | ((uint64_t)value << 32);
		else
			*entry = (*entry & 0xffffffff00000000ULL) |
			         ((uint64_t)value & ~ENTRY_READ_ONLY) | (*entry & ENTRY_READ_ONLY);
	}
}

bool ioapic_mmio_read(struct ioapic *ioapic, unsigned offset, uint32_t *value)
{
	if (offset == WINDOW_SELECT) {
		*value = ioapic->select;
		return true;
	}
	if (offset == WINDOW_DATA)
		return read_register(ioapic, ioapic->select, value);
	return false;
}

bool ioapic_mmio_write(struct ioapic *ioapic, unsigned offset, uint32_t value)
{
	if (offset == WINDOW_SELECT) {
		ioapic->select = value & 0xff;
		return true;
	}
	if (offset == WINDOW_DATA) {
		write_register(ioapic, ioapic->select, value);
		return true;
	}
	return false;
}

bool ioapic_raise(struct ioapic *ioapic, unsigned pin, struct apic_ipi *message)
{
	if (pin >= IOAPIC_PINS)
		return false;
	uint64_t entry = ioapic->redirection[pin];
	if ((entry & ENTRY_MASKED) || ENTRY_DELIVERY_MODE(entry) > APIC_DELIVERY_LOWEST)
		return false;
	/* An entry's destination is 8 bits wide, as an xAPIC's (there is no
	 * interrupt remapping for the wider x2APIC IDs). */
	*message = (struct apic_ipi){
	    .vector = (uint8_t)entry,
	    .delivery_mode = (uint8_t)ENTRY_DELIVERY_MODE(entry),
	    .logical = (entry & ENTRY_DEST_LOGICAL) != 0,
	    .level_assert = true,
	    .dest = (uint32_t)(entry >> 56),
	};
	ioapic->delivered++;
	return true;
}
