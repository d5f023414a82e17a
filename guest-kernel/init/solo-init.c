/*
 * solo-init: PID 1 of a container partition. It lives at /.solo/init in
 * the container's initramfs (the kernel runs it with rdinit=/.solo/init),
 * mounts the kernel file systems a container expects (/dev, /proc, /sys,
 * /tmp), reads the spec the host tool wrote (/.solo/spec, see spec.h),
 * sets up the network it describes (net_setup.h), starts the container's
 * command as a child with the spec's environment, directory and ids,
 * reaps every process that ends (orphans are reparented to PID 1), turns
 * a stop request (a SIGTERM, or "stop" on solo's control line,
 * /dev/ttyS1: docs/control-line.md) into SIGTERM for the command and
 * SIGKILL after a grace period, and when the command ends
 * reports its status: to solo by the exit hypercall when running under
 * solo, else as a console line before powering off. Its own failures end
 * the container with docker's statuses: 125 for a bad spec, 126 for a
 * command that cannot be executed, 127 for one that does not exist.
 * Static, and free of NSS lookups (getpwnam and friends), which static
 * glibc can only do by loading shared libraries.
 */
#define _GNU_SOURCE
#include "clone_point.h"
#include "net_setup.h"
#include "solo_hypercall.h"
#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define SPEC_PATH     "/.solo/spec"
#define SPEC_MAX_SIZE (1u << 20)
/* docker's PATH for images that set none. */
#define DEFAULT_PATH       "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define DEFAULT_STOP_GRACE 10 /* seconds, as `docker stop` */
#define CONTROL_LINE       "/dev/ttyS1"
#define CONTROL_LINE_MAX   32 /* longer lines are not requests: dropped */

/* The statuses `docker run` uses for failures before the command runs. */
enum {
	STATUS_BAD_SPEC = 125,
	STATUS_CANNOT_EXEC = 126,
	STATUS_NOT_FOUND = 127,
};

/* One line on the console. Straight to the file descriptor: nothing may
 * sit in a stdio buffer when the machine powers off. */
__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n = snprintf(line, sizeof(line), "solo-init: ");

	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - 1 - (size_t)n, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* No console: nowhere to say so either. */
	}
}

/*
 * The container's end. Under solo the exit hypercall reports it and the
 * partition stops there; elsewhere (QEMU, a test machine) the status goes
 * to the console and the machine powers off. STATUS is what a shell would
 * show ($?), SIGNAL the signal that killed the command or 0.
 */
static _Noreturn void container_end(const char *name, int status, int signal)
{
	if (solo_detect()) {
		int64_t ret = solo_hypercall(SOLO_HC_EXIT, (uint64_t)status, (uint64_t)signal);

		say("exit hypercall returned %" PRId64 ", powering off instead", ret);
	}
	if (signal != 0)
		say("%s killed by signal %d", name, signal);
	else
		say("%s exited with status %d", name, status);
	/* The serial driver sends from a buffer; power-off would cut it. */
	tcdrain(STDERR_FILENO);
	tcdrain(STDOUT_FILENO);
	reboot(RB_POWER_OFF);
	/* Not PID 1 (run by hand for a test) or not allowed to. */
	say("power-off: %s", strerror(errno));
	exit(status);
}

static void mount_fs(const char *type, const char *dir, unsigned long flags, const char *data)
{
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		say("mkdir %s: %s", dir, strerror(errno));
	/* EBUSY: already mounted, e.g. by a kernel with DEVTMPFS_MOUNT. */
	if (mount(type, dir, type, flags, data) != 0 && errno != EBUSY)
		say("mount %s on %s: %s", type, dir, strerror(errno));
}

/* The kernel opened /dev/console for init's fds 0-2 only if the archive
 * had the node; the devtmpfs one now on /dev is always there. */
static void open_console(void)
{
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);

	if (fd < 0) {
		say("open /dev/console: %s", strerror(errno));
		return;
	}
	for (int i = 0; i <= 2; i++) {
		if (fd != i)
			dup2(fd, i);
	}
	if (fd > 2)
		close(fd);
}

/* The whole spec file, NUL-terminated, its length in *LEN; NULL on error
 * (said). */
static char *read_spec(size_t *len)
{
	int fd = open(SPEC_PATH, O_RDONLY | O_CLOEXEC);
	size_t size = 0, cap = 4096;
	char *buf = malloc(cap);

	if (fd < 0 || buf == NULL) {
		say("%s: %s", SPEC_PATH, strerror(fd < 0 ? errno : ENOMEM));
		goto fail;
	}
	for (;;) {
		if (cap - size < 2) {
			char *grown = cap < SPEC_MAX_SIZE ? realloc(buf, cap * 2) : NULL;

			if (grown == NULL) {
				say("%s: larger than %u bytes", SPEC_PATH, SPEC_MAX_SIZE);
				goto fail;
			}
			buf = grown;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + size, cap - size - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			say("%s: %s", SPEC_PATH, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		size += (size_t)n;
	}
	close(fd);
	buf[size] = '\0';
	*len = size;
	return buf;

fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

/* The stop grace period: SOLO_STOP_GRACE in init's environment (the
 * kernel passes unknown NAME=value words of its command line there). */
static unsigned stop_grace(void)
{
	const char *s = getenv("SOLO_STOP_GRACE");
	char *end;
	unsigned long v;

	if (s == NULL)
		return DEFAULT_STOP_GRACE;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v > 3600) {
		say("SOLO_STOP_GRACE=%s is not 0-3600 seconds; using %d", s, DEFAULT_STOP_GRACE);
		return DEFAULT_STOP_GRACE;
	}
	return (unsigned)v;
}

static const char *env_lookup(char *const env[], const char *name)
{
	size_t n = strlen(name);

	for (; *env != NULL; env++) {
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	}
	return NULL;
}

/*
 * execve() of ARGV[0], searched in the spec's PATH when it has no slash.
 * Returns only on failure, with the errno to report: that of the first
 * candidate that exists but cannot run (EACCES, ENOEXEC, ...), else
 * ENOENT, as execvp() does. Done here because execvp() would search the
 * PATH of init's own environment, not the command's.
 */
static int exec_command(char *const argv[], char *const env[])
{
	const char *file = argv[0];
	const char *path = env_lookup(env, "PATH");
	int err = ENOENT;
	char candidate[PATH_MAX];

	if (strchr(file, '/') != NULL) {
		execve(file, argv, env);
		return errno;
	}
	if (path == NULL)
		path = DEFAULT_PATH;
	for (const char *dir = path;;) {
		const char *colon = strchrnul(dir, ':');
		int dirlen = (int)(colon - dir);
		/* An empty entry means the current directory (POSIX). */
		int n = snprintf(candidate, sizeof(candidate), "%.*s%s%s", dirlen, dir,
		                 dirlen > 0 ? "/" : "", file);

		if (n >= (int)sizeof(candidate)) {
			if (err == ENOENT)
				err = ENAMETOOLONG;
		} else {
			execve(candidate, argv, env);
			if (errno != ENOENT && errno != ENOTDIR && err == ENOENT)
				err = errno;
		}
		if (*colon == '\0')
			return err;
		dir = colon + 1;
	}
}

/*
 * In the child: become the command. The credentials change here, not in
 * init, which must keep the right to reap, signal and power off.
 */
static _Noreturn void run_command(const struct spec *spec, const sigset_t *mask)
{
	/* The blocked mask survives execve(); the command gets init's first. */
	sigprocmask(SIG_SETMASK, mask, NULL);
	if (chdir(spec->cwd) != 0) {
		say("chdir %s: %s", spec->cwd, strerror(errno));
		_exit(STATUS_BAD_SPEC);
	}
	/* The kernel starts init with no supplementary groups; clear them
	 * anyway so the command holds exactly the spec's gid. */
	if (setgroups(0, NULL) != 0 || setgid((gid_t)spec->gid) != 0 ||
	    setuid((uid_t)spec->uid) != 0) {
		say("set uid %" PRIu32 " gid %" PRIu32 ": %s", spec->uid, spec->gid,
		    strerror(errno));
		_exit(STATUS_BAD_SPEC);
	}
	int err = exec_command(spec->argv, spec->env);
	say("exec %s: %s", spec->argv[0], strerror(err));
	_exit(err == ENOENT || err == ENOTDIR ? STATUS_NOT_FOUND : STATUS_CANNOT_EXEC);
}

/* The command's process: vfork, so that nothing of init's memory is
 * copied for a child that execs at once (the child runs on init's
 * memory, init waiting, until its execve or _exit; run_command only sets
 * its own process state and calls async-signal-safe functions). A
 * function of its own, so no local of main's lives across the vfork. */
static __attribute__((noinline)) pid_t spawn_command(const struct spec *spec, const sigset_t *mask)
{
	pid_t pid = vfork();
	if (pid == 0)
		run_command(spec, mask);
	return pid;
}

/*
 * solo's control line, COM2: raw, and with O_ASYNC so that input arrives
 * as SIGIO in the same sigtimedwait() loop as the other signals (SIGIO
 * must be blocked first). -1 where there is none: not under solo.
 */
static int open_control_line(void)
{
	int fd = open(CONTROL_LINE, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	struct termios t;

	if (fd < 0)
		return -1;
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		t.c_cflag |= CLOCAL | CREAD;
		tcsetattr(fd, TCSANOW, &t);
	}
	if (fcntl(fd, F_SETOWN, getpid()) != 0 || fcntl(fd, F_SETFL, O_NONBLOCK | O_ASYNC) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

struct control_input {
	char line[CONTROL_LINE_MAX + 1];
	size_t len;
	bool overlong;
};

/* Reads what the control line holds; true if a whole "stop" line came. */
static bool control_stop_requested(int fd, struct control_input *in)
{
	bool stop = false;
	char buf[64];
	ssize_t n;

	while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				in->line[in->len] = '\0';
				stop |= !in->overlong && strcmp(in->line, "stop") == 0;
				in->len = 0;
				in->overlong = false;
			} else if (in->len < CONTROL_LINE_MAX) {
				in->line[in->len++] = buf[i];
			} else {
				in->overlong = true;
			}
		}
	}
	return stop;
}

/* Signals are taken with sigtimedwait(), but a handler must exist: the
 * kernel drops signals to PID 1 that have the default action. */
static void on_signal(int sig)
{
	(void)sig;
}

/*
 * Reaps every child until MAIN ends and returns its wait status. A
 * SIGTERM or a stop request on the control line (CONTROL, -1 for none)
 * starts a stop: SIGTERM to MAIN, SIGKILL GRACE seconds later. SIGCHLD,
 * SIGTERM and SIGIO are blocked by the caller, so one that arrives
 * between the reaping and the wait stays pending instead of being lost.
 */
static int supervise(pid_t main_pid, const sigset_t *wanted, unsigned grace, int control)
{
	bool stopping = false, killed = false;
	struct timespec deadline = {0, 0};
	struct control_input input = {.len = 0};

	for (;;) {
		int status;
		pid_t pid;

		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid == main_pid)
				return status;
		}

		struct timespec now, left, *timeout = NULL;
		if (stopping && !killed) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			left.tv_sec = deadline.tv_sec - now.tv_sec;
			left.tv_nsec = deadline.tv_nsec - now.tv_nsec;
			if (left.tv_nsec < 0) {
				left.tv_nsec += 1000000000;
				left.tv_sec--;
			}
			if (left.tv_sec < 0) {
				say("stop: grace period of %u s over, killing the command", grace);
				kill(main_pid, SIGKILL);
				killed = true;
				continue;
			}
			timeout = &left;
		}

		int sig = sigtimedwait(wanted, NULL, timeout);
		bool asked = sig == SIGTERM;
		if (sig == SIGIO && control_stop_requested(control, &input) && !stopping) {
			asked = true;
			say("stop requested by solo: SIGTERM to the command, SIGKILL in %u s",
			    grace);
		}
		if (asked && !stopping) {
			stopping = true;
			clock_gettime(CLOCK_MONOTONIC, &deadline);
			deadline.tv_sec += grace;
			kill(main_pid, SIGTERM);
		}
	}
}

int main(void)
{
	/* /dev first, so the messages of the rest reach the console. */
	mount_fs("devtmpfs", "/dev", MS_NOSUID, "mode=0755");
	open_console();
	mount_fs("proc", "/proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	mount_fs("sysfs", "/sys", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	mount_fs("tmpfs", "/tmp", MS_NOSUID | MS_NODEV, "mode=1777");

	size_t len;
	char *text = read_spec(&len);
	struct spec spec;
	char error[SPEC_ERROR_SIZE];

	if (text == NULL)
		container_end("container", STATUS_BAD_SPEC, 0);
	if (spec_parse(text, len, &spec, error) != 0) {
		say("%s: %s", SPEC_PATH, error);
		container_end("container", STATUS_BAD_SPEC, 0);
	}
	const char *name = spec.argv[0];

	unsigned grace = stop_grace();
	sigset_t wanted, old_mask;
	struct sigaction sa = {.sa_handler = on_signal};

	sigemptyset(&wanted);
	sigaddset(&wanted, SIGCHLD);
	sigaddset(&wanted, SIGTERM);
	sigaddset(&wanted, SIGIO);
	sigprocmask(SIG_BLOCK, &wanted, &old_mask);
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGIO, &sa, NULL);
	int control = open_control_line();
	net_setup_loopback(say);

	/* Everything before this point is the same in every container
	 * started from this image; solo may snapshot it here and start
	 * the next ones from the snapshot (docs/templates.md), so the
	 * more is done before it, the less each clone has to do. */
	clone_point(&spec, say);
	if (spec.hostname != NULL && sethostname(spec.hostname, strlen(spec.hostname)) != 0) {
		say("sethostname %s: %s", spec.hostname, strerror(errno));
		container_end(name, STATUS_BAD_SPEC, 0);
	}

	/* After the signals are blocked: a stop request during a slow DHCP
	 * exchange stays pending for supervise(). */
	net_setup(&spec, say);

	pid_t pid = spawn_command(&spec, &old_mask);
	if (pid < 0) {
		say("fork: %s", strerror(errno));
		container_end(name, STATUS_BAD_SPEC, 0);
	}

	int status = supervise(pid, &wanted, grace, control);
	if (WIFSIGNALED(status))
		container_end(name, 128 + WTERMSIG(status), WTERMSIG(status));
	container_end(name, WEXITSTATUS(status), 0);
}
