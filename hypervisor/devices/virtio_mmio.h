/*
 * The virtio-mmio transport, version 2 only (virtio 1.x spec 4.2.2): the
 * 4 KiB register window a guest finds a virtio device through. This file
 * is the register model, the same for every device type: identification,
 * feature negotiation, the device status, queue set-up and the interrupt
 * status. The device itself (virtio_net.c) supplies its features, its
 * configuration space and what a queue notification does. A register
 * access that breaks the rules in a way no driver would (a queue whose
 * rings lie outside the guest's RAM, a write to a read-only register)
 * sets `violation`, and the caller ends the partition with it.
 */
#ifndef SOLO_DEVICES_VIRTIO_MMIO_H
#define SOLO_DEVICES_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/virtqueue.h"

#define VIRTIO_MMIO_MAGIC      0x74726976u /* "virt" */
#define VIRTIO_MMIO_VERSION    2u
#define VIRTIO_MMIO_VENDOR     0x4f4c4f53u /* "SOLO" */
#define VIRTIO_MMIO_CONFIG     0x100u      /* the device's configuration space */
#define VIRTIO_MMIO_WINDOW     0x1000u
#define VIRTIO_MMIO_MAX_QUEUES 2

/* Register offsets (virtio spec 4.2.2, table "MMIO Device Register
 * Layout"). */
enum virtio_mmio_register {
	VIRTIO_MMIO_MAGIC_VALUE = 0x000,
	VIRTIO_MMIO_VERSION_REG = 0x004,
	VIRTIO_MMIO_DEVICE_ID = 0x008,
	VIRTIO_MMIO_VENDOR_ID = 0x00c,
	VIRTIO_MMIO_DEVICE_FEATURES = 0x010,
	VIRTIO_MMIO_DEVICE_FEATURES_SEL = 0x014,
	VIRTIO_MMIO_DRIVER_FEATURES = 0x020,
	VIRTIO_MMIO_DRIVER_FEATURES_SEL = 0x024,
	VIRTIO_MMIO_QUEUE_SEL = 0x030,
	VIRTIO_MMIO_QUEUE_NUM_MAX = 0x034,
	VIRTIO_MMIO_QUEUE_NUM = 0x038,
	VIRTIO_MMIO_QUEUE_READY = 0x044,
	VIRTIO_MMIO_QUEUE_NOTIFY = 0x050,
	VIRTIO_MMIO_INTERRUPT_STATUS = 0x060,
	VIRTIO_MMIO_INTERRUPT_ACK = 0x064,
	VIRTIO_MMIO_STATUS = 0x070,
	VIRTIO_MMIO_QUEUE_DESC_LOW = 0x080,
	VIRTIO_MMIO_QUEUE_DESC_HIGH = 0x084,
	VIRTIO_MMIO_QUEUE_DRIVER_LOW = 0x090,
	VIRTIO_MMIO_QUEUE_DRIVER_HIGH = 0x094,
	VIRTIO_MMIO_QUEUE_DEVICE_LOW = 0x0a0,
	VIRTIO_MMIO_QUEUE_DEVICE_HIGH = 0x0a4,
	VIRTIO_MMIO_SHM_SEL = 0x0ac,
	VIRTIO_MMIO_SHM_LEN_LOW = 0x0b0,
	VIRTIO_MMIO_SHM_LEN_HIGH = 0x0b4,
	VIRTIO_MMIO_SHM_BASE_LOW = 0x0b8,
	VIRTIO_MMIO_SHM_BASE_HIGH = 0x0bc,
	VIRTIO_MMIO_CONFIG_GENERATION = 0x0fc,
};

/* Device status bits (virtio spec 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER      2u
#define VIRTIO_STATUS_DRIVER_OK   4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_FAILED      128u

/* InterruptStatus bits. */
#define VIRTIO_MMIO_INT_VRING  1u
#define VIRTIO_MMIO_INT_CONFIG 2u

#define VIRTIO_F_VERSION_1 (1ull << 32)

struct virtio_mmio;

struct virtio_mmio_device_ops {
	/* The driver wrote QueueNotify for a ready queue. */
	void (*notify)(struct virtio_mmio *t, unsigned queue);
	/* A read of `size` bytes (1, 2 or 4) at `offset` in the
	 * configuration space; false if outside it. */
	bool (*config_read)(struct virtio_mmio *t, unsigned offset, unsigned size, uint32_t *value);
	/* The driver reset the device (status 0); NULL when the device keeps
	 * nothing the transport does not. */
	void (*reset)(struct virtio_mmio *t);
};

struct virtio_mmio {
	uint32_t device_id;
	uint64_t device_features;
	unsigned queue_count;
	const struct virtio_mmio_device_ops *ops;
	void *device; /* the device model's own state */
	struct guest_ram ram;

	uint64_t driver_features;
	uint32_t device_features_sel, driver_features_sel, queue_sel;
	uint32_t status;
	uint32_t interrupt_status;
	struct virtq queues[VIRTIO_MMIO_MAX_QUEUES];
	/* Set when the guest broke a rule; the partition is then ended. */
	const char *violation;
};

/* Sets up a device that is not yet driven (status 0). */
void virtio_mmio_init(struct virtio_mmio *t, uint32_t device_id, uint64_t device_features,
                      unsigned queue_count, const struct virtio_mmio_device_ops *ops, void *device,
                      struct guest_ram ram);

/* A guest access of `size` bytes (1, 2 or 4) at `offset` in the window.
 * Registers take 32-bit accesses only; the configuration space any
 * width. False when the access is to nothing (the caller ends the
 * partition); a rule broken is in t->violation. */
bool virtio_mmio_read(struct virtio_mmio *t, unsigned offset, unsigned size, uint32_t *value);
bool virtio_mmio_write(struct virtio_mmio *t, unsigned offset, unsigned size, uint32_t value);

/* Whether the driver has finished setting the device up. */
static inline bool virtio_mmio_driver_ok(const struct virtio_mmio *t)
{
	return (t->status & VIRTIO_STATUS_DRIVER_OK) && !(t->status & VIRTIO_STATUS_FAILED);
}

#endif
