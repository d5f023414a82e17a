#!/bin/sh
# The real UEFI binary end to end in Bochs (which emulates VMX) with two
# CPUs: both reach VMX root operation and run their probe VM, whose exits
# are counted; the stray VM's EPT violation and the bad VM's failed entry
# stop only those VMs; every page the VMs used comes back.
#   scenario-bochs-smp-selftest.sh BUILD_DIR WORK_DIR
set -u
build=$1 work=$2
here=$(dirname "$0")
. "$here/bochs-lib.sh"
. "$here/check-lib.sh"

sh "$here/make-esp.sh" "$work/esp.img" "$build/boot/BOOTX64.EFI" "$build/hypervisor/solo.elf" \
	"$here/selftest.conf"
bochs_write_config "$work" "$work/esp.img" 2
bochs_boot "$work" 600 '^solo: (ready|stopped)|exception'
s="$work/serial.txt"

expect "boot stage hands over" "$s" '^solo-boot: exiting boot services'
expect "hypervisor sees 2 CPUs" "$s" '^solo: 2 CPUs .*APIC IDs: 0 1$'
expect "TSC measured" "$s" '^solo: TSC [0-9]+\.[0-9]{3} MHz'
expect "VMX features listed" "$s" '^solo: VMX: .*EPT \(4-level, 4K/2M/1G pages\), VPID, unrestricted guest, preemption timer'
expect "cpu0 in VMX root" "$s" '^solo: cpu0 \(APIC ID 0\): in VMX root operation$'
expect "cpu1 in VMX root" "$s" '^solo: cpu1 \(APIC ID 1\): in VMX root operation$'
for cpu in 0 1; do
	expect "probe VM on cpu$cpu halted" "$s" "^\[probe-cpu$cpu\] stopped: halted with interrupts off at RIP 0x1012$"
	expect "probe VM on cpu$cpu exit counts" "$s" "^\[probe-cpu$cpu\] exits: CPUID=1 HLT=1 VMCALL=1 IO_INSTRUCTION=1$"
	expect "probe VM on cpu$cpu saw filtered CPUID and hypercall result" "$s" "^\[probe-cpu$cpu\] self-test passed$"
done
expect "stray VM stopped by EPT violation" "$s" '^\[stray-cpu0\] crashed: EPT violation: read of guest-physical 0x80000 outside its memory at RIP 0x1005$'
expect "stray VM exit counted" "$s" '^\[stray-cpu0\] exits: EPT_VIOLATION=1$'
expect "bad VM entry fails cleanly" "$s" '^\[bad-entry-cpu0\] crashed: VM entry failed: invalid guest state \(exit reason 33\)'
expect_order "hypervisor carries on after the failed VMs" "$s" '^\[bad-entry-cpu0\] crashed' '^solo: 2 of 2 CPUs in VMX root operation$'
expect "test VMs return all their pages" "$s" '^solo: free pages: ([0-9]+) after the test VMs, \1 before$'
expect "hypervisor ready" "$s" '^solo: ready$'
expect_not "no exception in the hypervisor" "$s" 'exception|FAILED'
checks_done
