#!/usr/bin/env bash
# Compiles a C or C++ program with clang's thread-sanitizer instrumentation, links it
# against cohsim's recording runtime (not the sanitizer's) and records one run:
#   scripts/record.sh PROGRAM.c|.cc|.cpp -o OUT.trace [-D...|-O...]... [-- ARGS...]
# The two steps it runs (docs/recording.md):
#   clang -fsanitize=thread -g -O1 -c PROGRAM.c -o PROGRAM.o
#   clang PROGRAM.o -o PROGRAM -rdynamic -pthread -L BUILD -lcohsim_record -Wl,-rpath,BUILD
#   cohsim record -o OUT.trace -- ./PROGRAM ARGS...
# BUILD is the directory holding cohsim and libcohsim_record.so ($COHSIM_BUILD, default ./build).
set -euo pipefail
usage="usage: scripts/record.sh PROGRAM.c|.cc|.cpp -o OUT.trace [-DNAME=VALUE|-O...]... [-- ARGS...]"
[ $# -ge 1 ] || { echo "record.sh: missing the program's source; $usage" >&2; exit 2; }
src=$1; shift
out=""; flags=(); args=()
while [ $# -gt 0 ]; do
  case $1 in
    -o) [ $# -ge 2 ] || { echo "record.sh: -o needs a file; $usage" >&2; exit 2; }; out=$2; shift 2 ;;
    -D*|-O*|-I*|-std=*) flags+=("$1"); shift ;;
    --) shift; args=("$@"); break ;;
    *) echo "record.sh: unknown argument '$1'; $usage" >&2; exit 2 ;;
  esac
done
[ -n "$out" ] || { echo "record.sh: missing -o OUT.trace; $usage" >&2; exit 2; }
[ -f "$src" ] || { echo "record.sh: $src: no such file" >&2; exit 1; }
build=$(cd "${COHSIM_BUILD:-$(dirname "$0")/../build}" && pwd)
[ -x "$build/cohsim" ] && [ -f "$build/libcohsim_record.so" ] ||
  { echo "record.sh: $build has no cohsim and libcohsim_record.so: build first (cmake --build build)" >&2; exit 1; }
command -v clang >/dev/null || { echo "record.sh: clang not found: apt-get install clang" >&2; exit 1; }
case $src in
  *.c) cc=clang ;;
  *.cc|*.cpp|*.cxx) cc=clang++ ;;
  *) echo "record.sh: $src: expected a .c, .cc or .cpp file" >&2; exit 1 ;;
esac
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
name=$(basename "${src%.*}")
$cc -fsanitize=thread -g -O1 "${flags[@]}" -c "$src" -o "$work/$name.o"
$cc "$work/$name.o" -o "$work/$name" -rdynamic -pthread -L "$build" -lcohsim_record -Wl,-rpath,"$build"
"$build/cohsim" record -o "$out" -- "$work/$name" "${args[@]}"
