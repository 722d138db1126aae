"""Build a generated vector test program and compare its output on QEMU and Kestrel.

Used by tests/functional/test_vector.py (the short fixed-seed form in make check) and, as a
script, by `make test-vector-long` (many seeds, VLEN 128/256/512, both execution engines):

    python3 tests/guest/vgen/vcompare.py KESTREL [--seeds 1-50] [--cases 3000]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vgen  # noqa: E402

CROSS = next((p for p in ("riscv64-unknown-elf-", "riscv64-linux-gnu-")
              if shutil.which(p + "gcc")), None)
QEMU = shutil.which("qemu-system-riscv64")
HANG_GUARD = 300


def build(src, elf):
    """Assemble and link src (a path) for -bios none at 0x80000000, with V."""
    assert CROSS, "no riscv64 cross gcc: run scripts/setup"
    subprocess.run([CROSS + "gcc", "-march=rv64gcv", "-mabi=lp64d", "-nostdlib", "-static",
                    "-Wl,-N", "-Wl,--no-relax", "-Wl,-Ttext=0x80000000",
                    "-Wl,--no-warn-rwx-segments", "-Wl,--build-id=none", "-o", elf, src],
                   check=True, capture_output=True, text=True)
    return elf


def run(emulator, elf, cpu, *extra):
    """The lines a program prints, bare-metal on virt (128 MiB); it must exit through the
    test device with status 0."""
    proc = subprocess.run([emulator, "-M", "virt", "-m", "128M", "-cpu", cpu, "-bios", "none",
                           "-nographic", *extra, "-kernel", elf], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=HANG_GUARD)
    assert proc.returncode == 0, f"{emulator} -cpu {cpu} {extra}: {proc.stderr}"
    return proc.stdout.splitlines()


def mismatches(src_text, ref, got, limit=10):
    """Describe the cases whose lines differ (by the instruction each case ran)."""
    texts = dict(re.findall(r"^# case (\d+): (.*)$", src_text, re.M))
    out = []
    for i in range(max(len(ref), len(got))):
        a = ref[i] if i < len(ref) else "<missing>"
        b = got[i] if i < len(got) else "<missing>"
        if a != b:
            out.append(f"case {i} `{texts.get(str(i), '?')}`:\n  qemu    {a}\n  kestrel {b}")
            if len(out) == limit:
                break
    return out


def compare(kestrel, workdir, seed, cases, vlen, engines=("jit=on", "jit=off"), only=None):
    """Generate, build and run one program; the list of mismatches (empty when all agree)."""
    src = os.path.join(workdir, f"v{seed}_{vlen}.S")
    text = vgen.generate(seed, cases, vlen, only)
    with open(src, "w") as f:
        f.write(text)
    elf = build(src, src[:-2] + ".elf")
    cpu = f"rv64,v=true,vlen={vlen}"
    ref = run(QEMU, elf, cpu)
    assert len(ref) == cases, f"QEMU printed {len(ref)} of {cases} cases"
    bad = []
    for engine in engines:
        got = run(kestrel, elf, cpu, "-accel", f"tcg,{engine}")
        bad += [f"[seed {seed} vlen {vlen} {engine}] {m}" for m in mismatches(text, ref, got)]
    return bad


def seeds(spec):
    lo, _, hi = spec.partition("-")
    return range(int(lo), int(hi or lo) + 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kestrel")
    ap.add_argument("--seeds", default="1-40")
    ap.add_argument("--cases", type=int, default=3000)
    ap.add_argument("--vlen", default="128,256,512")
    ap.add_argument("--workdir", default="build/vgen")
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    bad, runs = [], 0
    for seed in seeds(a.seeds):
        for vlen in map(int, a.vlen.split(",")):
            bad += compare(a.kestrel, a.workdir, seed, a.cases, vlen)
            runs += 1
    print("\n".join(bad))
    print(f"{runs} programs of {a.cases} cases: {len(bad)} mismatches")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
