# One line per host unit test: the test file and the production sources it links.
$(eval $(call unit_test,test_vmx_caps,hypervisor/vmx/vmx_caps.c tests/fakes/fake_cpu.c))
$(eval $(call unit_test,test_elf_image,loader/elf_image.c))
$(eval $(call unit_test,test_config,loader/config.c))
$(eval $(call unit_test,test_memory_map,boot/memory_map.c))
$(eval $(call unit_test,test_page_tables,boot/page_tables.c hypervisor/mm/host_paging.c hypervisor/mm/page_table.c))
$(eval $(call unit_test,test_page_alloc,hypervisor/mm/page_alloc.c))
$(eval $(call unit_test,test_paging,hypervisor/mm/page_table.c hypervisor/vmx/ept.c hypervisor/mm/host_paging.c hypervisor/mm/page_alloc.c tests/fakes/fake_pages.c))
$(eval $(call unit_test,test_madt,hypervisor/acpi/madt.c))
$(eval $(call unit_test,test_handoff_check,hypervisor/core/handoff_check.c))
# The whole exit path, as vcpu_run() reaches it: every handler the
# dispatch table names, the devices they drive and the console below.
# Networking: the virtio-net device on its transport, and the switch.
NET_SRCS := hypervisor/devices/guest_ram.c hypervisor/devices/virtqueue.c hypervisor/devices/virtio_mmio.c \
	hypervisor/devices/virtio_net.c hypervisor/net/net_switch.c hypervisor/net/net_fdb.c
# Templates: the clone point's answer and snapshot, copy-on-write EPT.
TEMPLATE_SRCS := hypervisor/core/clone_point.c hypervisor/core/template.c \
	hypervisor/vmx/ept_share.c hypervisor/vmx/ept.c hypervisor/mm/page_table.c \
	hypervisor/mm/page_pool.c hypervisor/vmx/vmcs_snapshot.c hypervisor/core/vcpu_context.c \
	tests/fakes/fake_fpu.c loader/sha256.c
EXIT_PATH_SRCS := $(NET_SRCS) $(TEMPLATE_SRCS) hypervisor/core/partition_net.c hypervisor/mm/page_alloc.c \
	hypervisor/core/vcpu_run.c hypervisor/core/vcpu_events.c \
	hypervisor/core/exit_dispatch.c hypervisor/core/exit_cpuid.c hypervisor/core/exit_io.c \
	hypervisor/core/exit_vmcall.c hypervisor/core/exit_hlt.c hypervisor/core/exit_ept.c \
	hypervisor/core/exit_fault.c hypervisor/core/exit_msr.c hypervisor/core/exit_cr.c \
	hypervisor/core/exit_xsetbv.c hypervisor/core/guest_msr.c hypervisor/core/partition.c \
	hypervisor/core/partition_console.c hypervisor/core/log_ring.c \
	hypervisor/core/exit_mmio.c hypervisor/core/insn_decode.c hypervisor/core/guest_memory.c \
	hypervisor/core/partition_devices.c hypervisor/core/partition_ipi.c hypervisor/core/partition_vcpus.c \
	tests/fakes/fake_kick.c tests/fakes/fake_pcpu.c \
	hypervisor/devices/ioapic.c hypervisor/devices/rtc_cmos.c hypervisor/devices/pci_host.c \
	hypervisor/devices/x2apic.c hypervisor/devices/uart16550.c hypervisor/vmx/msr_bitmap.c \
	hypervisor/vmx/vmx_caps.c hypervisor/vmx/exit_reasons.c hypervisor/vmx/vm_instruction_error.c \
	hypervisor/lib/console.c tests/fakes/fake_console.c tests/fakes/fake_cpu.c \
	tests/fakes/fake_vmcs.c tests/fakes/fake_vmx_enter.c tests/fakes/fake_lapic.c \
	tests/fakes/fake_vmx_globals.c tests/fakes/fake_host_ioapic.c
$(eval $(call unit_test,test_exits,$(EXIT_PATH_SRCS)))
$(eval $(call unit_test,test_console,hypervisor/lib/console.c tests/fakes/fake_console.c))
$(eval $(call unit_test,test_vmx_cpu,hypervisor/vmx/vmx_cpu.c hypervisor/vmx/vmx_caps.c hypervisor/vmx/vmcs_setup.c hypervisor/vmx/vpid.c hypervisor/mm/page_alloc.c tests/fakes/fake_cpu.c tests/fakes/fake_vmcs.c tests/fakes/fake_vmx_enter.c))
$(eval $(call unit_test,test_linux_boot,$(LOADER_LINUX_SRCS)))
$(eval $(call unit_test,test_acpi_tables,loader/acpi_tables.c loader/aml.c))
$(eval $(call unit_test,test_aml,loader/aml.c))
$(eval $(call unit_test,test_mptable,loader/mptable.c))
$(eval $(call unit_test,test_x2apic,hypervisor/devices/x2apic.c))
$(eval $(call unit_test,test_uart,hypervisor/devices/uart16550.c))
$(eval $(call unit_test,test_msr_bitmap,hypervisor/vmx/msr_bitmap.c))
$(eval $(call unit_test,test_guest_msr,hypervisor/core/guest_msr.c hypervisor/vmx/msr_bitmap.c hypervisor/devices/x2apic.c tests/fakes/fake_vmcs.c))
$(eval $(call unit_test,test_vcpu_events,hypervisor/core/vcpu_events.c hypervisor/core/partition_ipi.c hypervisor/devices/x2apic.c tests/fakes/fake_kick.c tests/fakes/fake_vmcs.c tests/fakes/fake_vmx_globals.c))
$(eval $(call unit_test,test_partition_ipi,hypervisor/core/partition_ipi.c hypervisor/core/partition.c hypervisor/devices/x2apic.c tests/fakes/fake_kick.c))
$(eval $(call unit_test,test_partition_console,hypervisor/core/partition_console.c hypervisor/core/partition.c hypervisor/core/log_ring.c hypervisor/lib/console.c tests/fakes/fake_console.c tests/fakes/fake_cpu.c))
$(eval $(call unit_test,test_placement,hypervisor/core/placement.c))
$(eval $(call unit_test,test_exits_linux,$(EXIT_PATH_SRCS)))
$(eval $(call unit_test,test_insn_decode,hypervisor/core/insn_decode.c))
$(eval $(call unit_test,test_guest_memory,hypervisor/core/guest_memory.c hypervisor/vmx/ept.c hypervisor/vmx/ept_share.c hypervisor/mm/page_table.c hypervisor/mm/page_pool.c hypervisor/mm/page_alloc.c tests/fakes/fake_vmcs.c))
$(eval $(call unit_test,test_ioapic,hypervisor/devices/ioapic.c hypervisor/devices/x2apic.c))
$(eval $(call unit_test,test_rtc,hypervisor/devices/rtc_cmos.c))
$(eval $(call unit_test,test_pci_host,hypervisor/devices/pci_host.c))
$(eval $(call unit_test,test_mmio,$(EXIT_PATH_SRCS)))
$(eval $(call unit_test,test_spec,guest-kernel/init/spec.c))
$(eval $(call unit_test,test_container_spec,$(LOADER_SPEC_SRCS) $(LOADER_CONFIG_SRCS) guest-kernel/init/spec.c))
# The image path runs on images tests/unit/make-test-images.sh builds
# beside the binary, fresh from umoci and skopeo, never committed.
$(eval $(call unit_test,test_registry_ref,loader/registry_ref.c))
$(eval $(call unit_test,test_sha256,loader/sha256.c boot/sha256_cpu.c boot/sha256_ni.S tests/fakes/fake_cpu.c,-lcrypto))
$(eval $(call unit_test,test_manifest,loader/manifest.c loader/sha256.c))
$(eval $(call unit_test,test_measurements,hypervisor/core/measurements.c loader/manifest.c loader/sha256.c,-lcrypto))
$(eval $(call unit_test,test_registry_auth,loader/registry_auth.c,-ljansson -lcrypto))
$(eval $(call unit_test,test_oci_image,$(LOADER_IMAGE_SRCS) $(LOADER_CONFIG_SRCS),$(LOADER_IMAGE_LIBS)))
$(BUILD)/tests/test_oci_image: $(BUILD)/tests/oci-images/.stamp
$(BUILD)/tests/oci-images/.stamp: tests/unit/make-test-images.sh
	@echo "  IMAGES  $(@D)"
	$(Q)tests/unit/make-test-images.sh $(@D) >/dev/null && touch $@
$(eval $(call unit_test,test_restart_policy,hypervisor/core/restart_policy.c))
$(eval $(call unit_test,test_vcpu_context,hypervisor/core/vcpu_context.c tests/fakes/fake_cpu.c tests/fakes/fake_vmcs.c tests/fakes/fake_fpu.c))
$(eval $(call unit_test,test_console_command,hypervisor/core/console_command.c))
$(eval $(call unit_test,test_wake_heap,hypervisor/core/wake_heap.c))
$(eval $(call unit_test,test_scheduler,hypervisor/core/scheduler.c hypervisor/core/slot_lifecycle.c hypervisor/core/wake_heap.c hypervisor/core/partition.c hypervisor/core/partition_vcpus.c hypervisor/core/partition_ipi.c hypervisor/core/restart_policy.c hypervisor/devices/x2apic.c hypervisor/lib/console.c tests/fakes/fake_console.c tests/fakes/fake_cpu.c tests/fakes/fake_vmcs.c tests/fakes/fake_vmx_globals.c tests/fakes/fake_kick.c tests/fakes/fake_lapic.c))
$(eval $(call unit_test,test_vpid,hypervisor/vmx/vpid.c))
$(eval $(call unit_test,test_net_fdb,hypervisor/net/net_fdb.c))
$(eval $(call unit_test,test_virtio_net,$(NET_SRCS)))
$(eval $(call unit_test,test_net_setup,guest-kernel/init/net_setup.c guest-kernel/init/dhcp.c guest-kernel/init/spec.c))
# Hardware solo drives itself: the PCI scan and the NIC drivers, on fake
# configuration space and fake device registers.
$(eval $(call unit_test,test_pci_scan,hypervisor/drivers/pci.c tests/fakes/fake_pci_config.c))
$(eval $(call unit_test,test_e1000,tests/fakes/fake_e1000.c hypervisor/drivers/e1000.c hypervisor/drivers/nic.c hypervisor/drivers/pci.c hypervisor/mm/page_alloc.c hypervisor/lib/console.c tests/fakes/fake_console.c tests/fakes/fake_pci_config.c))
$(eval $(call unit_test,test_uplink,hypervisor/core/net_uplink.c hypervisor/drivers/e1000.c hypervisor/drivers/nic.c hypervisor/drivers/pci.c tests/fakes/fake_e1000.c tests/fakes/fake_pci_config.c $(EXIT_PATH_SRCS)))
$(eval $(call unit_test,test_templates,$(EXIT_PATH_SRCS)))
$(eval $(call unit_test,test_clone_answer,guest-kernel/init/clone_point.c guest-kernel/init/spec.c,-Iguest-kernel/include))
