/*
 * Host tests for the e1000 driver (hypervisor/drivers/e1000.c) and the
 * NIC table's probe (drivers/nic.c), against a fake 82540EM
 * (tests/fakes/fake_e1000.c). Rings and buffers come from the real page
 * allocator, fed with heap memory (addresses are physical, as in solo's
 * identity map).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/e1000_regs.h"
#include "drivers/nic.h"
#include "drivers/pci.h"
#include "fake/console.h"
#include "fake/e1000.h"
#include "fake/pci_config.h"
#include "mm/page_alloc.h"
#include "public/handoff.h"

#define BAR        FAKE_E1000_BAR
#define POOL_SIZE  (4u << 20)
#define MAX_FRAMES FAKE_E1000_MAX_FRAMES

static const uint8_t MAC[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

static void *pool;
static struct nic test_nic;

static uint32_t *reg(unsigned offset)
{
	return fake_e1000_reg(offset);
}

static uint64_t ring_base(unsigned low)
{
	return (uint64_t)*reg(low + 4) << 32 | *reg(low);
}

static int reset(void **state)
{
	(void)state;
	fake_e1000_reset(MAC);
	fake_pci_reset();
	fake_console_reset();
	static struct handoff empty;
	page_alloc_init(&empty);
	if (!pool)
		pool = aligned_alloc(PAGE_SIZE, POOL_SIZE);
	assert_true(page_alloc_add_range(ptr_to_hpa(pool), POOL_SIZE));
	test_nic =
	    (struct nic){.index = 0, .driver = &e1000_driver, .model = &e1000_driver.models[0]};
	test_nic.pci.bars[0] = (struct pci_bar){.base = BAR, .size = E1000_REGS_SIZE};
	return 0;
}

static void probe_and_start(void)
{
	char err[96] = "";
	assert_true(e1000_driver.ops->probe(&test_nic, err, sizeof(err)));
	assert_true(nic_start(&test_nic, err, sizeof(err)));
}

/* The frames poll hands over. */
static struct {
	unsigned count;
	uint8_t data[MAX_FRAMES][2048];
	size_t len[MAX_FRAMES];
} got;

static void collect(void *ctx, const uint8_t *frame, size_t len)
{
	assert_ptr_equal(ctx, &got);
	assert_true(got.count < MAX_FRAMES);
	memcpy(got.data[got.count], frame, len);
	got.len[got.count++] = len;
}

static unsigned poll(void)
{
	return nic_poll(&test_nic, collect, &got);
}

static void make_frame(uint8_t *frame, uint16_t len, unsigned seq)
{
	memset(frame, 0, len);
	memcpy(frame, MAC, 6);
	frame[6] = 0x02;
	frame[12] = 0x08;
	for (unsigned i = 14; i < len; i++)
		frame[i] = (uint8_t)(seq + i);
	frame[14] = (uint8_t)seq;
	frame[15] = (uint8_t)(seq >> 8);
}

static void test_probe_reads_mac_and_programs_receive_address(void **state)
{
	(void)state;
	char err[96] = "";
	assert_true(e1000_driver.ops->probe(&test_nic, err, sizeof(err)));
	assert_memory_equal(test_nic.mac, MAC, 6);
	assert_int_equal(*reg(E1000_RAL0), 0x12005452);
	assert_int_equal(*reg(E1000_RAH0), 0x5634 | E1000_RAH_AV);
	/* Quiet until started, link forced up. */
	assert_int_equal(*reg(E1000_RCTL), 0);
	assert_int_equal(*reg(E1000_TCTL), 0);
	assert_int_equal(*reg(E1000_IMS), 0);
	assert_true(*reg(E1000_CTRL) & E1000_CTRL_SLU);
	assert_false(*reg(E1000_CTRL) & E1000_CTRL_LRST);
	assert_true(e1000_driver.ops->link_up(&test_nic));
	*reg(E1000_STATUS) = 0;
	assert_false(e1000_driver.ops->link_up(&test_nic));
}

static void test_probe_fails_without_eeprom(void **state)
{
	(void)state;
	char err[96] = "";
	fake_e1000.eeprom_dead = true;
	assert_false(e1000_driver.ops->probe(&test_nic, err, sizeof(err)));
	assert_string_equal(err, "EEPROM read timed out");
}

static void test_probe_refuses_blank_or_multicast_mac(void **state)
{
	(void)state;
	char err[96] = "";
	static const uint8_t zero[6], multicast[6] = {0x01, 0, 0x5e, 0, 0, 1};
	fake_e1000_set_eeprom_mac(zero);
	assert_false(e1000_driver.ops->probe(&test_nic, err, sizeof(err)));
	assert_string_equal(err, "no valid MAC address in its EEPROM");
	fake_e1000_set_eeprom_mac(multicast);
	assert_false(e1000_driver.ops->probe(&test_nic, err, sizeof(err)));
}

static void test_probe_refuses_io_bar(void **state)
{
	(void)state;
	char err[96] = "";
	test_nic.pci.bars[0] = (struct pci_bar){.base = 0xc000, .size = 64, .io = true};
	assert_false(e1000_driver.ops->probe(&test_nic, err, sizeof(err)));
	assert_string_equal(err, "BAR 0 is not a 128 KiB memory BAR");
}

static void test_start_programs_rings_and_promiscuous_receive(void **state)
{
	(void)state;
	uint64_t free_before = page_alloc_free_pages();
	probe_and_start();
	assert_true(page_alloc_free_pages() < free_before);
	uint32_t rctl = *reg(E1000_RCTL);
	assert_true(rctl & E1000_RCTL_EN);
	assert_true(rctl & E1000_RCTL_UPE);
	assert_true(rctl & E1000_RCTL_MPE);
	assert_true(rctl & E1000_RCTL_BAM);
	assert_true(rctl & E1000_RCTL_SECRC);
	assert_int_equal(rctl & (3u << 16), 0); /* 2048-byte buffers */
	assert_true(*reg(E1000_TCTL) & E1000_TCTL_EN);
	assert_true(*reg(E1000_TCTL) & E1000_TCTL_PSP);
	unsigned rx_count = *reg(E1000_RDLEN) / 16;
	assert_true(rx_count >= 8 && *reg(E1000_RDLEN) % 128 == 0);
	assert_true(*reg(E1000_TDLEN) % 128 == 0);
	assert_int_equal(*reg(E1000_RDH), 0);
	assert_int_equal(*reg(E1000_RDT), rx_count - 1);
	assert_int_equal(*reg(E1000_TDH), *reg(E1000_TDT));
	assert_true(*reg(E1000_IMS) & E1000_ICR_RXT0);
	assert_true(ring_base(E1000_RDBAL) % 16 == 0 && ring_base(E1000_TDBAL) % 16 == 0);
	/* Every receive buffer is in the pool, 2048 bytes apart. */
	struct e1000_rx_desc *ring = (struct e1000_rx_desc *)(uintptr_t)ring_base(E1000_RDBAL);
	for (unsigned i = 0; i < rx_count; i++) {
		assert_true(ring[i].buffer >= ptr_to_hpa(pool) &&
		            ring[i].buffer + 2048 <= ptr_to_hpa(pool) + POOL_SIZE);
		if (i)
			assert_int_equal(ring[i].buffer, ring[i - 1].buffer + 2048);
	}
	/* Starting twice changes nothing. */
	uint64_t free_after = page_alloc_free_pages();
	char err[96];
	assert_true(nic_start(&test_nic, err, sizeof(err)));
	assert_int_equal(page_alloc_free_pages(), free_after);
}

static void test_start_out_of_memory_frees_what_it_took(void **state)
{
	(void)state;
	static struct handoff empty;
	page_alloc_init(&empty);
	assert_true(page_alloc_add_range(ptr_to_hpa(pool), 40 * PAGE_SIZE));
	char err[96] = "";
	assert_true(e1000_driver.ops->probe(&test_nic, err, sizeof(err)));
	assert_false(nic_start(&test_nic, err, sizeof(err)));
	assert_string_equal(err, "out of memory for its rings");
	assert_int_equal(page_alloc_free_pages(), 40);
	assert_false(test_nic.started);
}

static void test_receive_hands_frames_in_order_and_returns_buffers(void **state)
{
	(void)state;
	probe_and_start();
	memset(&got, 0, sizeof(got));
	uint8_t frame[1514];
	uint16_t lens[3] = {60, 1514, 342};
	for (unsigned i = 0; i < 3; i++) {
		make_frame(frame, lens[i], i);
		assert_true(fake_e1000_receive(frame, lens[i], 0, 0));
	}
	assert_int_equal(poll(), 3);
	assert_int_equal(got.count, 3);
	for (unsigned i = 0; i < 3; i++) {
		make_frame(frame, lens[i], i);
		assert_int_equal(got.len[i], lens[i]);
		assert_memory_equal(got.data[i], frame, lens[i]);
	}
	unsigned rx_count = *reg(E1000_RDLEN) / 16;
	assert_int_equal(*reg(E1000_RDT), 2); /* one before the next to fill */
	assert_int_equal(*reg(E1000_ICR), 0); /* the poll cleared the cause */
	assert_int_equal(test_nic.stats.rx_frames, 3);
	assert_int_equal(test_nic.stats.rx_bytes, 60 + 1514 + 342);
	assert_int_equal(test_nic.stats.interrupts, 1);
	/* Nothing new: nothing handed, no register but ICR touched. */
	unsigned reads = fake_e1000.reg_reads;
	assert_int_equal(poll(), 0);
	assert_int_equal(fake_e1000.reg_reads, reads + 1);
	assert_int_equal(*reg(E1000_RDT), 2);
	(void)rx_count;
}

static void test_receive_many_times_round_the_ring(void **state)
{
	(void)state;
	probe_and_start();
	memset(&got, 0, sizeof(got));
	unsigned rx_count = *reg(E1000_RDLEN) / 16;
	uint8_t frame[200];
	unsigned seq = 0, handed = 0;
	for (unsigned round = 0; round < 7; round++) {
		/* Bursts of varying size, some filling the whole ring. */
		unsigned burst = round % 2 ? rx_count - 1 : 5 + round;
		for (unsigned i = 0; i < burst; i++) {
			make_frame(frame, sizeof(frame), seq);
			assert_true(fake_e1000_receive(frame, sizeof(frame), 0, 0));
			seq++;
		}
		memset(&got, 0, sizeof(got));
		assert_int_equal(poll(), burst);
		for (unsigned i = 0; i < burst; i++) {
			make_frame(frame, sizeof(frame), handed + i);
			assert_memory_equal(got.data[i], frame, sizeof(frame));
		}
		handed += burst;
	}
	assert_int_equal(test_nic.stats.rx_frames, seq);
}

static void test_receive_ring_full_keeps_one_descriptor(void **state)
{
	(void)state;
	probe_and_start();
	memset(&got, 0, sizeof(got));
	unsigned rx_count = *reg(E1000_RDLEN) / 16;
	uint8_t frame[64];
	make_frame(frame, sizeof(frame), 0);
	unsigned taken = 0;
	while (fake_e1000_receive(frame, sizeof(frame), 0, 0))
		taken++;
	assert_int_equal(taken, rx_count - 1);
	assert_int_equal(poll(), rx_count - 1);
	/* Room again. */
	assert_true(fake_e1000_receive(frame, sizeof(frame), 0, 0));
	assert_int_equal(poll(), 1);
}

static void test_receive_drops_bad_and_split_frames(void **state)
{
	(void)state;
	probe_and_start();
	memset(&got, 0, sizeof(got));
	uint8_t frame[300];
	make_frame(frame, sizeof(frame), 1);
	assert_true(fake_e1000_receive(frame, sizeof(frame), 0, 0x01)); /* CRC error */
	/* A frame in two buffers: first without EOP, then its end. */
	assert_true(fake_e1000_receive(frame, sizeof(frame), E1000_RXD_STAT_DD, 0));
	assert_true(fake_e1000_receive(frame, 100, E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP, 0));
	make_frame(frame, sizeof(frame), 2);
	assert_true(fake_e1000_receive(frame, sizeof(frame), 0, 0));
	assert_int_equal(poll(), 1);
	assert_int_equal(got.count, 1);
	assert_memory_equal(got.data[0], frame, sizeof(frame));
	assert_int_equal(test_nic.stats.rx_errors, 2);
	assert_int_equal(test_nic.stats.rx_frames, 1);
	assert_int_equal(*reg(E1000_RDT), 3);
}

static void test_transmit_sends_frames_and_pads_short_ones(void **state)
{
	(void)state;
	probe_and_start();
	uint8_t frame[1514];
	make_frame(frame, 1514, 7);
	assert_true(nic_transmit(&test_nic, frame, 1514));
	make_frame(frame, 42, 8); /* an ARP request */
	assert_true(nic_transmit(&test_nic, frame, 42));
	assert_int_equal(fake_e1000.sent, 2);
	make_frame(frame, 1514, 7);
	assert_int_equal(fake_e1000.sent_len[0], 1514);
	assert_memory_equal(fake_e1000.sent_frames[0], frame, 1514);
	make_frame(frame, 42, 8);
	assert_int_equal(fake_e1000.sent_len[1], 60);
	assert_memory_equal(fake_e1000.sent_frames[1], frame, 42);
	static const uint8_t zeros[18];
	assert_memory_equal(fake_e1000.sent_frames[1] + 42, zeros, 18);
	assert_int_equal(*reg(E1000_TDT), 2);
	assert_int_equal(test_nic.stats.tx_frames, 2);
	assert_int_equal(test_nic.stats.tx_bytes, 1514 + 42);
}

static void test_transmit_ring_full_then_reclaimed(void **state)
{
	(void)state;
	probe_and_start();
	unsigned tx_count = *reg(E1000_TDLEN) / 16;
	uint8_t frame[100];
	fake_e1000.tx_stalled = true;
	unsigned queued = 0;
	for (unsigned i = 0; i < tx_count + 5; i++) {
		make_frame(frame, sizeof(frame), i);
		queued += nic_transmit(&test_nic, frame, sizeof(frame));
	}
	assert_int_equal(queued, tx_count - 1);
	assert_int_equal(test_nic.stats.tx_ring_full, 6);
	assert_int_equal(fake_e1000.sent, 0);
	/* The device catches up; the next transmit reclaims and goes. */
	fake_e1000.tx_stalled = false;
	fake_e1000_transmit();
	assert_int_equal(fake_e1000.sent, tx_count - 1);
	for (unsigned i = 0; i < tx_count * 2; i++) {
		make_frame(frame, sizeof(frame), 1000 + i);
		assert_true(nic_transmit(&test_nic, frame, sizeof(frame)));
	}
	assert_int_equal(fake_e1000.sent, tx_count - 1 + tx_count * 2);
	make_frame(frame, sizeof(frame), 1000 + tx_count * 2 - 1);
	assert_memory_equal(fake_e1000.sent_frames[fake_e1000.sent - 1], frame, sizeof(frame));
	assert_int_equal(test_nic.stats.tx_ring_full, 6);
}

static void test_transmit_refuses_frame_longer_than_buffer(void **state)
{
	(void)state;
	probe_and_start();
	static uint8_t frame[4096];
	assert_false(nic_transmit(&test_nic, frame, sizeof(frame)));
	assert_int_equal(test_nic.stats.tx_too_long, 1);
	assert_int_equal(fake_e1000.sent, 0);
}

static void test_probe_all_numbers_nics_and_reports_them(void **state)
{
	(void)state;
	/* The fake device answers at one BAR only: the second e1000 has an
	 * unassigned BAR and fails, keeping its number. */
	struct pci_device devices[3] = {
	    {.bus = 0, .device = 1, .vendor_id = 0x8086, .device_id = 0x7000},
	    {.bus = 0, .device = 2, .vendor_id = 0x8086, .device_id = 0x100e},
	    {.bus = 0, .device = 3, .vendor_id = 0x8086, .device_id = 0x100e},
	};
	devices[1].bars[0] = (struct pci_bar){.base = BAR, .size = E1000_REGS_SIZE};
	struct fake_pci_function *f = fake_pci_add(0, 2, 0, 0x8086, 0x100e, 0x02000003, 0);
	f->config[1] = 0x02800000;
	fake_pci_add(0, 3, 0, 0x8086, 0x100e, 0x02000003, 0);
	assert_int_equal(nic_probe_all(devices, 3), 1);
	assert_int_equal(f->config[1], 0x02800006); /* memory and bus master on */
	assert_true(fake_console_contains(
	    "solo: nic0: Intel 82540EM at 00:02.0, MAC 52:54:00:12:34:56, link up\n"));
	assert_true(fake_console_contains(
	    "solo: nic1: Intel 82540EM at 00:03.0 not used: BAR 0 is not a 128 KiB memory BAR\n"));
	struct nic *nic = nic_get(0);
	assert_non_null(nic);
	assert_memory_equal(nic->mac, MAC, 6);
	assert_null(nic_get(1));
	assert_null(nic_get(2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_probe_reads_mac_and_programs_receive_address, reset),
	    cmocka_unit_test_setup(test_probe_fails_without_eeprom, reset),
	    cmocka_unit_test_setup(test_probe_refuses_blank_or_multicast_mac, reset),
	    cmocka_unit_test_setup(test_probe_refuses_io_bar, reset),
	    cmocka_unit_test_setup(test_start_programs_rings_and_promiscuous_receive, reset),
	    cmocka_unit_test_setup(test_start_out_of_memory_frees_what_it_took, reset),
	    cmocka_unit_test_setup(test_receive_hands_frames_in_order_and_returns_buffers, reset),
	    cmocka_unit_test_setup(test_receive_many_times_round_the_ring, reset),
	    cmocka_unit_test_setup(test_receive_ring_full_keeps_one_descriptor, reset),
	    cmocka_unit_test_setup(test_receive_drops_bad_and_split_frames, reset),
	    cmocka_unit_test_setup(test_transmit_sends_frames_and_pads_short_ones, reset),
	    cmocka_unit_test_setup(test_transmit_ring_full_then_reclaimed, reset),
	    cmocka_unit_test_setup(test_transmit_refuses_frame_longer_than_buffer, reset),
	    cmocka_unit_test_setup(test_probe_all_numbers_nics_and_reports_them, reset),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
