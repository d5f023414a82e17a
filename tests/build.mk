# Host unit tests (cmocka) and the emulator tests.
#
# Each unit test is tests/unit/NAME.c linked with the production sources it
# exercises, compiled for the host with the fake architecture layer first
# on the include path (tests/fakes/include), so hypervisor logic that would
# execute privileged instructions talks to fakes instead.
#   $(eval $(call unit_test,NAME,SOURCES...[,EXTRA LIBRARIES]))

UNIT_CFLAGS := -std=c11 -D_DEFAULT_SOURCE $(WARNINGS) -O1 -g -fsanitize=address,undefined \
	-fno-omit-frame-pointer -Itests/fakes/include -Ihypervisor/include \
	-Ihypervisor -Iloader -Iguest-kernel/init -Itests/unit
UNIT_LDLIBS := -lcmocka
UNIT_TESTS :=

# Each test is compiled and linked in one step, so it depends on every
# header it might include: a changed limit in a header rebuilds the tests
# instead of leaving them passing on stale binaries.
UNIT_HEADERS := $(wildcard tests/unit/*.h) $(wildcard tests/fakes/include/*/*.h) \
	$(shell find hypervisor loader boot guest-kernel/init -name '*.h')
define unit_test
UNIT_TESTS += $(BUILD)/tests/$(1)
$(BUILD)/tests/$(1): tests/unit/$(1).c $(2) $(UNIT_HEADERS)
	@mkdir -p $$(@D)
	@echo "  HOSTCC  $$@"
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -o $$@ tests/unit/$(1).c $(2) $(UNIT_LDLIBS) $(3)
endef

include tests/unit/tests.mk

unit-tests: $(UNIT_TESTS)

# Images only the tests use (tests/emu/make-ctxcheck-image.sh).
TEST_IMAGES := $(BUILD)/test-images
$(TEST_IMAGES)/.stamp: tests/emu/make-ctxcheck-image.sh $(GUEST_CTXCHECK_USER) $(wildcard /bin/busybox)
	@echo "  IMAGES  $(@D)"
	$(Q)tests/emu/make-ctxcheck-image.sh $(@D) $(GUEST_CTXCHECK_USER) >/dev/null && touch $@

test: deps all unit-tests $(GUEST_CTXCHECK) $(TEST_IMAGES)/.stamp $(STOCK_KERNEL) \
		$(STOCK_INITRAMFS)
	$(Q)tests/run.sh $(BUILD) $(UNIT_TESTS)

# `make bench`: figures, not pass/fail (tests/bench/), one Bochs at a time.
.PHONY: bench
bench: deps all $(STOCK_KERNEL) $(STOCK_INITRAMFS)
	$(Q)tests/deps.sh grub-efi-amd64-bin grub-common
	$(Q)tests/bench/bench-linux.sh $(BUILD)
	$(Q)tests/bench/bench-idle.sh $(BUILD)
	$(Q)tests/bench/bench-capacity.sh $(BUILD)
	$(Q)tests/bench/bench-stock.sh $(BUILD)
	$(Q)tests/bench/bench-verify.sh $(BUILD)
	$(Q)tests/bench/bench-net.sh $(BUILD)
	$(Q)tests/bench/bench-start.sh $(BUILD)

# `make soak`: issue 14's three-container appliance booted 20 times in
# Bochs with two CPUs (tests/soak/soak.sh; SOAK_RUNS=N for another count).
SOAK := $(BUILD)/soak
.PHONY: soak
$(SOAK)/sieve: tests/soak/sieve.c | deps
	@mkdir -p $(@D)
	@echo "  MUSLCC  $@"
	$(Q)musl-gcc -static -O2 -o $@ $<
$(SOAK)/.stamp: tests/soak/make-soak-image.sh $(SOAK)/sieve $(wildcard /bin/busybox)
	@echo "  IMAGES  $(@D)"
	$(Q)tests/soak/make-soak-image.sh $(@D) $(SOAK)/sieve >/dev/null && touch $@
soak: all
	$(Q)tests/deps.sh musl-tools
	$(Q)$(MAKE) --no-print-directory $(SOAK)/.stamp
	$(Q)tests/soak/soak.sh $(BUILD) $(or $(SOAK_RUNS),20)
