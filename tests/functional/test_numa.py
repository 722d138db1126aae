"""Memory backends and -numa on the virt board (issue 12): the device tree QEMU 7.2 dumps for
the same command line (memory per node, numa-node-id on cpus, CLINTs and PLICs, one cpu-map
cluster per node, the distance map), its error messages for bad configurations, and a Linux
guest booting with its RAM split across two nodes' backends."""
import re
import subprocess

import pytest

from conftest import run, smp_firmware
from test_linux import boot, poweroff, sh

NUMA_ARGS = ["-smp", "4", "-m", "256M",
             "-object", "memory-backend-ram,id=m0,size=128M",
             "-object", "memory-backend-memfd,id=m1,size=128M",
             "-numa", "node,memdev=m0,cpus=0-1", "-numa", "node,memdev=m1,cpus=2-3",
             "-numa", "dist,src=0,dst=1,val=15"]

# Nodes QEMU has and Kestrel does not model (fw_cfg, flash, PMU and platform bus are other
# issues' work), and properties that differ for known reasons: Kestrel's harts have no H
# extension; rng-seed is random.
QEMU_ONLY_NODES = ("/pmu", "/platform-bus@")
IGNORED_PROPS = ("riscv,isa", "rng-seed")


def dts_nodes(binary, tmp_path, args):
    """{node path: {property: value}} of the device tree binary dumps for args."""
    dtb = tmp_path / "out.dtb"
    proc = run([binary, "-M", f"virt,dumpdtb={dtb}", "-display", "none", *args])
    assert dtb.exists(), proc.stderr
    dts = subprocess.run(["dtc", "-I", "dtb", "-O", "dts", str(dtb)], capture_output=True,
                         text=True, check=True).stdout
    nodes, path = {}, []
    for line in dts.splitlines():
        line = line.strip()
        if line.endswith("{"):
            path.append(line[:-1].strip())
            nodes["/".join(path[1:])] = {}
        elif line == "};":
            path.pop()
        elif line.endswith(";") and path:
            name, _, value = line[:-1].partition(" = ")
            if name not in IGNORED_PROPS:
                nodes["/".join(path[1:])][name] = value
    dtb.unlink()
    return nodes


def test_numa_fdt_matches_qemu(kestrel, qemu, tmp_path):
    ours = dts_nodes(kestrel, tmp_path, NUMA_ARGS)
    theirs = {p: v for p, v in dts_nodes(qemu, tmp_path, NUMA_ARGS).items()
              if not ("/" + p).startswith(QEMU_ONLY_NODES)}
    assert ours == theirs
    # What the comparison covers, so a tree without NUMA cannot pass it by accident.
    assert ours["memory@88000000"]["numa-node-id"] == "<0x01>"
    assert ours["cpus/cpu@2"]["numa-node-id"] == "<0x01>"
    assert "cpus/cpu-map/cluster1/core1" in ours
    assert ours["soc/plic@c600000"]["numa-node-id"] == "<0x01>"
    assert ours["soc/clint@2010000"]["numa-node-id"] == "<0x01>"
    assert "0x01 0x00 0x0f" in ours["distance-map"]["distance-matrix"]


@pytest.mark.parametrize("args", [
    ["-smp", "2", "-numa", "node,cpus=5"],
    ["-smp", "2", "-numa", "node,nodeid=0", "-numa", "node,nodeid=0"],
    ["-smp", "2", "-numa", "node,nodeid=1"],
    ["-smp", "2", "-numa", "node", "-numa", "dist,src=0,dst=1,val=20"],
    ["-smp", "2", "-numa", "node,bogus=1"],
    ["-smp", "2", "-numa", "foo"],
    ["-m", "256M", "-object", "memory-backend-ram,id=a,size=64M", "-numa", "node,memdev=a"],
    ["-smp", "2", "-object", "memory-backend-ram,id=a,size=64M", "-numa", "node,memdev=a",
     "-numa", "node,memdev=a"],
    ["-object", "memory-backend-ram,id=a,size=64M", "-M", "memory-backend=a",
     "-numa", "node,memdev=a"],
    ["-m", "256M", "-object", "memory-backend-ram,id=a,size=64M", "-M", "memory-backend=a"],
    ["-M", "memory-backend=nosuch"],
    ["-smp", "4", "-m", "128M", "-object", "memory-backend-ram,id=a,size=64M",
     "-object", "memory-backend-ram,id=b,size=64M", "-numa", "node,memdev=a,cpus=0,cpus=2",
     "-numa", "node,memdev=b,cpus=1,cpus=3"],
])
def test_numa_errors_as_qemu(kestrel, qemu, args):
    def message(binary):
        proc = run([binary, "-M", "virt", "-display", "none", *args])
        assert proc.returncode == 1, proc.stderr
        lines = [l for l in proc.stderr.splitlines() if "module" not in l]
        return re.sub(r"^[^:]*: ", "", lines[-1])
    assert message(kestrel) == message(qemu)


def test_linux_on_two_memdev_nodes(kestrel, linux_images):
    extra = NUMA_ARGS[4:] + ["-smp", "4", "-m", "256M", *smp_firmware(),
                             "-device", "virtio-rng-device"]
    child = boot(kestrel, linux_images, extra=extra)
    total_kb = int(re.search(r"MemTotal:\s+(\d+)", sh(child, "cat /proc/meminfo")).group(1))
    assert total_kb > 200 * 1024  # both nodes' RAM is usable
    assert sh(child, "grep -c processor /proc/cpuinfo").strip() == "4"
    # virtio-mmio interrupts on the second socket's PLIC: delivered to its harts.
    assert "virtio0" in sh(child, "cat /proc/interrupts")
    assert sh(child, "dd if=/dev/hwrng bs=16 count=1 2>/dev/null | wc -c").strip() == "16"
    assert poweroff(child) == 0
