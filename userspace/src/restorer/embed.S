/* The restorer blob (restorer/blob.c, built flat by the Makefile) inside
 * quickreboot, copied at restore time into a region of its own. */
	.section .rodata
	.balign 4096
	.globl qr_restorer_code
qr_restorer_code:
	.incbin RESTORER_BIN
	.globl qr_restorer_code_end
qr_restorer_code_end:
	.section .note.GNU-stack,"",@progbits
