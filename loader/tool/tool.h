/*
 * The subcommands of the `solo` host tool, each a main of its own that
 * solo.c dispatches to, and the exit statuses they share: 0 success, 1 the
 * job failed (a bad config, image or file, with one line on stderr), 2 the
 * command line was wrong.
 */
#ifndef SOLO_TOOL_TOOL_H
#define SOLO_TOOL_TOOL_H

#define SOLO_EXIT_OK    0
#define SOLO_EXIT_FAIL  1
#define SOLO_EXIT_USAGE 2

/* argv[0] is the subcommand's name. */
int solo_build_main(int argc, char **argv);
int solo_inspect_main(int argc, char **argv);

/* "1.4 MiB", "812 KiB": sizes as people read them, in buf. */
const char *solo_size_text(unsigned long long bytes, char *buf, unsigned long len);

#endif
