/*
 * The network acts of the hostile partition (net_attack.h). Paging is
 * off, so guest-physical addresses are used as they are: the rings and
 * the frame buffer sit at 3 MiB, inside the partition's RAM. Device
 * registers are read and written with plain MOVs, as solo decodes them
 * (byte loads as MOVB: a MOVZX is not a MOV it emulates).
 */
#include <stdint.h>

#include "console.h"
#include "net_attack.h"

#define VIRTIO 0xfeb00000u
/* Registers (virtio spec 4.2.2). */
#define MAGIC        0x000
#define DEV_FEAT_SEL 0x014
#define DRV_FEAT     0x020
#define DRV_FEAT_SEL 0x024
#define QUEUE_SEL    0x030
#define QUEUE_NUM    0x038
#define QUEUE_READY  0x044
#define QUEUE_NOTIFY 0x050
#define STATUS       0x070
#define QUEUE_DESC   0x080
#define QUEUE_DRIVER 0x090
#define QUEUE_DEVICE 0x0a0
#define CONFIG       0x100
#define TX_QUEUE     1
#define QSIZE        16
#define DESC         0x300000u
#define AVAIL        0x301000u
#define USED         0x302000u
#define BUF          0x303000u
#define HEADER       12
#define FRAME        1514
#define FLOOD_FRAMES 300
#define SPOOF_FRAMES 20
#define DESC_NEXT    1

static void reg_write(unsigned offset, uint32_t value)
{
	__asm__ volatile("movl %0, (%1)" : : "r"(value), "r"(VIRTIO + offset) : "memory");
}

static uint32_t reg_read(unsigned offset)
{
	uint32_t v;
	__asm__ volatile("movl (%1), %0" : "=r"(v) : "r"(VIRTIO + offset) : "memory");
	return v;
}

static uint8_t config_byte(unsigned i)
{
	uint8_t v;
	__asm__ volatile("movb (%1), %0" : "=q"(v) : "r"(VIRTIO + CONFIG + i) : "memory");
	return v;
}

static volatile uint8_t *at(uint32_t address)
{
	return (volatile uint8_t *)address;
}

static void put16(uint32_t address, uint16_t v)
{
	*(volatile uint16_t *)address = v;
}

static void put32(uint32_t address, uint32_t v)
{
	*(volatile uint32_t *)address = v;
}

static void descriptor(unsigned i, uint32_t address, uint32_t len, uint16_t flags, uint16_t next)
{
	uint32_t d = DESC + 16 * i;
	put32(d, address);
	put32(d + 4, 0);
	put32(d + 8, len);
	put16(d + 12, flags);
	put16(d + 14, next);
}

static uint16_t avail_idx;

/* Makes descriptor `head` available and tells the device. */
static void publish(uint16_t head)
{
	put16(AVAIL + 4 + 2 * (avail_idx % QSIZE), head);
	avail_idx++;
	put16(AVAIL + 2, avail_idx);
	reg_write(QUEUE_NOTIFY, TX_QUEUE);
}

static void probe(void)
{
	reg_write(STATUS, 0);
	reg_write(STATUS, 1 | 2);
	reg_write(DRV_FEAT_SEL, 1);
	reg_write(DRV_FEAT, 1); /* VERSION_1 */
	reg_write(DRV_FEAT_SEL, 0);
	reg_write(DRV_FEAT, 1u << 5); /* MAC */
	reg_write(DEV_FEAT_SEL, 0);
	reg_write(STATUS, 1 | 2 | 8);
	reg_write(QUEUE_SEL, TX_QUEUE);
	reg_write(QUEUE_NUM, QSIZE);
	reg_write(QUEUE_DESC, DESC);
	reg_write(QUEUE_DRIVER, AVAIL);
	reg_write(QUEUE_DEVICE, USED);
	reg_write(QUEUE_READY, 1);
	reg_write(STATUS, 1 | 2 | 4 | 8);
}

/* Sends `count` broadcast frames from `source`, each a full 1514 bytes,
 * one at a time through descriptor 0. */
static void flood(const uint8_t *source, unsigned count)
{
	for (unsigned i = 0; i < HEADER; i++)
		at(BUF)[i] = 0;
	volatile uint8_t *frame = at(BUF + HEADER);
	for (unsigned i = 0; i < 6; i++) {
		frame[i] = 0xff;
		frame[6 + i] = source[i];
	}
	frame[12] = 0x88; /* the local experimental EtherType */
	frame[13] = 0xb5;
	for (unsigned i = 14; i < FRAME; i++)
		frame[i] = (uint8_t)i;
	for (unsigned n = 0; n < count; n++) {
		descriptor(0, BUF, HEADER + FRAME, 0, 0);
		publish(0);
	}
}

void net_attack(enum net_attack how)
{
	if (reg_read(MAGIC) != 0x74726976u) {
		puts_serial("hostile: no virtio-mmio device at 0xfeb00000\n");
		return;
	}
	probe();
	uint8_t mac[6], spoofed[6] = {0x02, 0, 0, 0, 0, 0x01};
	for (unsigned i = 0; i < 6; i++)
		mac[i] = config_byte(i);
	flood(mac, FLOOD_FRAMES);
	flood(spoofed, SPOOF_FRAMES);
	uint16_t used = *(volatile uint16_t *)(USED + 2);
	puts_serial("hostile: sent ");
	put_dec(FLOOD_FRAMES + SPOOF_FRAMES);
	puts_serial(" frames (");
	put_dec(SPOOF_FRAMES);
	puts_serial(" spoofed), ");
	put_dec(used);
	puts_serial(" came back\n");
	switch (how) {
	case NET_ATTACK_OUTSIDE:
		puts_serial("hostile: a descriptor at 0xfff00000, 256 MiB long\n");
		descriptor(1, 0xfff00000u, 0x10000000u, 0, 0);
		publish(1);
		break;
	case NET_ATTACK_LOOP:
		puts_serial("hostile: a descriptor chain that loops\n");
		descriptor(2, BUF, 64, DESC_NEXT, 3);
		descriptor(3, BUF, 64, DESC_NEXT, 2);
		publish(2);
		break;
	case NET_ATTACK_INDEX:
		puts_serial("hostile: the available index 1000 ahead\n");
		avail_idx += 1000;
		publish(0);
		break;
	}
	puts_serial("hostile: still running after breaking its ring (WRONG)\n");
}
