#!/usr/bin/env bash
# The shared library exports the calls include/cutout.h declares, and nothing else:
#   symbols.sh LIBCUTOUT_SO CUTOUT_H
# Lists its dynamic symbols (nm -D --defined-only) against the functions the header declares
# (the header preprocessed, so comments do not count) and fails on any symbol exported but
# not declared (a non-ct_ one above all: an internal symbol leaking) or declared but not
# exported.
set -euo pipefail
lib=$1 header=$2
for tool in nm "${CC:-cc}"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: '$tool' not found"; exit 77; }
done
[[ -f $lib && -f $header ]] || { echo "FAIL: missing $lib or $header"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nm -D --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sed 's/@.*//' | LC_ALL=C sort -u \
  >"$tmp/exported"
"${CC:-cc}" -E -P -x c "$header" | grep -oE '\<ct_[A-Za-z0-9_]+[[:space:]]*\(' |
  tr -d '( \t' | LC_ALL=C sort -u >"$tmp/declared"

failures=0
leaked=$(grep -v '^ct_' "$tmp/exported" || true)
undeclared=$(LC_ALL=C comm -23 "$tmp/exported" "$tmp/declared" | grep '^ct_' || true)
missing=$(LC_ALL=C comm -13 "$tmp/exported" "$tmp/declared" || true)
if [[ -n $leaked ]]; then
  echo "FAIL: non-ct_ symbols exported by $lib:"; sed 's/^/  /' <<<"$leaked"; failures=1
fi
if [[ -n $undeclared ]]; then
  echo "FAIL: ct_ symbols exported but not declared in $header:"; sed 's/^/  /' <<<"$undeclared"
  failures=1
fi
if [[ -n $missing ]]; then
  echo "FAIL: declared in $header but not exported:"; sed 's/^/  /' <<<"$missing"; failures=1
fi
echo "$(wc -l <"$tmp/exported") symbols exported, $(wc -l <"$tmp/declared") functions declared"
(( $(wc -l <"$tmp/declared") > 0 )) || { echo "FAIL: no function found in $header"; exit 1; }
exit $failures
