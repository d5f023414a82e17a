/*
 * The hostile guest's bzImage wrapper and its 32-bit entry. The first
 * 1024 bytes are the real-mode sectors of a bzImage: nothing but the
 * setup header that loader/linux_boot.c bzimage_check() reads (protocol
 * 2.15, loaded high, relocatable, 4 KiB alignment, preferred load address
 * 1 MiB, which is where hostile.ld links the code). solo starts the
 * payload in 32-bit protected mode at that address with ESI pointing at
 * the zero page; the entry installs the guest's own GDT and stack, since
 * nothing solo set up may be trusted to stay valid, and calls C. The
 * exception stubs give the C handler one frame layout for every vector,
 * with or without a CPU-pushed error code.
 */

#define LOAD_ADDRESS 0x100000

	.section .setup, "a"
	.code16
	.org 0x1f1
setup_sects:	.byte 1                 /* (1 + 1) * 512 bytes of setup */
root_flags:	.word 0
syssize:	.long hostile_syssize   /* payload / 16, from hostile.ld */
ram_size:	.word 0
vid_mode:	.word 0
root_dev:	.word 0
boot_flag:	.word 0xaa55
	/* 0x200: a short jump over the header; its offset also tells the
	 * loader where the header ends (0x202 + 0x66 = 0x268). */
	.byte 0xeb, header_end - 0x202
	.ascii "HdrS"
	.word 0x020f                    /* boot protocol 2.15 */
	.long 0                         /* realmode_swtch */
	.word 0                         /* start_sys_seg */
	.word 0                         /* kernel_version */
	.byte 0                         /* type_of_loader */
	.byte 0x01                      /* loadflags: LOADED_HIGH */
	.word 0                         /* setup_move_size */
	.long LOAD_ADDRESS              /* code32_start */
	.long 0                         /* ramdisk_image */
	.long 0                         /* ramdisk_size */
	.long 0                         /* bootsect_kludge */
	.word 0                         /* heap_end_ptr */
	.byte 0, 0                      /* ext_loader_ver, ext_loader_type */
	.long 0                         /* cmd_line_ptr */
	.long 0x7fffffff                /* initrd_addr_max */
	.long 0x1000                    /* kernel_alignment */
	.byte 1                         /* relocatable_kernel (required by solo) */
	.byte 12                        /* min_alignment: 4 KiB */
	.word 0                         /* xloadflags: 32-bit entry only */
	.long 255                       /* cmdline_size */
	.long 0                         /* hardware_subarch */
	.quad 0                         /* hardware_subarch_data */
	.long 0                         /* payload_offset */
	.long 0                         /* payload_length */
	.quad 0                         /* setup_data */
	.quad LOAD_ADDRESS              /* pref_address */
	.long hostile_init_size         /* init_size, from hostile.ld */
	.long 0                         /* handover_offset */
header_end:
	.org 0x400

	.section .text.entry, "ax"
	.code32
	.globl hostile_entry
hostile_entry:
	cli
	lgdt gdt_descriptor
	ljmp $0x08, $1f
1:	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movl $stack_top, %esp
	pushl %esi                      /* struct boot_params * */
	call hostile_main
2:	cli
	hlt
	jmp 2b

	.text

/* Vectors 8, 10-14, 17, 21, 29 and 30 push an error code; the others get
 * a zero so that struct fault_frame fits all. */
.macro stub vector
	.globl fault_stub_\vector
fault_stub_\vector:
	.if !(\vector == 8 || (\vector >= 10 && \vector <= 14) || \vector == 17 || \
	      \vector == 21 || \vector == 29 || \vector == 30)
	pushl $0
	.endif
	pushl $\vector
	jmp fault_common
.endm

	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	stub \v
	.endr

fault_common:
	pushal
	pushl %esp                      /* struct fault_frame * */
	call hostile_fault
	addl $4, %esp
	popal
	addl $8, %esp                   /* vector and error code */
	iret

	.section .rodata
	.globl fault_stubs
fault_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.long fault_stub_\v
	.endr

	.balign 8
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff        /* 0x08: flat 32-bit code */
	.quad 0x00cf92000000ffff        /* 0x10: flat 32-bit data */
gdt_end:
gdt_descriptor:
	.word gdt_end - gdt - 1
	.long gdt

	.bss
	.balign 16
	.space 16384
stack_top:

	/* No executable stack: the linker would warn. */
	.section .note.GNU-stack, "", @progbits
