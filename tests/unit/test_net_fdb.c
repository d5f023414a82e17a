/*
 * Host tests for the switch's MAC table (hypervisor/net/net_fdb.c):
 * against a plain list of (MAC, port, last seen) under random learning,
 * lookups and ports forgotten, with MACs chosen to collide in the hash
 * and runs that wrap round the table's end, it must always give the same
 * port, hold at most NET_FDB_MAX, and when full forget exactly the MAC
 * seen longest ago.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net/net_fdb.h"

static struct net_fdb fdb;

/* The model: index = MAC number, port (-1: not there) and last seen. */
#define MACS 1500
static int model_port[MACS];
static uint64_t model_seen[MACS];

static void mac_of(unsigned n, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0;
	mac[2] = 0;
	mac[3] = (uint8_t)(n >> 16);
	mac[4] = (uint8_t)(n >> 8);
	mac[5] = (uint8_t)n;
}

static unsigned model_count(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < MACS; i++)
		n += model_port[i] >= 0;
	return n;
}

static void model_learn(unsigned n, unsigned port, uint64_t now)
{
	if (model_port[n] < 0 && model_count() == NET_FDB_MAX) {
		unsigned oldest = MACS;
		for (unsigned i = 0; i < MACS; i++)
			if (model_port[i] >= 0 &&
			    (oldest == MACS || model_seen[i] < model_seen[oldest]))
				oldest = i;
		model_port[oldest] = -1;
	}
	model_port[n] = (int)port;
	model_seen[n] = now;
}

static void check_all(void)
{
	uint8_t mac[6];
	for (unsigned n = 0; n < MACS; n++) {
		mac_of(n, mac);
		assert_int_equal(net_fdb_find(&fdb, mac), model_port[n]);
	}
	assert_int_equal(fdb.count, model_count());
}

static void test_empty_and_simple(void **state)
{
	(void)state;
	memset(&fdb, 0, sizeof(fdb));
	uint8_t a[6] = {2, 0, 0, 0, 0, 1}, b[6] = {2, 0, 0, 0, 0, 2};
	assert_int_equal(net_fdb_find(&fdb, a), -1);
	net_fdb_learn(&fdb, a, 3, 1);
	net_fdb_learn(&fdb, b, 4, 2);
	assert_int_equal(net_fdb_find(&fdb, a), 3);
	net_fdb_learn(&fdb, a, 5, 3); /* moved to another port */
	assert_int_equal(net_fdb_find(&fdb, a), 5);
	assert_int_equal(fdb.count, 2);
	net_fdb_forget_port(&fdb, 5);
	assert_int_equal(net_fdb_find(&fdb, a), -1);
	assert_int_equal(net_fdb_find(&fdb, b), 4);
	assert_int_equal(fdb.count, 1);
}

static void test_random_against_model(void **state)
{
	(void)state;
	memset(&fdb, 0, sizeof(fdb));
	for (unsigned i = 0; i < MACS; i++)
		model_port[i] = -1;
	srand(3);
	uint64_t now = 0;
	uint8_t mac[6];
	for (unsigned round = 0; round < 60000; round++) {
		int op = rand() % 10;
		if (op < 8) {
			unsigned n = (unsigned)rand() % MACS, port = (unsigned)rand() % 40;
			mac_of(n, mac);
			net_fdb_learn(&fdb, mac, port, ++now);
			model_learn(n, port, now);
		} else if (op == 8) {
			unsigned port = (unsigned)rand() % 40;
			net_fdb_forget_port(&fdb, port);
			for (unsigned i = 0; i < MACS; i++)
				if (model_port[i] == (int)port)
					model_port[i] = -1;
		} else {
			unsigned n = (unsigned)rand() % MACS;
			mac_of(n, mac);
			assert_int_equal(net_fdb_find(&fdb, mac), model_port[n]);
		}
		if (round % 5000 == 0)
			check_all();
		assert_true(fdb.count <= NET_FDB_MAX);
	}
	check_all();
}

/* Full, with every MAC learned once in order: each new one forgets the
 * oldest, and every slot's run stays reachable after all that moving. */
static void test_full_table_forgets_the_oldest(void **state)
{
	(void)state;
	memset(&fdb, 0, sizeof(fdb));
	for (unsigned i = 0; i < MACS; i++)
		model_port[i] = -1;
	uint8_t mac[6];
	for (unsigned n = 0; n < MACS; n++) {
		mac_of(n, mac);
		net_fdb_learn(&fdb, mac, n % 7, n + 1);
		model_learn(n, n % 7, n + 1);
	}
	assert_int_equal(fdb.count, NET_FDB_MAX);
	check_all();
	mac_of(MACS - NET_FDB_MAX, mac); /* the oldest still there */
	assert_int_equal(net_fdb_find(&fdb, mac), (int)((MACS - NET_FDB_MAX) % 7));
	mac_of(MACS - NET_FDB_MAX - 1, mac); /* the newest forgotten */
	assert_int_equal(net_fdb_find(&fdb, mac), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_and_simple),
	    cmocka_unit_test(test_random_against_model),
	    cmocka_unit_test(test_full_table_forgets_the_oldest),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
