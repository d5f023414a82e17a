/* Names for the basic exit reasons, generated from the one list. */
#include "vmx/exit_reasons.h"

static const char *const names[EXIT_REASON_COUNT] = {
#define EXIT_REASON_NAME(name, value) [value] = #name,
    EXIT_REASON_LIST(EXIT_REASON_NAME)
#undef EXIT_REASON_NAME
};

const char *exit_reason_name(unsigned basic_reason)
{
	if (basic_reason < EXIT_REASON_COUNT && names[basic_reason])
		return names[basic_reason];
	return "unknown";
}
