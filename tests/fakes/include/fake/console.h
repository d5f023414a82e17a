/*
 * The host tests' console sink (tests/fakes/fake_console.c): everything
 * hypervisor/lib/console.c writes lands in one buffer, with a count of
 * sink writes so tests can check a line went out in one piece.
 */
#ifndef SOLO_FAKE_CONSOLE_H
#define SOLO_FAKE_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#define FAKE_CONSOLE_SIZE (256 * 1024)

void fake_console_reset(void);
/* Everything written since the reset, NUL-terminated. */
const char *fake_console_text(void);
size_t fake_console_length(void);
unsigned fake_console_writes(void);
size_t fake_console_last_write_length(void);
bool fake_console_contains(const char *needle);
/* How many bytes console_sink_offer takes from now on before it must
 * wait (SIZE_MAX, the default: all); console_sink_write always takes
 * them all, as the real port does by waiting. */
void fake_console_set_room(size_t bytes);

#endif
