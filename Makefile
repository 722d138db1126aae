# Kestrel build. `make` builds build/kestrel; `make check` runs all tests;
# `make bench` compares speed with qemu-system-riscv64.
# Sources are picked up by directory, so adding a file needs no edit here.

CC ?= gcc
BUILD := build
PKGS := libfdt
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu17 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
          -D_GNU_SOURCE -Iinclude -MMD -MP -pthread
LDLIBS := -lfdt -lm -pthread
# QMP speaks JSON through json-c (monitor/qmp.c).
JSON_CFLAGS := $(shell pkg-config --cflags json-c)
LDLIBS += $(shell pkg-config --libs json-c)
# User networking (net/slirp.c) on libslirp; its flags come from pkg-config (it pulls glib).
SLIRP_CFLAGS := $(shell pkg-config --cflags slirp)
LDLIBS += $(shell pkg-config --libs slirp)

SRC_DIRS := system qom util hw/core hw/riscv hw/char hw/intc hw/misc hw/rtc \
            target/riscv accel/tcg chardev gdbstub monitor net hw/virtio block
SRCS := $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c))
OBJS := $(SRCS:%.c=$(BUILD)/%.o)
# Everything but main(): linked into the emulator and into every unit test.
LIB_OBJS := $(filter-out $(BUILD)/system/main.o,$(OBJS))

UNIT_SRCS := $(wildcard tests/unit/test-*.c)
UNIT_BINS := $(UNIT_SRCS:%.c=$(BUILD)/%)

.PHONY: all check unit guest bench clean format format-check run images
all: $(BUILD)/kestrel

# `make V=1` shows the full commands.
Q := $(if $(V),,@)

$(BUILD)/kestrel: $(OBJS)
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/net/%.o: CFLAGS += $(SLIRP_CFLAGS)
$(BUILD)/monitor/%.o: CFLAGS += $(JSON_CFLAGS)

# The FPU relies on host rounding modes: forbid constant folding across fenv changes.
$(patsubst %.c,$(BUILD)/%.o,$(wildcard target/riscv/fpu*.c)): CFLAGS += -frounding-math

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/unit/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS) -lcmocka

unit: $(UNIT_BINS)

guest:
	$(MAKE) -C tests/guest OUT=$(abspath $(BUILD)/tests/guest)

# STYLE.md: the formatting is checked with the tests.
check: all unit guest format-check
	tests/run

bench: all
	$(MAKE) -C tests/bench OUT=$(abspath $(BUILD)/tests/bench)
	scripts/bench

format:
	clang-format -i $(SRCS) $(UNIT_SRCS) $(shell find include -name '*.h')

format-check:
	@echo "  FORMAT  (clang-format --dry-run)"
	$(Q)clang-format --dry-run --Werror $(SRCS) $(UNIT_SRCS) $(shell find include -name '*.h')

clean:
	rm -rf $(BUILD)

-include $(OBJS:.o=.d) $(UNIT_BINS:=.d)

# Guest images (kernel, initramfs, ext4 disk): built from Debian's sources into a cache
# outside the tree (~/.cache/kestrel/images), rebuilt only when an input changes.
images:
	scripts/build-images

# The main job (README quick start): OpenSBI, Linux 6.1, a busybox shell on the console.
# `poweroff` in the guest (or Ctrl-A x) ends it.
run: all
	@dir=$$(scripts/build-images | tail -n 1) && \
	$(BUILD)/kestrel -M virt -m 512 -nographic -kernel $$dir/Image \
	    -initrd $$dir/rootfs.cpio.gz -append "console=ttyS0" \
	    -netdev user,id=n0 -device virtio-net-device,netdev=n0 -device virtio-rng-device
