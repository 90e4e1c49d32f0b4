# The valgrind test's own rules, with stand-ins for valgrind: one that dies on SIGILL at
# start (as valgrind 3.19 does on some CPUs) must make it skip (77) with valgrind's message;
# one that runs the program but reports a memory error in it must make it fail.
set -u
cutout=$1
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
command -v vips >/dev/null || { echo "SKIP: the vips command is missing (libvips-tools)"; exit 77; }

mkdir -p "$tmp/dies" "$tmp/finds"
cat >"$tmp/dies/valgrind" <<'SH'
#!/bin/sh
echo "==4242== Process terminating with default action of signal 4 (SIGILL)" >&2
echo "==4242==  Illegal opcode at address 0xE531522" >&2
kill -ILL $$
SH
# Runs the program itself (options dropped); reports an invalid read in every matte run.
cat >"$tmp/finds/valgrind" <<'SH'
#!/bin/sh
while [ $# -gt 0 ]; do case $1 in -*) shift ;; *) break ;; esac; done
case " $* " in
  *" matte "*) "$@" >/dev/null 2>&1; echo "==4243== Invalid read of size 4" >&2; exit 99 ;;
esac
exec "$@"
SH
chmod +x "$tmp/dies/valgrind" "$tmp/finds/valgrind"

rc=0
PATH="$tmp/dies:$PATH" bash "$here/valgrind.sh" "$cutout" >"$tmp/out" 2>&1 || rc=$?
cat "$tmp/out"
check "a valgrind that dies on SIGILL: the test is skipped (status $rc)" test "$rc" -eq 77
check "the skip gives valgrind's reason" grep -q 'Illegal opcode' "$tmp/out"

rc=0
PATH="$tmp/finds:$PATH" bash "$here/valgrind.sh" "$cutout" >"$tmp/out" 2>&1 || rc=$?
check "a valgrind that finds an error: the test fails (status $rc)" test "$rc" -eq 1
finish
