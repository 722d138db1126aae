#!/bin/sh
# Run every guest test ELF and print pass/fail per test.
#
#   tests/guest/run-qemu.sh [OUT_DIR] [test ...]
#
# By default the reference, qemu-system-riscv64 (7.2), runs the tests; set EMU
# to run another emulator with the same command line, e.g.
#   EMU=build/kestrel-system-riscv64 tests/guest/run-qemu.sh build/guest
# EMU_ARGS adds options, TIMEOUT sets the per-test limit in seconds (20).
# Each test's console output is kept in OUT_DIR/<test>.log.
# Exit status: 0 when every test passed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/build}
[ $# -gt 0 ] && shift
mkdir -p "$out" && out=$(cd "$out" && pwd)
emu=${EMU:-qemu-system-riscv64}
emu_args=${EMU_ARGS:-}
timeout_s=${TIMEOUT:-20}

make -s -C "$here" OUT="$out" >/dev/null || { echo "build failed"; exit 2; }

if [ $# -gt 0 ]; then tests="$*"; else tests=$(make -s -C "$here" list); fi
pass=0; fail=0; failed=""
for t in $tests; do
    elf="$out/$t.elf"
    log="$out/$t.log"
    # shellcheck disable=SC2086 # EMU_ARGS is a list of options
    timeout "$timeout_s" "$emu" -M virt -bios none -nographic -no-reboot \
        $emu_args -kernel "$elf" </dev/null >"$log" 2>&1
    rc=$?
    # a pass is exit status 0 *and* the library's PASS line on the console
    if [ $rc -eq 0 ] && ! grep -q '^PASS' "$log"; then rc=255; fi
    if [ $rc -eq 0 ]; then
        printf 'PASS  %s\n' "$t"; pass=$((pass + 1))
    else
        if [ $rc -eq 124 ]; then why="timeout"; else why="exit $rc"; fi
        printf 'FAIL  %s (%s)\n' "$t" "$why"
        sed 's/^/      | /' "$log" | tr -d '\r' | tail -n 5
        fail=$((fail + 1)); failed="$failed $t"
    fi
done
echo "$pass passed, $fail failed${failed:+:$failed}"
[ $fail -eq 0 ]
