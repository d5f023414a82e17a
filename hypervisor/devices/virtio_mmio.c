/*
 * The virtio-mmio version 2 register model (virtio_mmio.h). Queue
 * addresses and sizes are taken only while a queue is not ready, and
 * checked against the guest's RAM when it is made ready; after that the
 * virtqueue walker trusts only what it re-reads and checks itself.
 */
#include <string.h>

#include "devices/virtio_mmio.h"

void virtio_mmio_init(struct virtio_mmio *t, uint32_t device_id, uint64_t device_features,
                      unsigned queue_count, const struct virtio_mmio_device_ops *ops, void *device,
                      struct guest_ram ram)
{
	memset(t, 0, sizeof(*t));
	t->device_id = device_id;
	t->device_features = device_features | VIRTIO_F_VERSION_1;
	t->queue_count =
	    queue_count < VIRTIO_MMIO_MAX_QUEUES ? queue_count : VIRTIO_MMIO_MAX_QUEUES;
	t->ops = ops;
	t->device = device;
	t->ram = ram;
}

static void reset(struct virtio_mmio *t)
{
	t->driver_features = 0;
	t->device_features_sel = t->driver_features_sel = t->queue_sel = 0;
	t->status = 0;
	t->interrupt_status = 0;
	memset(t->queues, 0, sizeof(t->queues));
	if (t->ops->reset)
		t->ops->reset(t);
}

static struct virtq *selected(struct virtio_mmio *t)
{
	return t->queue_sel < t->queue_count ? &t->queues[t->queue_sel] : 0;
}

static uint32_t read_register(struct virtio_mmio *t, unsigned offset)
{
	struct virtq *q = selected(t);
	switch (offset) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION_REG:
		return VIRTIO_MMIO_VERSION;
	case VIRTIO_MMIO_DEVICE_ID:
		return t->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return t->device_features_sel > 1
		           ? 0
		           : (uint32_t)(t->device_features >> (32 * t->device_features_sel));
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return q ? VIRTQ_SIZE_MAX : 0; /* 0: no such queue */
	case VIRTIO_MMIO_QUEUE_READY:
		return q && q->ready;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return t->interrupt_status;
	case VIRTIO_MMIO_STATUS:
		return t->status;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
		return 0xffffffffu; /* no shared memory regions */
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return 0; /* the configuration never changes */
	default:
		return 0; /* write-only and reserved registers read as 0 */
	}
}

static void set_half(uint64_t *field, bool high, uint32_t value)
{
	*field = high ? (*field & 0xffffffffull) | ((uint64_t)value << 32)
	              : (*field & ~0xffffffffull) | value;
}

static void queue_ready(struct virtio_mmio *t, struct virtq *q, uint32_t value)
{
	if (!value) {
		q->ready = false;
		return;
	}
	const char *why;
	if (!virtq_check_layout(q, &t->ram, &why)) {
		t->violation = why;
		return;
	}
	q->ready = true;
	q->last_avail = q->used_idx = 0;
	/* The one ring the device writes: a clone's own pages from here on
	 * (this is the guest's own CPU), so any CPU's sender can write it. */
	if (!virtq_own_used_ring(q, &t->ram))
		t->violation = "no memory for its own copy of a used ring";
}

static void write_status(struct virtio_mmio *t, uint32_t value)
{
	if (value == 0) {
		reset(t);
		return;
	}
	/* FEATURES_OK stays clear when the driver took a feature solo did
	 * not offer, or not VERSION_1 (no legacy interface here); the
	 * driver reads it back and gives up (spec 3.1.1). */
	if ((value & VIRTIO_STATUS_FEATURES_OK) && !(t->status & VIRTIO_STATUS_FEATURES_OK) &&
	    ((t->driver_features & ~t->device_features) ||
	     !(t->driver_features & VIRTIO_F_VERSION_1)))
		value &= ~VIRTIO_STATUS_FEATURES_OK;
	t->status = value & 0xff;
}

static void write_register(struct virtio_mmio *t, unsigned offset, uint32_t value)
{
	struct virtq *q = selected(t);
	bool high = offset & 4;
	switch (offset) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		t->device_features_sel = value;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		/* Only before FEATURES_OK, and only the two words that exist. */
		if (!(t->status & VIRTIO_STATUS_FEATURES_OK) && t->driver_features_sel < 2)
			set_half(&t->driver_features, t->driver_features_sel == 1, value);
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		t->driver_features_sel = value;
		return;
	case VIRTIO_MMIO_QUEUE_SEL:
		t->queue_sel = value;
		return;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (q && !q->ready)
			q->size = value > 0xffff ? 0 : (uint16_t)value;
		return;
	case VIRTIO_MMIO_QUEUE_READY:
		if (q)
			queue_ready(t, q, value);
		return;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		/* A notification before DRIVER_OK, or for a queue that is
		 * not there or not ready, has nothing to act on. */
		if (value < t->queue_count && t->queues[value].ready && virtio_mmio_driver_ok(t))
			t->ops->notify(t, value);
		return;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		t->interrupt_status &= ~value;
		return;
	case VIRTIO_MMIO_STATUS:
		write_status(t, value);
		return;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		if (q && !q->ready)
			set_half(&q->desc, high, value);
		return;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		if (q && !q->ready)
			set_half(&q->avail, high, value);
		return;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		if (q && !q->ready)
			set_half(&q->used, high, value);
		return;
	case VIRTIO_MMIO_SHM_SEL:
		return;
	default:
		t->violation = "write to a read-only or reserved virtio-mmio register";
		return;
	}
}

bool virtio_mmio_read(struct virtio_mmio *t, unsigned offset, unsigned size, uint32_t *value)
{
	if (offset >= VIRTIO_MMIO_CONFIG)
		return t->ops->config_read(t, offset - VIRTIO_MMIO_CONFIG, size, value);
	if (size != 4 || (offset & 3))
		return false;
	*value = read_register(t, offset);
	return true;
}

bool virtio_mmio_write(struct virtio_mmio *t, unsigned offset, unsigned size, uint32_t value)
{
	if (offset >= VIRTIO_MMIO_CONFIG) {
		/* virtio-net's configuration is read-only to the driver. */
		t->violation = "write to the device's read-only configuration space";
		return true;
	}
	if (size != 4 || (offset & 3))
		return false;
	write_register(t, offset, value);
	return true;
}
