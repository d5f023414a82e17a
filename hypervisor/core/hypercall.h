/* solo's hypercall numbers and result codes (guest-visible ABI). */
#ifndef SOLO_CORE_HYPERCALL_H
#define SOLO_CORE_HYPERCALL_H

#include <stdint.h>

enum hypercall_number {
	HYPERCALL_ABI_VERSION = 0, /* returns SOLO_HYPERCALL_ABI_VERSION */
};

#define HYPERCALL_ENOSYS (-38LL) /* unknown call number, as Linux's ENOSYS */

#endif
