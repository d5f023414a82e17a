/*
 * The fake 82540EM (fake/e1000.h), in place of drivers/mmio.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/mmio.h"
#include "fake/e1000.h"

struct fake_e1000 fake_e1000;

uint32_t *fake_e1000_reg(unsigned offset)
{
	return &fake_e1000.regs[offset / 4];
}

static uint32_t *reg(unsigned offset)
{
	return fake_e1000_reg(offset);
}

static uint64_t ring_base(unsigned low)
{
	return (uint64_t)*reg(low + 4) << 32 | *reg(low);
}

void fake_e1000_set_eeprom_mac(const uint8_t mac[6])
{
	for (unsigned w = 0; w < 3; w++)
		fake_e1000.eeprom[w] = (uint16_t)(mac[2 * w] | mac[2 * w + 1] << 8);
}

void fake_e1000_reset(const uint8_t mac[6])
{
	memset(&fake_e1000, 0, sizeof(fake_e1000));
	fake_e1000_set_eeprom_mac(mac);
	*reg(E1000_STATUS) = E1000_STATUS_LU;
	*reg(E1000_RCTL) = E1000_RCTL_EN;
	*reg(E1000_IMS) = 0xffff;
}

void fake_e1000_transmit(void)
{
	unsigned count = *reg(E1000_TDLEN) / 16;
	struct e1000_tx_desc *ring = (struct e1000_tx_desc *)(uintptr_t)ring_base(E1000_TDBAL);
	while (!fake_e1000.tx_stalled && *reg(E1000_TDH) != *reg(E1000_TDT)) {
		struct e1000_tx_desc *d = &ring[*reg(E1000_TDH)];
		assert_int_equal(d->cmd, E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS);
		assert_true(fake_e1000.sent < FAKE_E1000_MAX_FRAMES);
		memcpy(fake_e1000.sent_frames[fake_e1000.sent], (void *)(uintptr_t)d->buffer,
		       d->length);
		fake_e1000.sent_len[fake_e1000.sent++] = d->length;
		d->status = E1000_TXD_STAT_DD;
		*reg(E1000_TDH) = (*reg(E1000_TDH) + 1) % count;
	}
}

bool fake_e1000_receive(const uint8_t *frame, uint16_t len, uint8_t status, uint8_t errors)
{
	unsigned count = *reg(E1000_RDLEN) / 16;
	if (!(*reg(E1000_RCTL) & E1000_RCTL_EN) || *reg(E1000_RDH) == *reg(E1000_RDT))
		return false;
	struct e1000_rx_desc *ring = (struct e1000_rx_desc *)(uintptr_t)ring_base(E1000_RDBAL);
	struct e1000_rx_desc *d = &ring[*reg(E1000_RDH)];
	assert_false(d->status & E1000_RXD_STAT_DD); /* the driver gave it back clean */
	memcpy((void *)(uintptr_t)d->buffer, frame, len);
	d->length = len;
	d->errors = errors;
	d->status = status ? status : E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP;
	*reg(E1000_RDH) = (*reg(E1000_RDH) + 1) % count;
	*reg(E1000_ICR) |= E1000_ICR_RXT0;
	return true;
}

static unsigned offset_of(uint64_t address)
{
	assert_true(address >= FAKE_E1000_BAR && address < FAKE_E1000_BAR + E1000_REGS_SIZE &&
	            address % 4 == 0);
	return (unsigned)(address - FAKE_E1000_BAR);
}

uint32_t mmio_read32(uint64_t address)
{
	unsigned offset = offset_of(address);
	fake_e1000.reg_reads++;
	uint32_t v = *reg(offset);
	if (offset == E1000_ICR)
		*reg(offset) = 0;
	if (offset == E1000_EERD && (v & E1000_EERD_START) && !fake_e1000.eeprom_dead) {
		unsigned word = (v >> E1000_EERD_ADDR_SHIFT) & 0xff;
		v = (v & ~E1000_EERD_START) | E1000_EERD_DONE |
		    (uint32_t)fake_e1000.eeprom[word % 64] << E1000_EERD_DATA_SHIFT;
	}
	return v;
}

void mmio_write32(uint64_t address, uint32_t value)
{
	unsigned offset = offset_of(address);
	if (offset == E1000_IMC) {
		*reg(E1000_IMS) &= ~value;
		return;
	}
	if (offset == E1000_IMS) {
		*reg(E1000_IMS) |= value;
		return;
	}
	*reg(offset) = value;
	if (offset == E1000_TDT)
		fake_e1000_transmit();
}
