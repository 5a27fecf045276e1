#!/bin/sh
# `make install` into a temporary prefix, moved elsewhere afterwards (the
# install is relocatable), then a user's C and C++ programs built with
# pkg-config alone against it. Prints TAP. TEST_LDFLAGS (from make test)
# adds what an instrumented build's library needs (-fsanitize, --coverage).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/otelsim-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); echo "not ok $n - $1"; sed 's/^/# /' "$tmp/log" | head -n 20; }

if make -s install PREFIX="$tmp/p" BUILD="$BUILD" >"$tmp/log" 2>&1 && mv "$tmp/p" "$tmp/moved"; then
	ok "make install into a prefix, then moved"
else
	bad "make install into a prefix, then moved"
fi
if "$tmp/moved/bin/telemetry-simulator" list >"$tmp/log" 2>&1 && grep -q '^successful_agent_turn ' "$tmp/log" &&
	"$tmp/moved/bin/telemetry-simulator" run --count 5 --out "$tmp/ts" --quiet >"$tmp/log" 2>&1 &&
	[ -s "$tmp/ts/mixed/traces.binpb" ]; then
	ok "telemetry-simulator is otelsim under the earlier simulator's name, with the bundled data"
else
	bad "telemetry-simulator is otelsim under the earlier simulator's name, with the bundled data"
fi
# dreamweaver FILE is otelsim run FILE --send: a config's error comes under its name
printf 'seed: x\ntemplates: {}\nservices: []\nworkload: {rate: 1/s, duration: 1s}\noutput: {endpoint: "127.0.0.1:1"}\n' >"$tmp/dw.yaml"
"$tmp/moved/bin/dreamweaver" "$tmp/dw.yaml" >"$tmp/log" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && grep -qx "$tmp/dw.yaml:3:11: no entry point: at least one service must be called by no other" "$tmp/log" &&
	"$tmp/moved/bin/dreamweaver" --help 2>&1 | grep -q '^usage: otelsim run \[FILE \[--send\]\]'; then
	ok "dreamweaver is installed: otelsim run FILE --send, seed 004's command"
else
	bad "dreamweaver is installed: otelsim run FILE --send, seed 004's command"
fi
export PKG_CONFIG_PATH="$tmp/moved/lib/pkgconfig"
pc=$(pkg-config --cflags --libs otelsim 2>"$tmp/log")
case "$pc" in
*"$tmp/moved/"*) ok "pkg-config points into the moved prefix" ;;
*) echo "$pc" >>"$tmp/log"; bad "pkg-config points into the moved prefix" ;;
esac
# shellcheck disable=SC2086 # pkg-config's words
if gcc -std=c11 -Wall -Wextra -Werror tests/install/user.c -o "$tmp/user" $pc ${TEST_LDFLAGS:-} >"$tmp/log" 2>&1 &&
	"$tmp/user" "$tmp/moved/share/otelsim" "$tmp/out" >"$tmp/out.txt" 2>>"$tmp/log" &&
	grep -qx 'records [1-9][0-9]* spans [1-9][0-9]* traces [1-9][0-9]* metrics [1-9][0-9]* logs [1-9][0-9]* events [1-9][0-9]* files OK' "$tmp/out.txt" &&
	(for s in traces metrics logs events; do [ -s "$tmp/out/commerce/checkout_flow/$s.binpb" ] || exit 1; done); then
	ok "a C program built with pkg-config receives every signal through the callback, and a file of each"
else
	cat "$tmp/out.txt" >>"$tmp/log" 2>/dev/null
	bad "a C program built with pkg-config receives every signal through the callback, and a file of each"
fi
if ! command -v g++ >/dev/null; then
	: >"$tmp/log"
	bad "the header compiles as C++: no g++ on this machine (tools/deps.sh test installs it)"
elif g++ -std=c++17 -Wall -Wextra -Werror tests/install/user.cpp -o "$tmp/userxx" $pc ${TEST_LDFLAGS:-} >"$tmp/log" 2>&1 &&
	"$tmp/userxx" "$tmp/moved/share/otelsim" >"$tmp/outxx.txt" 2>>"$tmp/log" &&
	grep -qx 'cancelled: interrupted' "$tmp/outxx.txt"; then
	ok "the header compiles as C++ (-Wextra -Werror); a std::atomic<int> cancels a render"
else
	cat "$tmp/outxx.txt" >>"$tmp/log" 2>/dev/null
	bad "the header compiles as C++ (-Wextra -Werror); a std::atomic<int> cancels a render"
fi
echo "1..$n"
