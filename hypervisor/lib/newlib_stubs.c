/*
 * The system calls newlib expects underneath, for a libc with no OS: no
 * files, no processes, and no heap (solo allocates pages, not bytes), so
 * anything in newlib that reaches for one fails cleanly instead.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/stat.h>

#include "lib/console.h"

#undef errno
extern int errno;

void *sbrk(ptrdiff_t increment);
int write(int fd, const char *buf, int len);
int read(int fd, char *buf, int len);
int close(int fd);
int lseek(int fd, int offset, int whence);
int fstat(int fd, struct stat *st);
int isatty(int fd);
int getpid(void);
int kill(int pid, int sig);
void _exit(int status);

void *sbrk(ptrdiff_t increment)
{
	(void)increment;
	errno = ENOMEM;
	return (void *)-1;
}

int write(int fd, const char *buf, int len)
{
	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	console_write(buf, (size_t)len);
	return len;
}

int read(int fd, char *buf, int len)
{
	(void)fd, (void)buf, (void)len;
	errno = EBADF;
	return -1;
}

int close(int fd)
{
	(void)fd;
	errno = EBADF;
	return -1;
}

int lseek(int fd, int offset, int whence)
{
	(void)fd, (void)offset, (void)whence;
	errno = ESPIPE;
	return -1;
}

int fstat(int fd, struct stat *st)
{
	(void)fd;
	st->st_mode = S_IFCHR;
	return 0;
}

int isatty(int fd)
{
	(void)fd;
	return 1;
}

int getpid(void)
{
	return 1;
}

int kill(int pid, int sig)
{
	(void)pid, (void)sig;
	errno = EINVAL;
	return -1;
}

void _exit(int status)
{
	(void)status;
	for (;;)
		__asm__ volatile("cli; hlt");
}
