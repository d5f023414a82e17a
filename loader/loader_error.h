/*
 * The loader's one way to report an error: copy a short phrase into the
 * caller's buffer, cut to fit and always terminated, and return false.
 * No snprintf, because the boot stage's libc has none.
 */
#ifndef SOLO_LOADER_ERROR_H
#define SOLO_LOADER_ERROR_H

#include <stdbool.h>
#include <stddef.h>

static inline bool loader_fail(char *err, size_t errlen, const char *phrase)
{
	if (errlen == 0)
		return false;
	size_t n = 0;
	while (phrase[n] && n + 1 < errlen) {
		err[n] = phrase[n];
		n++;
	}
	err[n] = '\0';
	return false;
}

#endif
