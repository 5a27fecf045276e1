/*
 * cli/commands.h - otelsim's commands, once: this list gives each command
 * its bit (CMD_LIST, ... for the option table's `cmds`), its row in the
 * dispatch table (main.c), its line in the command list and its --help,
 * and the names the "unknown command (did you mean ...)" message knows.
 *
 * Adding a command is adding one row here and its handler,
 * `int cmd_NAME(struct cli *c)` in src/cli/cmd_NAME.c (declared by the
 * row); its own options are rows of the option table (opts.c) whose `cmds`
 * name CMD_NAME. Rows: X(ID, name, handler, usage, summary, details), where
 * details are more paragraphs for its --help ("" for none), each line
 * ending in "\n". The order is the order of `otelsim --help`.
 *
 * Ownership and threads: constant data, read by any thread. Errors: an
 * unknown command is util/parseopt.h's ("unknown command 'x' (did you
 * mean 'y'?)", exit 2).
 */
#ifndef CLI_COMMANDS_H
#define CLI_COMMANDS_H

#define CLI_COMMANDS(X)                                                                        \
	X(LIST, "list", cmd_list, "otelsim list [--tags A,B] [--category C]",                  \
	  "list the scenarios: name, category, weight, tags, description",                     \
	  "The bundled example_scenario.yaml is a reference and is not listed.\n")             \
	X(VALIDATE, "validate", cmd_validate, "otelsim validate [PATH...]",                    \
	  "check scenario files (and the config and conventions) without rendering",           \
	  "PATH may be files or folders; without one, every scenario of the scenarios\n"       \
	  "folder is checked. Each bad file is reported as file:line:column: message.\n"       \
	  "Exit status 2 when any file is invalid.\n")                                         \
	X(SCENARIO, "scenario", cmd_scenario,                                                  \
	  "otelsim scenario --name NAME [--count N] [options]",                                \
	  "render one scenario into <out>/<category>/<name>/",                                 \
	  "Example: otelsim scenario --name successful_agent_turn --count 100 --out data\n")   \
	X(RUN, "run", cmd_run, "otelsim run [FILE [--send]] [--count N] [--tags A,B] [options]", \
	  "render a weighted mix of scenarios into <out>/mixed/ (or --dataset NAME)",          \
	  "Each trace picks a scenario by workload_weight (weights <= 0 are left out);\n"      \
	  "--tags keeps scenarios having any of the tags; --each-once renders every\n"         \
	  "(tagged) scenario exactly once.\n"                                                  \
	  "With FILE (a scenario file, like a Dreamweaver config), only that file is\n"        \
	  "rendered, into <out>/<name>/; --send streams it live instead, in real time,\n"     \
	  "to --endpoint or else the file's own (a Dreamweaver config's output.endpoint,\n"   \
	  "OTLP/gRPC, batch_size requests per export). 'dreamweaver FILE' is\n"               \
	  "'otelsim run FILE --send'.\n")                                                      \
	X(RENDER, "render", cmd_render, "otelsim render [--category C] [options]",             \
	  "render every scenario into its own dataset (what `make run` does)",                 \
	  "Example: otelsim render --out fixtures\n")                                          \
	X(MERGE, "merge", cmd_merge, "otelsim merge SHARD_DIR... [--out DIR]",                 \
	  "combine the datasets of a run's shards into the single-machine dataset",            \
	  "Give the dataset folder of every shard (--shard K/N) of one run, in any\n"          \
	  "order. Traces, logs and events are concatenated; metrics are summed from\n"        \
	  "the shards' metrics.partial; ground truth and manifest are rebuilt: the\n"         \
	  "result equals the run on one machine byte for byte. Run it in the project\n"     \
	  "(config, conventions, scenarios) the shards were rendered from.\n"               \
	  "Example: otelsim merge part-1/mixed part-2/mixed part-3/mixed --out data\n")     \
	X(SHOW, "show", cmd_show, "otelsim show FILE|DATASET [--trace ID] [--limit N]",        \
	  "print telemetry files as trace trees, metric series and log lines", "")             \
	X(REPORT, "report", cmd_report,                                                        \
	  "otelsim report DATASET|FILE... [--html FILE] [--sample-traces N]",                  \
	  "write one self-contained HTML page that shows a dataset",                           \
	  "Reads what show reads (dataset folders with their manifest.json and\n"              \
	  "ground_truth.json, any OTLP file) and writes one page that opens offline:\n"        \
	  "summary, service graph, traces with waterfalls, latency, metrics, logs and\n"       \
	  "events, ground truth. The same inputs always give the same bytes.\n"                \
	  "Example: otelsim report fixtures/commerce/checkout_flow --html checkout.html\n")    \
	X(LIST_FIXTURES, "list-fixtures", cmd_list_fixtures, "otelsim list-fixtures [DIR]",      \
	  "list the datasets rendered below DIR: signals, counts, time range",                 \
	  "Reads each dataset's manifest.json below DIR (default: --out, else out), as\n"       \
	  "seed 003's list-fixtures does: its folder, the signals it holds, its traces,\n"     \
	  "spans, log records, events and data points, its first and last times.\n"           \
	  "Example: otelsim list-fixtures output/fixtures\n")                                  \
	X(HELP, "help", cmd_help, "otelsim help [COMMAND]",                                    \
	  "this text, or 'help COMMAND' for a command's", "")

/* Each command's index in the table and its bit for the option table. */
enum cli_command_index {
#define CLI_INDEX(id, ...) CMDI_##id,
	CLI_COMMANDS(CLI_INDEX)
#undef CLI_INDEX
		CMDI_COUNT
};

enum cli_command_bit {
#define CLI_BIT(id, ...) CMD_##id = 1u << CMDI_##id,
	CLI_COMMANDS(CLI_BIT)
#undef CLI_BIT
	/* groups, for options many commands take */
	CMD_GEN = CMD_SCENARIO | CMD_RUN | CMD_RENDER, /* render files */
	CMD_SEND = CMD_SCENARIO | CMD_RUN,             /* and --endpoint */
	CMD_LOADS = CMD_LIST | CMD_VALIDATE | CMD_GEN | CMD_MERGE, /* load the project */
	CMD_ALL = 0                                    /* every command */
};

struct cli;
#define CLI_HANDLER(id, name, fn, ...) int fn(struct cli *c);
CLI_COMMANDS(CLI_HANDLER)
#undef CLI_HANDLER

#endif
