#!/bin/sh
# Installs the Debian packages otelsim needs, only those missing; silent when
# everything is present. Usage: tools/deps.sh build|test|lint|bench|fuzz
set -eu
build="libyaml-dev libprotobuf-c-dev protobuf-c-compiler zlib1g-dev libcjson-dev
libcurl4-openssl-dev libzstd-dev libssl-dev libcmocka-dev pkg-config gcc make"
test_pkgs="python3 python3-grpcio python3-protobuf protobuf-compiler g++ chromium locales"
lint="clang-tidy cppcheck clang-format gcovr"
bench_pkgs="time"
fuzz_pkgs="clang"
case "${1:-build}" in
build) want=$build ;;
test) want="$build $test_pkgs" ;;
lint) want="$build $lint" ;;
bench) want="$build $test_pkgs $bench_pkgs" ;;
fuzz) want="$build $fuzz_pkgs" ;;
*) echo "usage: $0 build|test|lint|bench|fuzz" >&2; exit 2 ;;
esac
missing=
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "otelsim needs these Debian packages:$missing" >&2
	echo "install them with: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "installing Debian packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# refresh the package lists only when an install fails without it
if ! apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1; then
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
