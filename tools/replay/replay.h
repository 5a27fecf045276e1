/*
 * tools/replay/replay.h - otlp-replay, the program: its options (options.c)
 * around the engine's settings (replay/replay.h); main.c prints what the
 * engine reports and turns it into an exit status.
 *
 * Ownership: struct replay_options owns its lists and the parser's
 * positional array (options_release); its strings point into argv and the
 * environment. Errors as options_parse says. Threads: the main thread only.
 */
#ifndef TOOLS_REPLAY_REPLAY_H
#define TOOLS_REPLAY_REPLAY_H

#include <stdbool.h>

#include "otelsim/error.h"
#include "replay/replay.h"
#include "util/parseopt.h"

struct replay_options {
	struct replay_config r;   /* what the engine takes */
	const char *summary_json; /* --summary-json FILE */
	int progress;             /* -1 auto (a terminal), 0 off, 1 on */
	bool quiet;
	struct opt_list headers;  /* storage behind r.net.headers */
	struct opt_parsed parsed; /* what the parser saw (owns r.inputs) */
};

/*
 * Parse argv. Returns 0 to go on, 1 when --help/--version was printed (exit
 * 0), or OTELSIM_EUSAGE with the message in *err (exit 2).
 */
int options_parse(struct replay_options *o, int argc, char **argv, struct otelsim_error *err);
void options_release(struct replay_options *o);

#endif
