/* Validating the handoff block before the hypervisor trusts any of it. */
#ifndef SOLO_CORE_HANDOFF_CHECK_H
#define SOLO_CORE_HANDOFF_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "public/handoff.h"

/* Checks magic, version, size, counts, alignment and that every range and
 * file is well formed. On failure writes the first problem to err. */
bool handoff_check(const struct handoff *h, char *err, size_t errlen);

/* The file the boot stage loaded under `name`, or NULL. */
const struct handoff_file *handoff_find_file(const struct handoff *h, const char *name);

/* One past the highest address any memory range covers. */
uint64_t handoff_memory_top(const struct handoff *h);

#endif
