/*
 * Physical network interfaces solo drives itself, and the small interface
 * every NIC driver implements. Adding a NIC model is one new file with a
 * `const struct nic_driver` and one line in the table in drivers/nic.c.
 *
 * The NICs are numbered nic0, nic1, ... in PCI scan order, which is what
 * an appliance's `uplink = nicN` names. A NIC found at boot is only
 * identified (its MAC read, its link looked at); it is started (rings
 * set up, receive and transmit on, its interrupt on) only when a network
 * uses it, so an unused NIC costs nothing.
 *
 * Locking: a NIC is not safe against itself. Its caller serialises every
 * call after nic_start (partition_net.c holds net_lock around them).
 */
#ifndef SOLO_DRIVERS_NIC_H
#define SOLO_DRIVERS_NIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/pci.h"

#define NIC_MAX     4
#define NIC_MAC_LEN 6

struct nic;

/* A received frame, without its FCS, valid only during the call. */
typedef void (*nic_receive_fn)(void *ctx, const uint8_t *frame, size_t len);

struct nic_stats {
	uint64_t rx_frames, rx_bytes;
	uint64_t tx_frames, tx_bytes;
	uint64_t rx_errors;    /* bad frames the device flagged, or that spanned buffers */
	uint64_t tx_ring_full; /* frames dropped for want of a free TX descriptor */
	uint64_t tx_too_long;  /* frames longer than a TX buffer */
	uint64_t interrupts;   /* polls that found the device's interrupt cause set */
};

struct nic_ops {
	/* Identifies the device: reads its MAC, leaves it quiet (receive,
	 * transmit and interrupts off). False, with a reason, when the
	 * device does not answer as the driver expects. */
	bool (*probe)(struct nic *nic, char *err, size_t errlen);
	/* Sets up its rings (from the page allocator) and turns receive,
	 * transmit and its interrupt on. */
	bool (*start)(struct nic *nic, char *err, size_t errlen);
	/* Queues one frame (without FCS) for sending; false when the
	 * transmit ring is full or the frame too long (counted). */
	bool (*transmit)(struct nic *nic, const uint8_t *frame, size_t len);
	/* Clears the device's interrupt cause, then hands every received
	 * frame to rx and gives its buffer back to the device. Returns the
	 * number of frames handed over. */
	unsigned (*poll)(struct nic *nic, nic_receive_fn rx, void *ctx);
	bool (*link_up)(struct nic *nic);
};

struct nic_model {
	uint16_t vendor_id, device_id;
	const char *name; /* "Intel 82540EM" */
};

struct nic_driver {
	const char *name;               /* "e1000" */
	const struct nic_model *models; /* the devices it drives */
	unsigned model_count;
	const struct nic_ops *ops;
};

struct nic {
	unsigned index; /* nicN */
	const struct nic_driver *driver;
	const struct nic_model *model;
	struct pci_device pci;
	uint8_t mac[NIC_MAC_LEN];
	bool usable; /* its probe succeeded */
	bool started;
	struct nic_stats stats;
	void *state; /* the driver's own, from the page allocator at start */
};

/* Finds the NICs some driver knows among the scanned PCI functions,
 * enables their memory decoding and bus mastering, probes them, and
 * prints one line for each ("solo: nic0: Intel 82540EM at 00:02.0, MAC
 * 52:54:00:12:34:56, link up") or for each that failed. Returns how many
 * are usable. */
unsigned nic_probe_all(const struct pci_device *devices, unsigned count);

/* nicN, or NULL when there is no such usable NIC. */
struct nic *nic_get(unsigned index);

static inline bool nic_start(struct nic *nic, char *err, size_t errlen)
{
	if (nic->started)
		return true;
	nic->started = nic->driver->ops->start(nic, err, errlen);
	return nic->started;
}

static inline bool nic_transmit(struct nic *nic, const uint8_t *frame, size_t len)
{
	return nic->driver->ops->transmit(nic, frame, len);
}

static inline unsigned nic_poll(struct nic *nic, nic_receive_fn rx, void *ctx)
{
	return nic->driver->ops->poll(nic, rx, ctx);
}

static inline bool nic_link_up(struct nic *nic)
{
	return nic->driver->ops->link_up(nic);
}

/* The drivers solo has (drivers/nic.c's table names them). */
extern const struct nic_driver e1000_driver;

#endif
