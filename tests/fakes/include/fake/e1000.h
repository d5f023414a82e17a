/*
 * A fake Intel 82540EM for host tests (tests/fakes/fake_e1000.c): its
 * registers sit behind mmio_read32/mmio_write32 at FAKE_E1000_BAR, its
 * EEPROM answers EERD, and a "hardware" step consumes transmit
 * descriptors when the tail moves and fills receive descriptors when a
 * test delivers a frame, as the device's DMA would (descriptor addresses
 * are host pointers, as in solo's identity map).
 */
#ifndef SOLO_FAKE_E1000_H
#define SOLO_FAKE_E1000_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/e1000_regs.h"

#define FAKE_E1000_BAR        0x80000000u
#define FAKE_E1000_MAX_FRAMES 512

struct fake_e1000 {
	uint32_t regs[E1000_REGS_SIZE / 4];
	uint16_t eeprom[64];
	bool eeprom_dead; /* EERD never says done */
	bool tx_stalled;  /* the tail moves, the device does not send */
	unsigned reg_reads;
	/* What went out on the wire. */
	unsigned sent;
	uint8_t sent_frames[FAKE_E1000_MAX_FRAMES][2048];
	uint16_t sent_len[FAKE_E1000_MAX_FRAMES];
};

extern struct fake_e1000 fake_e1000;

/* A device with mac in its EEPROM, link up, receive left on (as firmware
 * might leave it), every interrupt enabled. */
void fake_e1000_reset(const uint8_t mac[6]);
void fake_e1000_set_eeprom_mac(const uint8_t mac[6]);
uint32_t *fake_e1000_reg(unsigned offset);
/* Sends what lies between the transmit head and tail (unless stalled). */
void fake_e1000_transmit(void);
/* Receives a frame into the descriptor at the receive head, if the driver
 * left it one (false otherwise); status 0 means a whole good frame. */
bool fake_e1000_receive(const uint8_t *frame, uint16_t len, uint8_t status, uint8_t errors);

#endif
