#!/bin/sh
# Debian's cloud kernel under solo, in Bochs with 2 CPUs
# (stock-kernel-appliance.conf): as a 2-vCPU [vm], it finds both CPUs,
# the I/O APIC and COM1 through the ACPI tables solo builds, counts timer
# interrupts on both CPUs and serial interrupts, keeps time across a
# sleep, finds the CMOS clock and an empty PCI bus without complaint, and
# waits until stock-client.py stops it from the console (the request on
# its control line, and a press of its ACPI power button through the
# generic event device), then powers off through ACPI's sleep control
# register; as a container's kernel (solo build --kernel), it runs the
# container, whose exit status comes back. The MSRs every Linux boot
# probes are refused without a console line each.
#   scenario-bochs-stock-kernel.sh BUILD_DIR WORK_DIR
set -u
build=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/bochs-lib.sh"
. "$here/check-lib.sh"

bochs_console_appliance "$build" "$work" "$here/stock-kernel-appliance.conf" 2 \
	"$here/stock-client.py" 900 \
	--kernel "$build/stock/vmlinuz" --file '\solo\stock.cpio'="$build/stock/stock.cpio"
s="$work/serial.txt"

expect "the [vm] starts with 2 vCPUs" "$s" '^solo: \[stock\] starting on cpu0: 256 MiB RAM, 2 vCPUs'
expect "the kernel takes its CPUs from the MADT" "$s" '^\[stock\] \[ *[0-9.]+\] ACPI: Using ACPI \(MADT\) for SMP configuration information$'
expect "its second vCPU is started" "$s" '^solo: \[stock\] vCPU 1 started on cpu1 '
expect "both CPUs come online" "$s" '^\[stock\] stock: 2 cpus online: 0-1$'
expect "timer interrupts on both CPUs" "$s" '^\[stock\] LOC: +[1-9][0-9]* +[1-9][0-9]* +Local timer interrupts$'
# (on either CPU: the kernel chooses where it goes)
expect "COM1's interrupt through the I/O APIC" "$s" \
	'^\[stock\] +[0-9]+:( +[1-9][0-9]* +[0-9]+| +0 +[1-9][0-9]*) +IO-APIC +4-edge +ttyS0$'
expect "the control line, found through the DSDT" "$s" '^\[stock\] \[ *[0-9.]+\] 00:0[0-9]: ttyS1 at I/O 0x2f8 \(irq = [0-9]+, base_baud = 115200\) is a 16550A$'
expect "it keeps time across a sleep" "$s" '^\[stock\] stock: slept 1 s$'
expect "PCI configuration through the empty host bridge" "$s" '^\[stock\] \[ *[0-9.]+\] PCI: Using configuration type 1 for base access$'
expect "the CMOS clock sets the system clock" "$s" '^\[stock\] \[ *[0-9.]+\] rtc_cmos 00:0[0-9]: setting system clock to '
expect "ACPI offers S5" "$s" '^\[stock\] \[ *[0-9.]+\] ACPI: PM: \(supports S0 S5\)$'
expect_not "nothing fatal, no error, no failure" "$s" '^\[stock\] \[ *[0-9.]+\] .*([Ff]atal|[Ee]rror|[Ff]ail)'
expect_order "stop: the request reaches its listener" "$s" '^solo: \[stock\] asked to shut down' \
	'^\[stock\] stock: control line: stop$'
expect "stop: the power button's event device fired" "$s" \
	'^\[stock\] +[0-9]+:( +[1-9][0-9]* +[0-9]+| +0 +[1-9][0-9]*) +IO-APIC +5-edge +ACPI:Ged$'
expect_order "it powers off through ACPI" "$s" '^\[stock\] stock: powering off$' '^\[stock\] stopped: power-off$'
expect "stop: it shut down when asked" "$s" '^solo: \[stock\] shut down when asked, in [0-9]+ ms$'
expect "the container's output, from a stock kernel" "$s" '^\[hello\] hello from hello: GREETING=from-a-stock-kernel, sum 1\.\.100 = 5050$'
expect "the container's exit status" "$s" '^\[hello\] stopped: exited with status 0$'
expect_not "the MSRs Linux probes are refused quietly" "$s" '^solo: \[(stock|hello)\] rdmsr MSR 0x(4e|34|140|64e|c0011029) '
# Its interface, found by a stock kernel through the DSDT alone: the MAC
# its driver read from the device is the one solo gave it.
mac=$(sed -n 's/^\[stock\] eth0 \(02:[0-9a-f:]*\) 10\.80\.0\.1\/24 on lan: .*/\1/p' "$s" | head -1)
expect "the interface, from the DSDT, with its virtio-net driver" "$s" "^\\[stock\\] stock: eth0 ${mac:-none}\$"
expect_not "the virtio-net modules load" "$s" '^\[stock\] stock: insmod .* failed$'
expect "all memory returned" "$s" '^solo: all partitions have ended; free pages: ([0-9]+) \(\1 before\)$'
expect_not "no crash, no hypervisor exception" "$s" 'crashed|exception'
checks_done
