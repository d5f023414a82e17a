/*
 * The clone point (SOLO_HC_CLONE_POINT, docs/hypercalls.md): the guest
 * init calls it once it has mounted its file systems and read its spec,
 * before anything makes the container unique, with a buffer (RBX, RCX
 * bytes) for solo's answer. The answer is what makes each clone of one
 * template its own: text lines `hostname=NAME` (a replica's),
 * `seed=HEX` (32 bytes of fresh entropy for its random number
 * generator) and `nicK=MAC ADDRESS` per network interface (its MAC and
 * address, a replica's own). A template's maker is snapshotted at this call; each
 * clone resumes from it and gets its own answer.
 */
#ifndef SOLO_CORE_CLONE_POINT_H
#define SOLO_CORE_CLONE_POINT_H

#include <stddef.h>

#include "core/guest_memory.h"
#include "core/partition.h"
#include "core/partition_net.h"

/* The most the answer takes: every line. */
#define CLONE_POINT_ANSWER_MAX                                                                     \
	(9 + PARTITION_NAME_LEN + 1 + 5 + 64 + 1 + CONFIG_MAX_NICS * PARTITION_NET_IDENTITY_LINE)

/* Writes p's answer into its guest init's buffer (the vCPU's RBX, RCX)
 * through the guest's page tables and sets its RAX: the answer's length,
 * or a negative error (HYPERCALL_EINVAL: buffer too small, EFAULT: not
 * writable by the caller). */
void clone_point_answer(struct partition *p, struct vcpu *v, const struct guest_paging *paging);

/* The answer's text for p, NUL-terminated; returns its length. */
size_t clone_point_format(const struct partition *p, char *out, size_t size);

#endif
