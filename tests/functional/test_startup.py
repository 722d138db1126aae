"""Start-up (issue 7: a tiny ELF from process start to exit in <= 4 ms; scripts/bench
`startup` gives the figure, no test times anything). What start-up costs is checked here:
the binary needs no shared library but glibc's (libc and the loader; libm links statically,
as each shared library costs the dynamic loader in every process), few pages of it are
written by the dynamic loader, libslirp is mapped only once a user netdev exists, and the bench's tiny program runs and exits with status 0."""
import os
import subprocess

import pexpect

from conftest import BUILD, HANG_GUARD, ROOT, run

TINY = os.path.join(BUILD, "tests", "bench", "startup", "tiny.elf")


def needed_libraries(binary):
    out = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True,
                         check=True).stdout
    return sorted(line.split("[")[1].rstrip("]") for line in out.splitlines()
                  if "(NEEDED)" in line)


def test_only_glibc_is_loaded_at_start(kestrel):
    # libm.so too cost a dozen page faults per start for lround and sqrt (vfrec7/vfrsqrt7's
    # tables): it links statically now.
    assert needed_libraries(kestrel) == ["ld-linux-x86-64.so.2", "libc.so.6"]


def relocated_pages(binary):
    """The 4 KiB pages of the binary that the dynamic loader writes at every start (a PIE:
    each pointer in initialised data is relocated, and each page it sits on is copied)."""
    out = subprocess.run(["readelf", "-r", "-W", binary], capture_output=True, text=True,
                         check=True).stdout
    return {int(line.split()[0], 16) >> 12 for line in out.splitlines()
            if len(line.split()) > 2 and line.split()[2].startswith("R_X86_64_")}


def is_pie(binary):
    out = subprocess.run(["readelf", "-h", binary], capture_output=True, text=True,
                         check=True).stdout
    return "DYN (" in out


def test_few_pages_are_relocated_at_start(kestrel):
    # 48 pages when the CSR tables were 4096-entry arrays of pointers (their rows spread
    # over 25 pages); 23 with them dense (target/riscv/csr-internal.h). A page fault each.
    # Linked at a fixed address (the Makefile's default; PIE=1 links a PIE) only the GOT's
    # pages are left: 3.
    assert len(relocated_pages(kestrel)) <= (30 if is_pie(kestrel) else 4)


def mapped_libslirp(pid):
    with open(f"/proc/{pid}/maps") as f:
        return "libslirp" in f.read()


def wait_for_prompt_and_check_maps(kestrel, extra):
    """Start a stopped machine (-S) with a monitor on stdio; True when libslirp is mapped."""
    child = pexpect.spawn(kestrel, ["-M", "virt", "-S", "-display", "none", "-serial", "none",
                                    "-monitor", "stdio",
                                    *extra], timeout=HANG_GUARD, encoding="utf-8")
    child.expect(r"\(kestrel\) |\(qemu\) ")
    # The prompt comes when the monitor is created, before the backends; the answer to a
    # command comes from the main loop, after the whole machine (netdevs included) exists.
    child.sendline("info status")
    child.expect("VM status: paused")
    mapped = mapped_libslirp(child.pid)
    child.sendline("quit")
    child.expect(pexpect.EOF)
    child.close()
    return mapped


def test_libslirp_loaded_only_for_a_user_netdev(kestrel):
    assert not wait_for_prompt_and_check_maps(kestrel, [])
    assert wait_for_prompt_and_check_maps(kestrel, ["-netdev", "user,id=n0"])


def test_tiny_bench_program_exits_at_once(kestrel):
    if not os.path.exists(TINY):
        subprocess.run(["make", "-s", "-C", os.path.join(ROOT, "tests", "bench"),
                        f"OUT={os.path.join(BUILD, 'tests', 'bench')}", TINY], check=True)
    proc = run([kestrel, "-M", "virt", "-bios", "none", "-nographic", "-no-reboot", "-kernel",
                TINY])
    assert proc.returncode == 0, proc.stdout + proc.stderr
