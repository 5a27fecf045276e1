# otelsim - see README.md. `make run` renders the bundled scenarios into
# fixtures/, `make test` runs every test. Missing Debian packages are
# installed first (tools/deps.sh: idempotent, silent when all are present).

PREFIX ?= /usr/local
CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := yaml-0.1 libprotobuf-c zlib libcjson libcurl libzstd libcrypto

# Build modes: `make` (developer: warnings are errors),
# `make SANITIZE=address,undefined test`, `make COVERAGE=1 test`.
SANITIZE ?=
COVERAGE ?=
WERROR ?= -Werror
BUILD := build
comma := ,
ifneq ($(SANITIZE),)
BUILD := build/san-$(subst $(comma),-,$(SANITIZE))
endif
# `make fuzz` builds everything again with clang's libFuzzer (and ASan +
# UBSan) into build/libfuzzer (LIBFUZZER=1 below), then tools/fuzz.sh runs
# each target for FUZZ_TIME seconds (FUZZ_TARGETS: some of them).
LIBFUZZER ?=
FUZZ_TIME ?= 60
FUZZ_TARGETS ?=
FUZZ_DRIVER := tests/fuzz/regression_driver.c
FUZZ_LINK :=
ifneq ($(LIBFUZZER),)
BUILD := build/libfuzzer
CC := clang
WERROR :=
SANITIZE := fuzzer-no-link,address,undefined
FUZZ_DRIVER :=
FUZZ_LINK := -fsanitize=fuzzer
endif
ifneq ($(COVERAGE),)
BUILD := build/cov
endif

VERSION := $(shell sed -n 's/^\#define OTELSIM_VERSION "\(.*\)"/\1/p' include/otelsim/version.h)
GEN := $(BUILD)/gen

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wformat=2 \
	-Wno-missing-field-initializers
OPT ?= -O2
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -g $(OPT) -ffp-contract=off -pthread \
	-Iinclude -Isrc -I$(GEN)\
	-DOTELSIM_DATADIR='"$(PREFIX)/share/otelsim"'
ifneq ($(SANITIZE),)
BASE_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif
ifneq ($(COVERAGE),)
BASE_CFLAGS += --coverage -O0
LDFLAGS += --coverage
endif

# pkg-config runs only for targets that compile (not for clean/format)
NEEDS_BUILD := $(filter-out clean format help,$(or $(MAKECMDGOALS),all))
ifneq ($(NEEDS_BUILD),)
DEPS_OK := $(shell tools/deps.sh build >&2 && echo ok)
ifneq ($(DEPS_OK),ok)
$(error missing build dependencies (see above))
endif
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS)) -lm
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka)
endif

CFLAGS ?=
ALL_CFLAGS = $(BASE_CFLAGS) $(PKG_CFLAGS) $(CFLAGS)

PROTOS := $(shell find src/proto -name '*.proto' | sort)
PB_C := $(patsubst src/proto/%.proto,$(GEN)/%.pb-c.c,$(PROTOS))
PB_H := $(PB_C:.c=.h)
PB_O := $(PB_C:.c=.o)

LIB_SRC := $(sort $(wildcard src/util/*.c src/load/*.c src/model/*.c src/engine/*.c \
	src/encode/*.c src/sink/*.c src/read/*.c src/net/*.c src/replay/*.c src/api/*.c \
	src/report/*.c))
LIB_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRC))
# the report page's script, style and body, compiled in (nothing is fetched at run time)
REPORT_ASSETS := src/report/assets/report.html src/report/assets/report.css \
	src/report/assets/report.js
REPORT_ASSETS_O := $(GEN)/report_assets.o
CLI_SRC := $(sort $(wildcard src/cli/*.c))
CLI_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(CLI_SRC))
REPLAY_SRC := $(sort $(wildcard tools/replay/*.c))
REPLAY_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(REPLAY_SRC))
BENCH_SRC := $(sort $(wildcard tools/bench/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
UNIT_HELPERS := $(patsubst %.c,$(BUILD)/obj/%.o,$(sort $(wildcard tests/unit/helper_*.c)))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))

LIB := $(BUILD)/libotelsim.a
OTELSIM := $(BUILD)/otelsim
REPLAY := $(BUILD)/otlp-replay

.PHONY: all run run-mixed run-scenario test unit bench install clean lint format coverage \
	replay help deps-test fuzz fuzz-build
.DEFAULT_GOAL := all
.SECONDARY:

all: $(OTELSIM) $(REPLAY) $(BUILD)/dreamweaver

# seed 004's command: `dreamweaver FILE` is `otelsim run FILE --send`
$(BUILD)/dreamweaver: $(OTELSIM)
	$(Q)ln -sf otelsim $@

help:
	@echo "make run                 render every bundled scenario into fixtures/"
	@echo "make run-mixed [COUNT=n] [SCENARIOS_DIR=dir]"
	@echo "                         a weighted mix of the scenarios into out/mixed/"
	@echo "make run-scenario SCENARIO=name [SCENARIOS_DIR=dir] [OUT=dir]"
	@echo "                         (OUT: fixtures/ for bundled scenarios, else build/fixtures/)"
	@echo "make test                build and run every test"
	@echo "make bench               benchmarks beside the OpenTelemetry JS SDK"
	@echo "make replay ENDPOINT=url [DATASET=dir]"
	@echo "make install PREFIX=dir  make clean  make lint  make format  make coverage"
	@echo "make SANITIZE=address,undefined test [SUITES='unit cli']"
	@echo "make fuzz [FUZZ_TIME=seconds] [FUZZ_TARGETS='load read ...']"
	@echo "                         every fuzz target under libFuzzer, FUZZ_TIME each (60)"

V ?=
Q := $(if $(V),,@)

# ---- generated protobuf-c code (from our .proto files) ----
$(GEN)/%.pb-c.c $(GEN)/%.pb-c.h: src/proto/%.proto
	@mkdir -p $(GEN)
	@$(if $(Q),echo "  PROTOC-C $<")
	$(Q)protoc-c --c_out=$(GEN) -Isrc/proto $<

$(GEN)/%.pb-c.o: $(GEN)/%.pb-c.c $(PB_H)
	@$(if $(Q),echo "  CC $<")
	$(Q)$(CC) $(ALL_CFLAGS) -w -c $< -o $@

# every object may include generated headers
$(BUILD)/obj/%.o: %.c $(PB_H)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(WARN) $(WERROR) -MMD -MP -c $< -o $@

# report_assets.c: each asset as a byte array (od is in coreutils: no extra tool)
$(GEN)/report_assets.c: $(REPORT_ASSETS)
	@mkdir -p $(GEN)
	@$(if $(Q),echo "  EMBED $(REPORT_ASSETS)")
	$(Q){ echo '#include <stddef.h>'; \
	for n in html css js; do \
		echo "extern const unsigned char report_asset_$$n[];"; \
		echo "extern const size_t report_asset_$${n}_len;"; \
		echo "const unsigned char report_asset_$$n[] = {"; \
		od -An -v -tx1 src/report/assets/report.$$n | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
		echo "};"; \
		echo "const size_t report_asset_$${n}_len = sizeof(report_asset_$$n);"; \
	done; } > $@.tmp && mv $@.tmp $@

$(REPORT_ASSETS_O): $(GEN)/report_assets.c
	@$(if $(Q),echo "  CC $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ) $(PB_O) $(REPORT_ASSETS_O)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(OTELSIM): $(CLI_OBJ) $(LIB)
	@$(if $(Q),echo "  LINK $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(CLI_OBJ) $(LIB) $(PKG_LIBS) $(LDFLAGS) -o $@

$(REPLAY): $(REPLAY_OBJ) $(LIB)
	@$(if $(Q),echo "  LINK $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(REPLAY_OBJ) $(LIB) $(PKG_LIBS) $(LDFLAGS) -o $@

# the fault-injection test counts (and fails) the library's allocations
$(BUILD)/tests/test_faults: TEST_WRAP := \
	-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=strdup,--wrap=strndup
$(BUILD)/tests/%: tests/unit/%.c $(LIB) $(UNIT_HELPERS) $(PB_H)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(WARN) $(WERROR) -Wno-missing-prototypes -Itests/unit $< \
		$(UNIT_HELPERS) $(LIB) $(PKG_LIBS) $(CMOCKA_LIBS) $(LDFLAGS) $(TEST_WRAP) -o $@

# the replay tests' sender driver (tests/receiver/run.sh)
SEND_DRIVER := $(BUILD)/tests/send_driver
$(SEND_DRIVER): tests/receiver/send_driver.c $(LIB) $(PB_H)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(WARN) $(WERROR) $< $(LIB) $(PKG_LIBS) $(LDFLAGS) -o $@

$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_DRIVER) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(WARN) $(WERROR) -Wno-missing-prototypes $< \
		$(FUZZ_DRIVER) $(LIB) $(PKG_LIBS) $(LDFLAGS) $(FUZZ_LINK) -o $@

$(BUILD)/bench/%: tools/bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(WARN) $(WERROR) $< $(LIB) $(PKG_LIBS) $(LDFLAGS) -o $@

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# ---- the main jobs ----
SCENARIOS_DIR ?=
SCEN_FLAG = $(if $(SCENARIOS_DIR),--scenarios-dir $(SCENARIOS_DIR))
# fixtures/ holds the bundled scenarios' golden files (the tests compare it):
# scenarios from another folder render beside the build unless OUT says where
# (only from the command line: an OUT left in the environment is ignored)
ifneq ($(origin OUT),command line)
OUT := $(if $(SCENARIOS_DIR),$(BUILD)/fixtures,fixtures)
endif

run: all
	$(OTELSIM) render --out $(OUT) $(SCEN_FLAG)
	$(if $(SCENARIOS_DIR),,$(OTELSIM) render --category agentic --format otlp-json --out $(OUT)/otlp-json)
	$(if $(SCENARIOS_DIR),,$(OTELSIM) render --format ndjson --out $(OUT)/ndjson)

# the earlier simulators' `make run`: a weighted mixed workload (not fixtures)
# (COUNT only from the command line: one left in the environment is ignored)
run-mixed: all
	$(OTELSIM) run --out out $(if $(filter command line,$(origin COUNT)),--count $(COUNT)) $(SCEN_FLAG)

run-scenario: all
	@test -n "$(SCENARIO)" || { echo "usage: make run-scenario SCENARIO=name [SCENARIOS_DIR=dir] [OUT=dir]" >&2; exit 2; }
	$(OTELSIM) scenario --name $(SCENARIO) --out $(OUT) $(SCEN_FLAG)

deps-test:
	@tools/deps.sh test

# SUITES: only these (tests/run.sh's names: unit cli golden ...); default all
SUITES ?=
test: all deps-test $(UNIT_BIN) $(FUZZ_BIN) $(SEND_DRIVER)
	@BUILD=$(BUILD) TEST_LDFLAGS="$(strip $(LDFLAGS))" tests/run.sh $(SUITES)

# libFuzzer: the library and targets built by clang (tools/deps.sh fuzz installs it)
fuzz:
	@tools/deps.sh fuzz
	@$(MAKE) --no-print-directory LIBFUZZER=1 fuzz-build
	@BUILD=build/libfuzzer FUZZ_TIME=$(FUZZ_TIME) tools/fuzz.sh $(FUZZ_TARGETS)

fuzz-build: $(FUZZ_BIN)

unit: $(UNIT_BIN)
	@BUILD=$(BUILD) tests/run.sh unit

ENDPOINT ?=
DATASET ?= fixtures
replay: all
	@test -n "$(ENDPOINT)" || { echo "usage: make replay ENDPOINT=http://host:4318 [DATASET=dir]" >&2; exit 2; }
	$(REPLAY) --endpoint $(ENDPOINT) $(DATASET)

bench: all
	@tools/deps.sh bench
	@BUILD=$(BUILD) tools/bench/bench.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/otelsim \
		$(DESTDIR)$(PREFIX)/share/otelsim
	install -m 755 $(OTELSIM) $(REPLAY) $(DESTDIR)$(PREFIX)/bin/
	ln -sf otelsim $(DESTDIR)$(PREFIX)/bin/telemetry-simulator
	ln -sf otelsim $(DESTDIR)$(PREFIX)/bin/dreamweaver
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/
	install -m 644 include/otelsim/*.h $(DESTDIR)$(PREFIX)/include/otelsim/
	cp -R config conventions scenarios $(DESTDIR)$(PREFIX)/share/otelsim/
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig
	printf '%s\n' 'prefix=$${pcfiledir}/../..' 'libdir=$${prefix}/lib' 'includedir=$${prefix}/include' '' \
		'Name: otelsim' 'Description: deterministic OpenTelemetry telemetry files from YAML scenarios' \
		'Version: $(VERSION)' 'Requires: $(PKGS)' 'Libs: -L$${libdir} -lotelsim -lm -lpthread' \
		'Cflags: -I$${includedir}' > $(DESTDIR)$(PREFIX)/lib/pkgconfig/otelsim.pc

clean:
	rm -rf build

space := $(subst ,, )
TIDY_CHECKS := -*,clang-analyzer-*,-clang-analyzer-security.insecureAPI.*,bugprone-*,\
	-bugprone-easily-swappable-parameters,-bugprone-narrowing-conversions,\
	-bugprone-reserved-identifier,-bugprone-assignment-in-if-condition,\
	-bugprone-suspicious-string-compare,-bugprone-implicit-widening-of-multiplication-result,\
	-bugprone-branch-clone,-clang-analyzer-optin.performance.Padding,performance-*,\
	-performance-no-int-to-ptr,portability-*
lint:
	@tools/deps.sh lint
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
		--inline-suppr --suppress=missingIncludeSystem -Iinclude -Isrc -I$(GEN) \
		--std=c11 src tools/replay
	@# one file per clang-tidy run, in parallel (clang-tidy 14 reports false
	@# va_list findings when it is given many files at once)
	@echo "  CLANG-TIDY src/ tools/replay/"
	@printf '%s\n' $(LIB_SRC) $(CLI_SRC) $(REPLAY_SRC) | xargs -P $$(nproc) -I{} \
		clang-tidy --quiet --checks='$(subst $(space),,$(TIDY_CHECKS))' --warnings-as-errors='*' \
		{} -- $(ALL_CFLAGS) 2>/dev/null

format:
	clang-format --style=file:tools/clang-format.yaml -i \
		$$(find src include tools tests -name '*.[ch]' -not -path '*/gen/*')

coverage:
	@# counters of an earlier run (or of objects since rebuilt) would mix in
	@find build/cov -name '*.gcda' -delete 2>/dev/null || true
	$(MAKE) COVERAGE=1 test
	gcovr --root . --filter src/ --filter tools/ build/cov/obj --print-summary \
		--html-details build/cov/coverage.html
	@echo "report: build/cov/coverage.html"
