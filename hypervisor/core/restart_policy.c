/* Restart decisions: pure, so every policy and the backoff are tested on
 * the host. */
#include <stdio.h>

#include "core/restart_policy.h"

static uint64_t backoff_ms(unsigned restarts)
{
	uint64_t delay = RESTART_BACKOFF_FIRST_MS;
	for (unsigned i = 0; i < restarts && delay < RESTART_BACKOFF_CAP_MS; i++)
		delay *= 2;
	return delay < RESTART_BACKOFF_CAP_MS ? delay : RESTART_BACKOFF_CAP_MS;
}

struct restart_decision restart_decide(const struct restart_policy *policy, bool failed,
				       unsigned restarts)
{
	struct restart_decision no = {.restart = false};
	switch (policy->mode) {
	case CONFIG_RESTART_ALWAYS:
		break;
	case CONFIG_RESTART_ON_FAILURE:
		if (!failed || (policy->max_retries && restarts >= policy->max_retries))
			return no;
		break;
	case CONFIG_RESTART_NO:
	default:
		return no;
	}
	return (struct restart_decision){.restart = true, .delay_ms = backoff_ms(restarts)};
}

const char *restart_policy_describe(const struct restart_policy *policy, char *buf, unsigned len)
{
	switch (policy->mode) {
	case CONFIG_RESTART_ALWAYS:
		snprintf(buf, len, "always");
		break;
	case CONFIG_RESTART_ON_FAILURE:
		if (policy->max_retries)
			snprintf(buf, len, "on-failure:%u", policy->max_retries);
		else
			snprintf(buf, len, "on-failure");
		break;
	default:
		snprintf(buf, len, "no");
		break;
	}
	return buf;
}
