/*
 * The starting point of the exit-path tests (test_exits, test_exits_linux,
 * test_mmio): every fake reset, and a zeroed partition with one vCPU set
 * up by the production partition_init_vcpus(), so the tests' vCPU is wired
 * as a real one (APIC ID 0, its IPIs routed through the partition).
 */
#ifndef SOLO_TESTS_PARTITION_FIXTURE_H
#define SOLO_TESTS_PARTITION_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "core/partition.h"
#include "fake/console.h"
#include "fake/cpu.h"
#include "fake/lapic.h"
#include "fake/vmcs.h"
#include "fake/vmx_enter.h"

static inline void partition_fixture(struct partition *part, const char *name)
{
	static const unsigned on_cpu0[1] = {0};
	fake_cpu_reset();
	fake_vmcs_reset();
	fake_lapic_reset();
	fake_console_reset();
	fake_script_reset();
	memset(part, 0, sizeof(*part));
	snprintf(part->name, sizeof(part->name), "%s", name);
	partition_init_vcpus(part, 1, on_cpu0, 0);
}

#endif
