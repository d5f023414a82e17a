/*
 * Registers and descriptors of the Intel 8254x family that drivers/e1000.c
 * uses, from the PCI/PCI-X Family of Gigabit Ethernet Controllers
 * Software Developer's Manual (317453), chapters 3 and 13. The test's
 * fake device (tests/unit/test_e1000.c) reads the same names.
 */
#ifndef SOLO_DRIVERS_E1000_REGS_H
#define SOLO_DRIVERS_E1000_REGS_H

#include <stdint.h>

#define E1000_CTRL      0x0000
#define E1000_STATUS    0x0008
#define E1000_EERD      0x0014
#define E1000_ICR       0x00c0 /* read to clear */
#define E1000_ITR       0x00c4
#define E1000_IMS       0x00d0
#define E1000_IMC       0x00d8
#define E1000_RCTL      0x0100
#define E1000_TCTL      0x0400
#define E1000_TIPG      0x0410
#define E1000_RDBAL     0x2800
#define E1000_RDBAH     0x2804
#define E1000_RDLEN     0x2808
#define E1000_RDH       0x2810
#define E1000_RDT       0x2818
#define E1000_RDTR      0x2820
#define E1000_TDBAL     0x3800
#define E1000_TDBAH     0x3804
#define E1000_TDLEN     0x3808
#define E1000_TDH       0x3810
#define E1000_TDT       0x3818
#define E1000_MTA       0x5200 /* 128 registers */
#define E1000_RAL0      0x5400
#define E1000_RAH0      0x5404
#define E1000_REGS_SIZE 0x20000

#define E1000_CTRL_LRST    (1u << 3)
#define E1000_CTRL_ASDE    (1u << 5)
#define E1000_CTRL_SLU     (1u << 6)
#define E1000_CTRL_ILOS    (1u << 7)
#define E1000_CTRL_VME     (1u << 30)
#define E1000_CTRL_PHY_RST (1u << 31)

#define E1000_STATUS_LU (1u << 1)

/* 82540EM/82545EM layout of EERD (the 82541 and later move the fields). */
#define E1000_EERD_START      (1u << 0)
#define E1000_EERD_DONE       (1u << 4)
#define E1000_EERD_ADDR_SHIFT 8
#define E1000_EERD_DATA_SHIFT 16

#define E1000_ICR_LSC    (1u << 2)
#define E1000_ICR_RXDMT0 (1u << 4)
#define E1000_ICR_RXO    (1u << 6)
#define E1000_ICR_RXT0   (1u << 7)

#define E1000_RCTL_EN    (1u << 1)
#define E1000_RCTL_UPE   (1u << 3)
#define E1000_RCTL_MPE   (1u << 4)
#define E1000_RCTL_BAM   (1u << 15)
#define E1000_RCTL_SECRC (1u << 26)
/* BSIZE 00 with BSEX 0: 2048-byte buffers. */

#define E1000_TCTL_EN         (1u << 1)
#define E1000_TCTL_PSP        (1u << 3)
#define E1000_TCTL_CT_SHIFT   4
#define E1000_TCTL_COLD_SHIFT 12
/* IPGT 10, IPGR1 8, IPGR2 6: the 82540EM's copper values (13.4.34). */
#define E1000_TIPG_COPPER (10u | 8u << 10 | 6u << 20)

#define E1000_RAH_AV (1u << 31)

/* Receive descriptor (3.2.3). */
struct e1000_rx_desc {
	uint64_t buffer;
	uint16_t length;
	uint16_t checksum;
	uint8_t status;
	uint8_t errors;
	uint16_t special;
};

#define E1000_RXD_STAT_DD  (1u << 0)
#define E1000_RXD_STAT_EOP (1u << 1)

/* Legacy transmit descriptor (3.3.3). */
struct e1000_tx_desc {
	uint64_t buffer;
	uint16_t length;
	uint8_t cso;
	uint8_t cmd;
	uint8_t status;
	uint8_t css;
	uint16_t special;
};

#define E1000_TXD_CMD_EOP  (1u << 0)
#define E1000_TXD_CMD_IFCS (1u << 1)
#define E1000_TXD_CMD_RS   (1u << 3)
#define E1000_TXD_STAT_DD  (1u << 0)

_Static_assert(sizeof(struct e1000_rx_desc) == 16, "receive descriptor is 16 bytes");
_Static_assert(sizeof(struct e1000_tx_desc) == 16, "transmit descriptor is 16 bytes");

#endif
