/* The physical serial port (COM1) behind the console. */
#ifndef SOLO_ARCH_SERIAL_H
#define SOLO_ARCH_SERIAL_H

void serial_init(void);

#endif
