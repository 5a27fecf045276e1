/*
 * util/parseopt.h - one command-line parser for both programs (otelsim and
 * otlp-replay), driven by tables of typed options (git's parse-options,
 * fluent-bit's config_map).
 *
 * A program describes each option once, as a row of data: its name, its
 * value type, the field it fills (OPT_AT(struct, field)), the environment
 * variables that give it a default, the commands that take it and its help.
 * opt_parse then reads argv into the program's options struct, and
 * opt_help writes the option part of --help from the same rows, so the
 * parser, the environment and the help cannot drift apart.
 *
 * Adding an option is adding one row (and, for OPT_FUNC, its parse
 * function). Adding a command is adding one row to the program's command
 * table (struct opt_command; otelsim's is src/cli/commands.h).
 *
 * The command line: words are options (--name value, --name=value, flags
 * --name), "--" (every word after it is positional), "-h" (help), "-V"
 * (version) and positional words; with commands, the first positional word
 * is the command and options may come before or after it. Every value is
 * checked only once the command is known ("option '--x' does not apply to
 * 'y'"), in command-line order; then, for each option of that command not
 * given (no option sharing its field was given), its environment variables
 * are tried in order and the first non-empty one applies (flag > environment
 * > whatever the program applies later). Flags read their variable as a
 * boolean: 1/true/yes/on, 0/false/no/off (0 leaves the flag unset).
 *
 * Errors: OTELSIM_EUSAGE in *err, whose message names the flag or the
 * variable ("--count: expected a whole number up to 10^12, got 'abc'",
 * "OTELSIM_COUNT (environment): ..."); an unknown option or command gets a
 * "did you mean" from util/text.h suggest; OTELSIM_ENOMEM when out of
 * memory. With --help or --version anywhere, nothing is applied or checked
 * beyond the option names, so help always shows.
 *
 * Ownership: strings stored by OPT_STR point into argv or the environment
 * (not copied); OPT_LIST and OPT_CSV fields own copies, freed by
 * opt_release. The tables are constant and the parser keeps no state
 * between calls: any thread may parse into its own struct (getenv is read).
 */
#ifndef UTIL_PARSEOPT_H
#define UTIL_PARSEOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "otelsim/error.h"
#include "util/strbuf.h"

/* A field of the options struct, for opt_def.at and opt_def.set (0: none). */
#define OPT_AT(type, field) (offsetof(type, field) + 1)

/* A growable list of owned strings (OPT_LIST, OPT_CSV, OPT_PATHS). */
struct opt_list {
	char **v;
	size_t n;
};

enum opt_type {
	OPT_HELP,     /* sets opt_parsed.help */
	OPT_VERSION,  /* sets opt_parsed.version */
	OPT_TRUE,     /* bool field = true */
	OPT_FALSE,    /* bool field = false */
	OPT_INT_SET,  /* int field = num (the last one given wins) */
	OPT_INT_MAX,  /* int field = num when larger (--show-spans < --show-full-spans) */
	OPT_STR,      /* const char * field = the value */
	OPT_STR_SET,  /* const char * field = text (a flag: --gzip is --compression gzip) */
	OPT_LIST,     /* struct opt_list field += the value (repeatable) */
	OPT_CSV,      /* struct opt_list field += each comma-separated item, trimmed */
	OPT_PATHS,    /* struct opt_list field += each ':'-separated item (as $PATH; empty
			 items skipped; OPTF_PATH checks each) */
	OPT_U64,      /* uint64_t field, min..max (max 0: UINT64_MAX) */
	OPT_UNSIGNED, /* unsigned field, min..max */
	OPT_DOUBLE,   /* double field, a finite number > 0 and <= max (0: 1e12) */
	OPT_CHOICE,   /* int field = the value of the matching choices[] name */
	OPT_FUNC,     /* parse(d, value, target, src, err) */
};

/* Value-independent checks (opt_def.flags). */
enum opt_flags {
	OPTF_NONEMPTY = 1, /* "" is refused (an unset shell variable) */
	OPTF_PATH = 2,     /* must exist: "no such file or folder 'x'" */
	OPTF_COLON = 4,    /* must hold a ':' ("Name: value") */
	/*
	 * The environment variables are read by another module (net/endpoint.c
	 * for the OTEL_EXPORTER_OTLP_* family): shown in --help, not applied.
	 */
	OPTF_ENV_ELSEWHERE = 8,
};

struct opt_choice {
	const char *name;
	int value;
};

struct opt_def;

/*
 * OPT_FUNC's parser. src names where the value came from ("--seed" or
 * "OTELSIM_SEED (environment)"). Returns 0, OPT_BAD for the standard
 * "SRC: expected EXPECT, got 'VALUE'" message, or a negative otelsim code
 * with its own message in *err (which should start with src).
 */
#define OPT_BAD 1
typedef int (*opt_parse_fn)(const struct opt_def *d, const char *value, void *target,
			    const char *src, struct otelsim_error *err);

struct opt_def {
	const char *name;   /* without "--"; NULL: an environment-only row (help only) */
	const char *arg;    /* the value's name in --help (FILE, N); NULL for flags */
	int type;           /* enum opt_type */
	size_t at;          /* OPT_AT of the field it fills (0: none) */
	size_t set;         /* OPT_AT of a bool set true when it is set (0: none) */
	const char *env[4]; /* environment variables, first non-empty wins */
	unsigned cmds;      /* command bits taking it (0: every command) */
	const char *help;   /* NULL: a hidden alias (its option's help names it) */
	const char *expect; /* what a valid value looks like, for messages */
	unsigned flags;     /* enum opt_flags */
	uint64_t min, max;  /* OPT_U64, OPT_UNSIGNED, OPT_DOUBLE (max) */
	int num;            /* OPT_INT_SET, OPT_INT_MAX */
	const char *text;   /* OPT_STR_SET */
	const struct opt_choice *choices; /* OPT_CHOICE, ends with a NULL name */
	opt_parse_fn parse;               /* OPT_FUNC */
	/* the environment does not apply when this option (by name) is set */
	const char *env_not_with;
};

/* A subcommand. Its bit in opt_def.cmds is 1u << its index in the table. */
struct opt_command {
	const char *name;
	const char *usage;   /* "otelsim show FILE|DATASET [--trace ID]" */
	const char *summary; /* one line, for the command list */
	const char *details; /* more paragraphs for its --help ("" or NULL: none) */
};

struct opt_table {
	const char *prog;
	const struct opt_def *opts;
	size_t nopts;
	const struct opt_command *cmds; /* NULL: no subcommands (positional words only) */
	size_t ncmds;
};

#define OPT_MAX_OPTIONS 128

enum opt_source { OPT_UNSET = 0, OPT_FROM_FLAG, OPT_FROM_ENV };

struct opt_parsed {
	int cmd;     /* index into table->cmds, -1: none given */
	char **args; /* positional words after the command (into argv; array owned) */
	size_t nargs;
	bool help, version;
	unsigned char from[OPT_MAX_OPTIONS]; /* enum opt_source, per option row */
};

/*
 * Parse argv[1..argc) into target (a struct the rows' offsets point into;
 * the caller sets its defaults first) and *out. 0, or an error as above
 * (out->cmd is set as far as it is known, for the "Try" line).
 */
int opt_parse(const struct opt_table *t, int argc, char **argv, void *target,
	      struct opt_parsed *out, struct otelsim_error *err);

/* How an option (by name) was set: enum opt_source. */
int opt_source(const struct opt_table *t, const struct opt_parsed *p, const char *name);

/*
 * The options of the commands in cmd_bits (every option when cmd_bits is
 * 0 or the table has no commands), one per line: "  --name ARG" and its
 * help wrapped at 79 columns, then "env: VAR, VAR" under it; rows without a
 * name print their variables and help. -1 when out of memory.
 */
int opt_help(const struct opt_table *t, unsigned cmd_bits, struct strbuf *out);

/* Frees the OPT_LIST/OPT_CSV fields of target and the positional array. */
void opt_release(const struct opt_table *t, void *target, struct opt_parsed *p);

#endif
