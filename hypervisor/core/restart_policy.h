/*
 * Restart policies as Docker users know them: `no`, `on-failure[:N]`
 * (restart after a non-zero exit status or a crash, at most N times, or
 * without limit when N is 0) and `always`. Restarts wait an exponential
 * backoff: 100 ms, doubling, capped at 10 s (Docker caps at a minute; an
 * appliance wants its service back sooner).
 */
#ifndef SOLO_CORE_RESTART_POLICY_H
#define SOLO_CORE_RESTART_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

#define RESTART_BACKOFF_FIRST_MS 100
#define RESTART_BACKOFF_CAP_MS 10000

struct restart_policy {
	enum config_restart mode;
	uint32_t max_retries; /* on-failure only; 0: no limit */
};

struct restart_decision {
	bool restart;
	uint64_t delay_ms;
};

/* After the partition's run number `restarts` (0 for the first) ended,
 * failed or not: restart it, and after how long? */
struct restart_decision restart_decide(const struct restart_policy *policy, bool failed,
				       unsigned restarts);

/* The policy in words, for the console: "no", "always", "on-failure:3". */
const char *restart_policy_describe(const struct restart_policy *policy, char *buf, unsigned len);

#endif
