/*
 * Intel 82540EM (e1000) driver: the NIC Bochs and QEMU emulate, and an
 * ordinary PCI gigabit card. solo uses it as a network's uplink, so it
 * receives promiscuously (the switch behind it has many MACs) with the
 * CRC stripped into 2048-byte buffers, and sends with legacy
 * descriptors, one buffer per frame. Rings and buffers come from the
 * page allocator; solo's identity map makes their addresses physical.
 *
 * Receive: the device fills descriptors from RDH up to, not including,
 * RDT. solo keeps exactly one descriptor, the one before rx_next, so
 * RDT = rx_next - 1 always: a frame is copied out by the callback (the
 * switch copies it on), its buffer goes straight back to the device, and
 * no refill allocation is ever needed.
 *
 * Transmit: frames are copied into the buffer of descriptor tx_next;
 * descriptors from tx_clean to tx_next are the device's until it sets
 * DD (RS asks for that write-back). One descriptor stays unused so that
 * a full ring differs from an empty one. Finished descriptors are
 * reclaimed at the next transmit: no transmit interrupt is needed.
 *
 * Ordering: descriptors live in write-back memory, registers in MMIO the
 * firmware set uncached. x86 does not reorder stores with other stores
 * (SDM vol. 3A, 9.2.2), so a compiler barrier before a tail write is
 * enough for the device to see the descriptor before the tail; likewise
 * after reading a DD bit before reading the rest of the descriptor.
 *
 * There is no reset: Bochs ignores CTRL.RST, so the probe instead puts
 * every register the driver relies on into a known state, starting with
 * receive and transmit off (firmware may have left rings running in
 * memory that is now solo's).
 */
#include <stdio.h>
#include <string.h>

#include "drivers/e1000_regs.h"
#include "drivers/mmio.h"
#include "drivers/nic.h"
#include "mm/page_alloc.h"

#define RX_COUNT    128
#define TX_COUNT    128
#define BUFFER_SIZE 2048
#define FRAME_MIN   60 /* Ethernet's minimum without the FCS */
#define EERD_SPINS  100000
#define RING_PAGES  ((RX_COUNT + TX_COUNT) * 16 / PAGE_SIZE)
#define RX_PAGES    (RX_COUNT * BUFFER_SIZE / PAGE_SIZE)
#define TX_PAGES    (TX_COUNT * BUFFER_SIZE / PAGE_SIZE)

/* RDLEN and TDLEN must be multiples of 128 bytes (13.4.27, 13.4.38). */
_Static_assert(RX_COUNT % 8 == 0 && TX_COUNT % 8 == 0, "ring lengths in 128-byte units");
_Static_assert(RING_PAGES >= 1, "rings fill whole pages");

struct e1000 {
	uint64_t regs; /* BAR 0 */
	volatile struct e1000_rx_desc *rx;
	volatile struct e1000_tx_desc *tx;
	uint8_t *rx_buffers, *tx_buffers;
	unsigned rx_next;   /* the next descriptor the device fills */
	unsigned tx_next;   /* the next free descriptor */
	unsigned tx_clean;  /* the oldest descriptor the device may still own */
	bool rx_discarding; /* inside a frame that spans buffers */
};

static struct e1000 devices[NIC_MAX];

static const struct nic_model models[] = {
    {0x8086, 0x100e, "Intel 82540EM"},
};

static inline void barrier(void)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

static uint32_t reg_read(const struct e1000 *e, unsigned offset)
{
	return mmio_read32(e->regs + offset);
}

static void reg_write(const struct e1000 *e, unsigned offset, uint32_t value)
{
	mmio_write32(e->regs + offset, value);
}

static struct e1000 *state(struct nic *nic)
{
	return &devices[nic->index];
}

/* One 16-bit EEPROM word through EERD (13.4.4); false on a timeout. */
static bool eeprom_read(const struct e1000 *e, unsigned word, uint16_t *out)
{
	reg_write(e, E1000_EERD, word << E1000_EERD_ADDR_SHIFT | E1000_EERD_START);
	for (unsigned spin = 0; spin < EERD_SPINS; spin++) {
		uint32_t v = reg_read(e, E1000_EERD);
		if (v & E1000_EERD_DONE) {
			*out = (uint16_t)(v >> E1000_EERD_DATA_SHIFT);
			return true;
		}
	}
	return false;
}

static bool mac_valid(const uint8_t *mac)
{
	static const uint8_t zero[NIC_MAC_LEN];
	/* Neither all zeros nor a multicast (or broadcast) address. */
	return memcmp(mac, zero, NIC_MAC_LEN) && !(mac[0] & 1);
}

static bool probe(struct nic *nic, char *err, size_t errlen)
{
	const struct pci_bar *bar = &nic->pci.bars[0];
	if (bar->io || !bar->base || bar->size < E1000_REGS_SIZE) {
		snprintf(err, errlen, "BAR 0 is not a 128 KiB memory BAR");
		return false;
	}
	struct e1000 *e = state(nic);
	*e = (struct e1000){.regs = bar->base};
	reg_write(e, E1000_IMC, 0xffffffffu);
	reg_write(e, E1000_RCTL, 0);
	reg_write(e, E1000_TCTL, 0);
	(void)reg_read(e, E1000_ICR);

	/* The MAC is EEPROM words 0-2, low byte first (5.6.1). */
	for (unsigned w = 0; w < 3; w++) {
		uint16_t v;
		if (!eeprom_read(e, w, &v)) {
			snprintf(err, errlen, "EEPROM read timed out");
			return false;
		}
		nic->mac[2 * w] = (uint8_t)v;
		nic->mac[2 * w + 1] = (uint8_t)(v >> 8);
	}
	if (!mac_valid(nic->mac)) {
		snprintf(err, errlen, "no valid MAC address in its EEPROM");
		return false;
	}
	/* Bochs leaves receive address 0 empty; hardware loads it from the
	 * EEPROM. Either way it is written here. */
	const uint8_t *m = nic->mac;
	reg_write(e, E1000_RAL0, (uint32_t)m[0] | m[1] << 8 | m[2] << 16 | (uint32_t)m[3] << 24);
	reg_write(e, E1000_RAH0, (uint32_t)m[4] | m[5] << 8 | E1000_RAH_AV);

	/* Link up with the speed the PHY negotiated (14.3). */
	uint32_t ctrl = reg_read(e, E1000_CTRL);
	ctrl &= ~(E1000_CTRL_LRST | E1000_CTRL_ILOS | E1000_CTRL_VME | E1000_CTRL_PHY_RST);
	reg_write(e, E1000_CTRL, ctrl | E1000_CTRL_SLU | E1000_CTRL_ASDE);
	return true;
}

static void *alloc_pages(uint64_t pages)
{
	hpa_t at = page_alloc(pages, PAGE_SIZE);
	if (!at)
		return 0;
	memset(hpa_to_ptr(at), 0, pages * PAGE_SIZE);
	return hpa_to_ptr(at);
}

static bool start(struct nic *nic, char *err, size_t errlen)
{
	struct e1000 *e = state(nic);
	uint8_t *rings = alloc_pages(RING_PAGES);
	e->rx_buffers = alloc_pages(RX_PAGES);
	e->tx_buffers = alloc_pages(TX_PAGES);
	if (!rings || !e->rx_buffers || !e->tx_buffers) {
		if (rings)
			page_free(ptr_to_hpa(rings), RING_PAGES);
		if (e->rx_buffers)
			page_free(ptr_to_hpa(e->rx_buffers), RX_PAGES);
		if (e->tx_buffers)
			page_free(ptr_to_hpa(e->tx_buffers), TX_PAGES);
		snprintf(err, errlen, "out of memory for its rings");
		return false;
	}
	e->rx = (volatile struct e1000_rx_desc *)rings;
	e->tx = (volatile struct e1000_tx_desc *)(rings + RX_COUNT * 16);
	for (unsigned i = 0; i < RX_COUNT; i++)
		e->rx[i].buffer = ptr_to_hpa(e->rx_buffers + i * BUFFER_SIZE);
	e->rx_next = e->tx_next = e->tx_clean = 0;
	e->rx_discarding = false;

	for (unsigned i = 0; i < 128; i++)
		reg_write(e, E1000_MTA + 4 * i, 0);
	hpa_t rx = ptr_to_hpa((const void *)e->rx), tx = ptr_to_hpa((const void *)e->tx);
	reg_write(e, E1000_RDBAL, (uint32_t)rx);
	reg_write(e, E1000_RDBAH, (uint32_t)(rx >> 32));
	reg_write(e, E1000_RDLEN, RX_COUNT * 16);
	reg_write(e, E1000_RDH, 0);
	reg_write(e, E1000_RDT, RX_COUNT - 1);
	reg_write(e, E1000_RDTR, 0); /* interrupt at once, no delay timer */
	reg_write(e, E1000_TDBAL, (uint32_t)tx);
	reg_write(e, E1000_TDBAH, (uint32_t)(tx >> 32));
	reg_write(e, E1000_TDLEN, TX_COUNT * 16);
	reg_write(e, E1000_TDH, 0);
	reg_write(e, E1000_TDT, 0);
	reg_write(e, E1000_TIPG, E1000_TIPG_COPPER);
	reg_write(e, E1000_ITR, 0);
	/* Every unicast, multicast and broadcast: the MACs behind the
	 * uplink's switch port are the partitions'. */
	reg_write(e, E1000_RCTL,
	          E1000_RCTL_EN | E1000_RCTL_UPE | E1000_RCTL_MPE | E1000_RCTL_BAM |
	              E1000_RCTL_SECRC);
	/* Short frames padded, collision threshold 15 and full-duplex
	 * collision distance 64 (the manual's recommended values). */
	reg_write(e, E1000_TCTL,
	          E1000_TCTL_EN | E1000_TCTL_PSP | 15u << E1000_TCTL_CT_SHIFT |
	              64u << E1000_TCTL_COLD_SHIFT);
	(void)reg_read(e, E1000_ICR);
	reg_write(e, E1000_IMS, E1000_ICR_RXT0 | E1000_ICR_RXO | E1000_ICR_RXDMT0 | E1000_ICR_LSC);
	return true;
}

static void reclaim(struct e1000 *e)
{
	while (e->tx_clean != e->tx_next && (e->tx[e->tx_clean].status & E1000_TXD_STAT_DD))
		e->tx_clean = (e->tx_clean + 1) % TX_COUNT;
}

static bool transmit(struct nic *nic, const uint8_t *frame, size_t len)
{
	struct e1000 *e = state(nic);
	if (len > BUFFER_SIZE) {
		nic->stats.tx_too_long++;
		return false;
	}
	reclaim(e);
	unsigned next = (e->tx_next + 1) % TX_COUNT;
	if (next == e->tx_clean) {
		nic->stats.tx_ring_full++;
		return false;
	}
	uint8_t *buffer = e->tx_buffers + e->tx_next * BUFFER_SIZE;
	memcpy(buffer, frame, len);
	size_t sent = len;
	if (sent < FRAME_MIN) {
		/* TCTL.PSP pads too; zeros here keep old bytes off the wire
		 * on devices that pad with what the buffer holds. */
		memset(buffer + len, 0, FRAME_MIN - len);
		sent = FRAME_MIN;
	}
	volatile struct e1000_tx_desc *d = &e->tx[e->tx_next];
	d->buffer = ptr_to_hpa(buffer);
	d->length = (uint16_t)sent;
	d->cso = 0;
	d->css = 0;
	d->special = 0;
	d->status = 0;
	d->cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
	e->tx_next = next;
	barrier();
	reg_write(e, E1000_TDT, next);
	nic->stats.tx_frames++;
	nic->stats.tx_bytes += len;
	return true;
}

static unsigned poll(struct nic *nic, nic_receive_fn rx, void *ctx)
{
	struct e1000 *e = state(nic);
	if (reg_read(e, E1000_ICR))
		nic->stats.interrupts++;
	unsigned handed = 0, taken = 0;
	/* At most a ring's worth: what arrives meanwhile waits for the
	 * next poll (its interrupt is pending again by then). */
	for (; taken < RX_COUNT - 1; taken++) {
		volatile struct e1000_rx_desc *d = &e->rx[e->rx_next];
		uint8_t status = d->status;
		if (!(status & E1000_RXD_STAT_DD))
			break;
		barrier();
		bool end = status & E1000_RXD_STAT_EOP;
		uint16_t len = d->length;
		if (e->rx_discarding || !end || d->errors || len > BUFFER_SIZE) {
			/* A frame that needed more than one buffer (longer
			 * than any solo forwards) or one the device found
			 * bad: drop it, every buffer of it. */
			if (!e->rx_discarding)
				nic->stats.rx_errors++;
			e->rx_discarding = !end;
		} else {
			rx(ctx, e->rx_buffers + e->rx_next * BUFFER_SIZE, len);
			nic->stats.rx_frames++;
			nic->stats.rx_bytes += len;
			handed++;
		}
		d->status = 0;
		e->rx_next = (e->rx_next + 1) % RX_COUNT;
	}
	if (taken) {
		barrier();
		reg_write(e, E1000_RDT, (e->rx_next + RX_COUNT - 1) % RX_COUNT);
	}
	return handed;
}

static bool link_up(struct nic *nic)
{
	return reg_read(state(nic), E1000_STATUS) & E1000_STATUS_LU;
}

static const struct nic_ops ops = {
    .probe = probe,
    .start = start,
    .transmit = transmit,
    .poll = poll,
    .link_up = link_up,
};

const struct nic_driver e1000_driver = {
    .name = "e1000",
    .models = models,
    .model_count = sizeof(models) / sizeof(models[0]),
    .ops = &ops,
};
