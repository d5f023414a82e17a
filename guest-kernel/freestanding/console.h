/*
 * COM1 output and the kernel command line for solo's freestanding test
 * guests (hostile/, ctxcheck/), 32- or 64-bit: polled writes to the
 * partition's 16550, numbers in hex and decimal (unsigned long division
 * only, so 32-bit guests need no libgcc), and `key=value` words from the
 * command line the zero page points at.
 */
#ifndef SOLO_FREESTANDING_CONSOLE_H
#define SOLO_FREESTANDING_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

#define COM1                   0x3f8
#define LSR_THRE               0x20
#define ZERO_PAGE_CMD_LINE_PTR 0x228

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "d"(port));
	return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "d"(port));
}

static inline void putc_serial(char c)
{
	while (!(inb(COM1 + 5) & LSR_THRE))
		;
	outb(COM1, (uint8_t)c);
}

static inline void puts_serial(const char *s)
{
	while (*s)
		putc_serial(*s++);
}

static inline void put_hex(uint64_t v)
{
	char buf[19];
	int i = 18;
	buf[i] = 0;
	do {
		buf[--i] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v);
	buf[--i] = 'x';
	buf[--i] = '0';
	puts_serial(buf + i);
}

static inline void put_dec(unsigned long v)
{
	char buf[21];
	int i = 20;
	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	puts_serial(buf + i);
}

static inline const char *boot_cmdline(const uint8_t *boot_params)
{
	uint32_t ptr = *(const uint32_t *)(boot_params + ZERO_PAGE_CMD_LINE_PTR);
	return (const char *)(uintptr_t)ptr;
}

/* Where word starts in s as a whole space-separated word, or of a
 * `key=` prefix when word ends in '='; 0 when it is not there. */
static inline const char *cmdline_find(const char *s, const char *word)
{
	for (const char *start = s; *s; s++) {
		if (s != start && s[-1] != ' ')
			continue;
		unsigned i = 0;
		while (word[i] && s[i] == word[i])
			i++;
		if (!word[i] && (word[i - 1] == '=' || s[i] == 0 || s[i] == ' '))
			return s;
	}
	return 0;
}

static inline bool cmdline_has(const char *s, const char *word)
{
	return cmdline_find(s, word) != 0;
}

/* The decimal value of `key=N` (key given with its '='), or fallback. */
static inline unsigned long cmdline_number(const char *s, const char *key, unsigned long fallback)
{
	const char *at = cmdline_find(s, key);
	if (!at)
		return fallback;
	while (*at != '=')
		at++;
	unsigned long v = 0;
	bool any = false;
	for (at++; *at >= '0' && *at <= '9'; at++, any = true)
		v = v * 10 + (unsigned long)(*at - '0');
	return any ? v : fallback;
}

#endif
