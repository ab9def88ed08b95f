# quickreboot: the one entry point.
#   make                      userspace + modules for every kernel with headers
#   make KERNELRELEASE=K      ... for kernel K only (KDIR=... for headers elsewhere)
#   make check                the whole test suite (the README's test command):
#                             builds, unit tests, and each VM scenario on the
#                             kexec directions it names (61 guest runs,
#                             about 25 minutes on 2 cores)
#   make check-matrix         ... with every scenario in all four directions
#   make check-debian         the packages in a Debian 12 guest with systemd
#   make demo                 a quick reboot inside a QEMU guest
#   make bench                benchmarks: numbers, never a failure on timing
#   make bench-reboot         ... of them, reboot time against memory by method
#   make dkms-source DESTDIR=D   the DKMS source tree, as packaged

VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
BUILD := $(CURDIR)/build

ifdef KERNELRELEASE
KERNELS := $(KERNELRELEASE)
else
KERNELS := $(notdir $(patsubst %/build,%,$(wildcard /lib/modules/*/build)))
endif

all: userspace modules

userspace:
	$(MAKE) -C userspace

# Built in a copy per kernel; when a file was added or removed the copy
# starts afresh, so that no deleted source or module stays in it.
modules:
ifeq ($(strip $(KERNELS)),)
	@echo "No kernel headers found: install linux-headers-$$(uname -r)," >&2
	@echo "or name a kernel with KERNELRELEASE=... [KDIR=...]." >&2
	@exit 1
endif
	@set -e; files=$$(cd modules && find . -type f | sort | md5sum); \
	for k in $(KERNELS); do \
		kdir=$(if $(KDIR),$(KDIR),/lib/modules/$$k/build); \
		if [ "$$(cat $(BUILD)/modules/$$k/.sources 2>/dev/null)" != "$$files" ]; then \
			rm -rf $(BUILD)/modules/$$k; \
		fi; \
		mkdir -p $(BUILD)/modules/$$k; \
		cp -a --update modules/. $(BUILD)/modules/$$k/; \
		echo "$$files" >$(BUILD)/modules/$$k/.sources; \
		$(MAKE) -C $(BUILD)/modules/$$k KVER=$$k KDIR=$$kdir; \
		echo "modules for $$k: $(BUILD)/modules/$$k"; \
	done

dkms-source:
	@test -n "$(DESTDIR)" || { echo "set DESTDIR" >&2; exit 1; }
	mkdir -p $(DESTDIR)/quickreboot-$(VERSION)
	cp dkms.conf $(DESTDIR)/quickreboot-$(VERSION)/
	cp -a modules $(DESTDIR)/quickreboot-$(VERSION)/
	rm -rf $(DESTDIR)/quickreboot-$(VERSION)/modules/common/generated

check:
	tests/run-all

check-matrix:
	QR_MATRIX=1 tests/run-all

check-debian:
	tests/debian/run

demo:
	tests/vm/demo

bench:
	tests/bench/run

bench-reboot:
	tests/bench/reboot

clean:
	rm -rf $(BUILD)
	$(MAKE) -C userspace clean

.PHONY: all userspace modules dkms-source check check-matrix check-debian demo bench bench-reboot clean
