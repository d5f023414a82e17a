/*
 * VPIDs, the tags that keep each vCPU's cached translations apart. Every
 * vCPU holds its own from start to VMCS teardown, so no two live vCPUs
 * ever share one, however many restarts go by.
 */
#ifndef SOLO_VMX_VPID_H
#define SOLO_VMX_VPID_H

#include <stdint.h>

/* A VPID no live vCPU holds (1..65535), or 0 when all are taken. The
 * caller flushes it on its CPU (INVVPID) before use: an earlier holder may
 * have left translations there. */
uint16_t vpid_alloc(void);

/* Gives a VPID back; 0 is ignored. */
void vpid_free(uint16_t vpid);

#endif
