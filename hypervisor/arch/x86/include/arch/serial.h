/* The physical serial port (COM1) behind the console. */
#ifndef SOLO_ARCH_SERIAL_H
#define SOLO_ARCH_SERIAL_H

#include <stdbool.h>
#include <stdint.h>

void serial_init(void);

/* Takes one received byte if there is one; never waits. */
bool serial_read_byte(uint8_t *byte);

#endif
