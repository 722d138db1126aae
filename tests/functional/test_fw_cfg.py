"""fw_cfg on the virt board: the registers, DMA and file directory as a bare-metal program
reads them (tests/guest/fw_cfg.c: same answers on Kestrel and QEMU 7.2), -fw_cfg files with
their contents, the kernel handed to flash-1 firmware through fw_cfg, and -fw_cfg's checks."""
import os

import pytest

from conftest import BUILD, run

PROGRAM = os.path.join(BUILD, "tests", "guest", "fw_cfg.elf")
BOARD_FILES = ("file bios-geometry size 0\nfile bootorder size 0\n"
               "file etc/boot-fail-wait size 4\n")


def run_program(binary, *extra):
    assert os.path.exists(PROGRAM), "build/tests/guest/fw_cfg.elf missing: run make guest"
    return run([binary, "-M", "virt", "-bios", "none", "-nographic", "-no-reboot",
                "-kernel", PROGRAM, *extra])


def test_registers_and_directory_match_qemu(kestrel, qemu):
    out = {}
    for name, binary in (("kestrel", kestrel), ("qemu", qemu)):
        proc = run_program(binary, "-smp", "2", "-uuid", "12345678-9abc-def0-1234-56789abcdef0")
        # 8 = the check of FW_CFG_NB_CPUS against 1: both report the 2 harts.
        assert proc.returncode == 8, f"{name}: {proc.stdout[-2000:]}{proc.stderr[-1000:]}"
        assert "got 0x2, expected 0x1" in proc.stdout
        assert "uuid 0x12 0x34 0x56 0x78 0x9a 0xbc 0xde 0xf0 0x12 0x34" in proc.stdout
        out[name] = proc.stdout
    assert out["kestrel"] == out["qemu"]
    proc = run_program(kestrel)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert proc.stdout.startswith("uuid" + " 0x0" * 16 + "\n" + BOARD_FILES)


def test_user_files_are_listed_with_contents(kestrel, tmp_path):
    host_file = tmp_path / "blob.txt"
    host_file.write_text("from-a-host-file")
    proc = run_program(kestrel, "-fw_cfg", "name=opt/kestrel/greeting,string=hello,, world",
                       "-fw_cfg", f"opt/a/blob,file={host_file}")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-1000:]
    # Sorted by name, between the board's own files.
    assert (BOARD_FILES + "file opt/a/blob size 16\ncontent from-a-host-file\n"
            "file opt/kestrel/greeting size 12\ncontent hello, world\n") in proc.stdout


def test_qemu_72_riscv_has_no_fw_cfg_for_the_option(qemu):
    """QEMU 7.2 creates virt's fw_cfg after the options are applied: the reason the test above
    runs on Kestrel only."""
    proc = run_program(qemu, "-fw_cfg", "name=opt/a,string=x")
    assert proc.returncode == 1
    assert "fw_cfg device not available" in proc.stderr


@pytest.mark.parametrize("arg,message", [
    ("name=opt/a", "name, plus exactly one of file, string and gen_id, are needed"),
    ("string=x", "name, plus exactly one of file, string and gen_id, are needed"),
    ("name=opt/a,string=x,file=/etc/hostname",
     "name, plus exactly one of file, string and gen_id, are needed"),
    ("name=opt/" + "a" * 52 + ",string=x", "name too long (max. 55 char)"),
    ("name=opt/a,file=/nonexistent", "can't load /nonexistent: No such file or directory"),
    ("name=opt/a,bogus=1", "Invalid parameter 'bogus'"),
])
def test_bad_options(kestrel, arg, message):
    proc = run_program(kestrel, "-fw_cfg", arg)
    assert proc.returncode == 1
    assert f"-fw_cfg {arg}: {message}" in proc.stderr, proc.stderr


def test_duplicate_and_oversize_files(kestrel, tmp_path):
    proc = run_program(kestrel, "-fw_cfg", "name=opt/a,string=x", "-fw_cfg", "name=opt/a,string=y")
    assert proc.returncode == 1
    assert "duplicate fw_cfg file name: opt/a" in proc.stderr
    huge = tmp_path / "huge"
    with open(huge, "wb") as f:
        f.truncate(4 * 1024 ** 3)  # sparse: never read, refused by its size
    proc = run_program(kestrel, "-fw_cfg", f"name=opt/huge,file={huge}")
    assert proc.returncode == 1
    assert "4294967296 bytes is too large for fw_cfg (at most 4294967295)" in proc.stderr


def test_name_without_opt_prefix_warns(kestrel):
    proc = run_program(kestrel, "-fw_cfg", "name=etc/mine,string=x")
    assert proc.returncode == 0
    assert 'externally provided fw_cfg item names should be prefixed with "opt/"' in proc.stderr
    assert "file etc/mine size 1" in proc.stdout
