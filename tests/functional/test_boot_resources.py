"""What a Linux boot costs the host besides time (issue 7, goal 3: at most half QEMU's peak RSS;
`scripts/bench boot` gives the figures, no test times anything): one boot to the init marker,
then the process's memory map is read."""
import os
import re

import pexpect

from conftest import HANG_GUARD


def mapping_rss_kib(pid, name):
    """{permissions: Rss in KiB} of the mappings of pid whose path contains name."""
    found, perms = {}, None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            head = re.match(r"^[0-9a-f]+-[0-9a-f]+ (\S+) \S+ \S+ \S+\s*(.*)$", line)
            if head:
                perms = head.group(1) if name in head.group(2) else None
            elif perms and line.startswith("Rss:"):
                found[perms] = found.get(perms, 0) + int(line.split()[1])
    return found


def test_jit_code_is_counted_once_in_rss(kestrel, linux_images):
    child = pexpect.spawn(kestrel, ["-M", "virt", "-m", "512", "-nographic", "-kernel",
                                    os.path.join(linux_images, "Image"), "-initrd",
                                    os.path.join(linux_images, "rootfs.cpio.gz"), "-append",
                                    "console=ttyS0"], timeout=HANG_GUARD, encoding="utf-8",
                          codec_errors="replace")
    child.expect("KESTREL-BOOT-OK")
    views = mapping_rss_kib(child.pid, "kestrel-jit")
    child.sendline("poweroff")
    child.expect(pexpect.EOF)
    child.close()
    # The code arena is one memfd mapped twice (W^X): the execute view holds the boot's code
    # (~14 MiB); the write view keeps only the pages being filled or patched since its last
    # drop (~0.3 MiB), where it held all of them before.
    assert views.get("r-xs", 0) > 4096, views
    assert views.get("rw-s", 0) * 4 < views["r-xs"], views
    assert child.exitstatus == 0
