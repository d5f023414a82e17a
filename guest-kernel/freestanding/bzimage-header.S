/*
 * The bzImage wrapper of solo's freestanding test guests (hostile/,
 * ctxcheck/): the first 1024 bytes are the real-mode sectors of a bzImage
 * holding nothing but the setup header loader/linux_boot.c checks
 * (protocol 2.15, loaded high, relocatable, 4 KiB alignment, preferred
 * load address 1 MiB, where each guest's linker script links its code).
 * solo starts the payload in 32-bit protected mode at that address with
 * ESI pointing at the zero page. The guest's linker script provides
 * payload_syssize (payload bytes / 16) and payload_init_size (bytes from
 * the load address to the end of its .bss).
 */
#define LOAD_ADDRESS 0x100000

	.section .setup, "a"
	.code16
	.org 0x1f1
setup_sects:	.byte 1                 /* (1 + 1) * 512 bytes of setup */
root_flags:	.word 0
syssize:	.long payload_syssize
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
	.long payload_init_size         /* init_size */
	.long 0                         /* handover_offset */
header_end:
	.org 0x400

	/* No executable stack: the linker would warn. */
	.section .note.GNU-stack, "", @progbits
