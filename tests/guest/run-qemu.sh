#!/bin/sh
# Run every guest test ELF and print pass/fail per test.
#
#   tests/guest/run-qemu.sh [OUT_DIR] [test ...]
#
# By default the reference, qemu-system-riscv64 (7.2), runs the tests; set EMU
# to run another emulator with the same command line, e.g.
#   EMU=build/kestrel-system-riscv64 tests/guest/run-qemu.sh build/guest
# Exit status: 0 when every test passed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/build}
[ $# -gt 0 ] && shift
emu=${EMU:-qemu-system-riscv64}
timeout_s=${TIMEOUT:-20}

make -s -C "$here" OUT="$out" >/dev/null || { echo "build failed"; exit 2; }

if [ $# -gt 0 ]; then tests="$*"; else tests=$(make -s -C "$here" list); fi
pass=0; fail=0; failed=""
for t in $tests; do
    elf="$out/$t.elf"
    log="$out/$t.log"
    timeout "$timeout_s" "$emu" -M virt -bios none -nographic -no-reboot \
        -kernel "$elf" </dev/null >"$log" 2>&1
    rc=$?
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
