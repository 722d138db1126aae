# Kestrel build. `make` builds build/kestrel; `make check` runs all tests;
# `make bench` compares speed with qemu-system-riscv64.
# Sources are picked up by directory, so adding a file needs no edit here.

CC ?= gcc
BUILD := build
PKGS := libfdt
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu17 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
          -D_GNU_SOURCE -Iinclude -MMD -MP -pthread
# Start-up time (issue 7: a tiny ELF from exec to exit in <= 4 ms): every shared library
# costs the dynamic loader mapping and relocating it in each process (3 ms of CPU for these on
# the bench host), so the helper libraries link statically (their -dev packages ship the
# archives) and libslirp, which pulls glib, is loaded only for a user netdev
# (include/net/slirp-lib.h). Linked from these: libfdt (device trees); zlib (compressed qcow2
# clusters, block/qcow2-cluster.c, and gzip -kernel images, system/loader.c); json-c (QMP,
# monitor/qmp.c); libseccomp (-sandbox, system/sandbox.c); nettle (DES for VNC
# authentication, ui/vnc-auth.c); libm (lround and sqrt for the vector estimate tables,
# target/riscv/vector-fp-est.c: as a shared library it cost 12 of the tiny ELF's 188 page faults;
# a libm function glibc selects by CPU with an ifunc (sin, exp, fma...) does not link from
# libm.a into a PIE, "undefined reference to _dl_x86_cpu_features": then move -lm after
# -Wl,-Bdynamic again).
LDLIBS := -Wl,-Bstatic -lfdt -lz -ljson-c -lseccomp -lnettle -lm -Wl,-Bdynamic -pthread
# The sanitizer and fuzzer runtimes call libm functions that glibc picks by ifunc (log): there
# libm stays a shared library (those builds are not timed).
ifneq ($(filter build-asan build-tsan build-fuzz,$(BUILD)),)
LDLIBS := $(filter-out -lm,$(LDLIBS)) -lm
endif
# Start-up again: as a PIE, the binary's 4,400 relative relocations make the dynamic loader
# write a pointer into 20 pages of .data.rel.ro and .data in every process (copy-on-write
# faults, each 10-40 us on the bench host). Linked at a fixed address those pages are only
# read from the file as they are used: the tiny ELF 186 -> 166 page faults and 8.0 -> 7.4 ms
# of CPU, `--version` 5.3 -> 4.2 ms (medians of 60-80 alternate runs, load 4.8). What it
# costs: the binary's own text
# and data are not randomized (libraries, heap, stacks and mmaps still are). `make PIE=1`
# links the emulators as PIEs; the sanitizer and fuzzer builds always do.
ifeq ($(PIE)$(filter build-asan build-tsan build-fuzz,$(BUILD)),)
EXE_LDFLAGS := -no-pie
endif
JSON_CFLAGS := $(shell pkg-config --cflags json-c)
# User networking (net/slirp.c): libslirp's headers (they include glib's), no link flags.
SLIRP_CFLAGS := $(shell pkg-config --cflags slirp)
# -display sdl (ui/sdl2*.c): libsdl2's headers; the library is loaded when a window is
# asked for (ui/sdl2-lib.h: it pulls some fifty libraries into a process).
SDL_CFLAGS := $(shell pkg-config --cflags sdl2)

SRC_DIRS := system qom disas util backends semihosting hw/core hw/riscv hw/char hw/intc hw/misc hw/rtc \
            hw/pci hw/pci-host hw/nvram hw/block fsdev hw/9pfs hw/smbios \
            target/riscv accel accel/tcg accel/kvm chardev gdbstub monitor net hw/virtio block migration \
            target/i386 hw/i386 hw/timer hw/isa hw/input ui hw/display hw/usb hw/acpi hw/ide hw/net
SRCS := $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c))
OBJS := $(SRCS:%.c=$(BUILD)/%.o)

# One binary per target (DESIGN.md "Targets"), as QEMU's per-target builds: each links the
# framework objects (every file not named below, built once) plus its target's CPU, boards
# and the devices only its boards use (QEMU's Kconfig selection, written as name patterns so
# a new file in a listed place needs no edit). system/target-info.h is the one seam: the
# framework asks target_info(), which each target's target-info.c defines.
RISCV_SRCS := $(wildcard target/riscv/*.c hw/riscv/*.c disas/riscv*.c hw/intc/riscv_*.c \
                hw/intc/sifive_*.c hw/misc/sifive_*.c hw/rtc/goldfish_*.c)
X86_SRCS := $(wildcard target/i386/*.c hw/i386/*.c hw/intc/i8259*.c hw/intc/apic*.c hw/intc/ioapic*.c \
              hw/timer/hpet*.c hw/acpi/ich9*.c hw/rtc/mc146818*.c \
              hw/timer/i8254*.c hw/char/debugcon*.c hw/isa/*.c hw/pci-host/q35*.c \
              hw/input/pckbd*.c)
COMMON_OBJS := $(filter-out $(RISCV_SRCS:%.c=$(BUILD)/%.o) $(X86_SRCS:%.c=$(BUILD)/%.o),$(OBJS))
RISCV_OBJS := $(COMMON_OBJS) $(RISCV_SRCS:%.c=$(BUILD)/%.o)
X86_OBJS := $(COMMON_OBJS) $(X86_SRCS:%.c=$(BUILD)/%.o)
# Everything but main(): linked into every unit test (the RISC-V set; test-x86-* the x86 one).
LIB_OBJS := $(filter-out $(BUILD)/system/main.o,$(RISCV_OBJS))
X86_LIB_OBJS := $(filter-out $(BUILD)/system/main.o,$(X86_OBJS))

UNIT_SRCS := $(wildcard tests/unit/test-*.c)
UNIT_BINS := $(UNIT_SRCS:%.c=$(BUILD)/%)
X86_UNIT_BINS := $(filter $(BUILD)/tests/unit/test-x86-%,$(UNIT_BINS))

.PHONY: all check unit unit-bins guest bench clean format format-check run images soak soak-smp fuzz-jit fuzz-jit-x86 \
        test-vector-long
all: $(BUILD)/kestrel $(BUILD)/kestrel-x86_64

# `make V=1` shows the full commands.
Q := $(if $(V),,@)

$(BUILD)/kestrel: $(RISCV_OBJS)
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) $(EXE_LDFLAGS) -o $@ $(RISCV_OBJS) $(LDLIBS)

$(BUILD)/kestrel-x86_64: $(X86_OBJS)
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) $(EXE_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/net/%.o: CFLAGS += $(SLIRP_CFLAGS)
$(BUILD)/monitor/%.o: CFLAGS += $(JSON_CFLAGS)
$(BUILD)/ui/sdl2%.o: CFLAGS += $(SDL_CFLAGS)

# The FPU relies on host rounding modes: forbid constant folding across fenv changes.
$(patsubst %.c,$(BUILD)/%.o,$(wildcard target/riscv/fpu*.c)): CFLAGS += -frounding-math

# The objects depend on the compiler flags they were built with: a tree built before a change
# of CFLAGS (or of PIE, whose objects differ) is rebuilt once. The stamp is written while the
# Makefile is read, not by a rule: a rule's recipe would see the CFLAGS of whichever object
# asked for it first (target-specific additions are inherited by prerequisites).
CFLAGS_STAMP := $(BUILD)/.cflags
ifneq ($(file < $(CFLAGS_STAMP)),$(CC) $(CFLAGS))
$(shell mkdir -p $(BUILD))
$(file > $(CFLAGS_STAMP),$(CC) $(CFLAGS))
endif

$(BUILD)/%.o: %.c $(CFLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/unit/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS) -lcmocka

$(X86_UNIT_BINS): $(BUILD)/tests/unit/%: tests/unit/%.c $(X86_LIB_OBJS)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(X86_LIB_OBJS) $(LDLIBS) -lcmocka

# Differential test of the two engines (tests/difftest); it runs with the unit tests. Each
# file is its own object (the generic rule), so its .d names every header it includes.
DIFFTEST_SRCS := $(wildcard tests/difftest/*.c)
DIFFTEST_OBJS := $(DIFFTEST_SRCS:%.c=$(BUILD)/%.o)
DIFFTEST_BIN := $(BUILD)/tests/unit/test-difftest
$(DIFFTEST_BIN): $(DIFFTEST_OBJS) $(LIB_OBJS)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $(DIFFTEST_OBJS) $(LIB_OBJS) $(LDLIBS) -lcmocka

# Differential test of the x86 engines and the host (tests/difftest-x86); with the unit tests.
DIFFTEST_X86_SRCS := $(wildcard tests/difftest-x86/*.c)
DIFFTEST_X86_OBJS := $(DIFFTEST_X86_SRCS:%.c=$(BUILD)/%.o)
DIFFTEST_X86_BIN := $(BUILD)/tests/unit/test-difftest-x86
$(DIFFTEST_X86_BIN): $(DIFFTEST_X86_OBJS) $(X86_LIB_OBJS)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $(DIFFTEST_X86_OBJS) $(X86_LIB_OBJS) $(LDLIBS) -lcmocka

# The decoder's unit test again with the decoder under UBSan (it may shift no negative value).
DECODE_SRCS := $(wildcard target/riscv/decode*.c)
$(BUILD)/tests/unit/test-decode-ubsan: tests/unit/test-decode.c $(DECODE_SRCS) $(LIB_OBJS)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	$(Q)$(CC) $(CFLAGS) -fsanitize=undefined -fno-sanitize-recover=undefined -MF $@.d -o $@ \
	    tests/unit/test-decode.c $(DECODE_SRCS) \
	    $(filter-out $(DECODE_SRCS:%.c=$(BUILD)/%.o),$(LIB_OBJS)) $(LDLIBS) -lcmocka

# `make unit` builds and runs the unit tests; unit-bins only builds them. tests/run runs every
# build/tests/unit/test-*: a binary whose source is gone (a test renamed or removed) is deleted
# here, so an old tree runs the tests a fresh clone runs.
TEST_BINS := $(UNIT_BINS) $(DIFFTEST_BIN) $(DIFFTEST_X86_BIN) $(BUILD)/tests/unit/test-decode-ubsan
STALE_TEST_BINS := $(filter-out $(TEST_BINS),$(filter-out %.d,$(wildcard $(BUILD)/tests/unit/test-*)))
unit-bins: $(TEST_BINS)
	$(if $(STALE_TEST_BINS),$(Q)rm -f $(STALE_TEST_BINS) $(STALE_TEST_BINS:=.d))

unit: unit-bins
	tests/run --only-unit

# `make fuzz-jit SECONDS=N`: the differential test with random seeds for N seconds.
fuzz-jit: $(DIFFTEST_BIN)
	DIFFTEST_SECONDS=$(or $(SECONDS),60) $(DIFFTEST_BIN)

# `make fuzz-jit-x86 SECONDS=N`: the x86 differential test with random seeds for N seconds.
fuzz-jit-x86: $(DIFFTEST_X86_BIN)
	DIFFTEST_SECONDS=$(or $(SECONDS),60) $(DIFFTEST_X86_BIN)

guest:
	$(MAKE) -C tests/guest OUT=$(abspath $(BUILD)/tests/guest)

# STYLE.md: the formatting is checked with the tests.
check: all unit-bins guest format-check images
	tests/run --sanitizer $(CHECK_SAN) --fuzz

bench: all
	$(MAKE) -C tests/bench OUT=$(abspath $(BUILD)/tests/bench)
	scripts/bench

format:
	clang-format -i $(SRCS) $(UNIT_SRCS) $(DIFFTEST_SRCS) $(wildcard tests/difftest/*.h) $(DIFFTEST_X86_SRCS) $(wildcard tests/difftest-x86/*.h) $(shell find include -name '*.h')

format-check:
	@echo "  FORMAT  (clang-format --dry-run)"
	$(Q)clang-format --dry-run --Werror $(SRCS) $(UNIT_SRCS) $(DIFFTEST_SRCS) \
	    $(wildcard tests/difftest/*.h) $(DIFFTEST_X86_SRCS) $(wildcard tests/difftest-x86/*.h) \
	    $(shell find include -name '*.h')

clean:
	rm -rf $(BUILD)

-include $(OBJS:.o=.d) $(UNIT_BINS:=.d) $(DIFFTEST_OBJS:.o=.d) $(DIFFTEST_X86_OBJS:.o=.d)

# Guest images, built into a cache outside the tree (~/.cache/kestrel/images) and rebuilt only
# when an input changes: the busybox Linux (kernel, initramfs, ext4 disk; ~12 min the first
# time), the x86-64 kernel and initramfs from Debian's binary packages (scripts/build-x86-images,
# a download) and the Debian system (~20 min). They have separate caches and locks, so they are
# built side by side: on a fresh machine `make check` waits for the longer one only.
images:
	@scripts/build-images > /dev/null & linux=$$!; \
	scripts/build-x86-images > /dev/null & x86=$$!; \
	scripts/build-images debian > /dev/null; debian=$$?; \
	wait $$linux && wait $$x86 && test $$debian -eq 0

# The main job (README quick start): OpenSBI, Linux 6.1, a busybox shell on the console.
# `poweroff` in the guest (or Ctrl-A x) ends it.
run: all
	@dir=$$(scripts/build-images | tail -n 1) && \
	$(BUILD)/kestrel -M virt -m 512 -nographic -kernel $$dir/Image \
	    -initrd $$dir/rootfs.cpio.gz -append "console=ttyS0" \
	    -netdev user,id=n0 -device virtio-net-device,netdev=n0 -device virtio-rng-device

# Soak (tests/soak/soak.py): BOOTS Linux boots in a row on one disk image (jit on/off,
# -smp 1/2 in turn), every file checked on the host at the end; and an SMP guest with busy
# loops, disk and network traffic for MINUTES. `make check` runs short forms of both.
BOOTS ?= 100
MINUTES ?= 10
soak: all
	tests/soak/soak.py boots --count $(BOOTS)

soak-smp: all
	tests/soak/soak.py smp --minutes $(MINUTES)

# The long form of the generated vector programs (issue 10): SEEDS x 3000 cases at VLEN
# 128/256/512, each compared with QEMU on both engines. `make check` runs a short form.
SEEDS ?= 1-20
test-vector-long: all
	python3 tests/guest/vgen/vcompare.py $(BUILD)/kestrel --seeds $(SEEDS) --workdir $(BUILD)/vgen
# ---- Sanitizer tiers and fuzzers (issue 13) ----
# Each instrumented build has its own directory (objects of different instrumentation never
# mix): this Makefile builds itself again with BUILD=<dir> and CC/CFLAGS from the environment.
# clang for all three: -fsanitize-ignorelist (tests/sanitizers/) and libFuzzer are clang's.
#   make check-asan     ASan + UBSan: unit tests, guest programs, a functional subset
#   make check-tsan     ThreadSanitizer: unit tests, the SMP and gdb tests
#   make fuzz SECONDS=N every harness of tests/fuzz for N seconds (build-fuzz/ keeps the
#                       grown corpus and any crash files)
SAN_CC := clang
SAN_BASE := -O1 -g -fno-omit-frame-pointer
SAN_IGNORE := tests/sanitizers/ignorelist.txt
ASAN_CFLAGS := $(SAN_BASE) -fsanitize=address,undefined -fno-sanitize-recover=all \
               -fsanitize-ignorelist=$(abspath $(SAN_IGNORE))
TSAN_IGNORE := tests/sanitizers/tsan-ignorelist.txt
TSAN_CFLAGS := $(SAN_BASE) -fsanitize=thread -fsanitize-ignorelist=$(abspath $(TSAN_IGNORE))
FUZZ_CFLAGS := $(ASAN_CFLAGS) -fsanitize=fuzzer-no-link
# The sanitizer tier that `make check` runs (the faster one, measured: see tests/run).
CHECK_SAN := tsan
SECONDS ?= 60

FUZZ_SRCS := $(wildcard tests/fuzz/fuzz-*.c)
FUZZ_BINS := $(FUZZ_SRCS:%.c=$(BUILD)/%)
-include $(FUZZ_BINS:=.d)

.PHONY: asan-build tsan-build fuzz-build check-asan check-tsan fuzz
asan-build:
	$(Q)CC=$(SAN_CC) CFLAGS="$(ASAN_CFLAGS)" $(MAKE) --no-print-directory BUILD=build-asan \
	    build-asan/kestrel unit-bins
tsan-build:
	$(Q)CC=$(SAN_CC) CFLAGS="$(TSAN_CFLAGS)" $(MAKE) --no-print-directory BUILD=build-tsan \
	    build-tsan/kestrel unit-bins
fuzz-build:
	$(Q)CC=$(SAN_CC) CFLAGS="$(FUZZ_CFLAGS)" $(MAKE) --no-print-directory BUILD=build-fuzz \
	    fuzz-harnesses

# A change of the ignore list changes the instrumented objects.
ifneq ($(filter build-asan build-fuzz,$(BUILD)),)
$(OBJS) $(UNIT_BINS) $(DIFFTEST_OBJS) $(DIFFTEST_X86_OBJS): $(SAN_IGNORE)
endif
ifeq ($(BUILD),build-tsan)
$(OBJS) $(UNIT_BINS) $(DIFFTEST_OBJS) $(DIFFTEST_X86_OBJS): $(TSAN_IGNORE)
endif

.PHONY: fuzz-harnesses
fuzz-harnesses: $(FUZZ_BINS)
$(BUILD)/tests/fuzz/fuzz-options: CFLAGS += $(SLIRP_CFLAGS)
$(BUILD)/tests/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz-common.h $(LIB_OBJS)
	@mkdir -p $(dir $@)
	@echo "  FUZZER  $@"
	$(Q)$(CC) $(CFLAGS) -Itests/fuzz -fsanitize=fuzzer -o $@ $< $(LIB_OBJS) $(LDLIBS)

check-asan: asan-build guest
	tests/run --only-sanitizer asan
check-tsan: tsan-build guest
	tests/run --only-sanitizer tsan
check: $(CHECK_SAN)-build fuzz-build

fuzz: fuzz-build
	tests/fuzz/run --seconds $(SECONDS)
