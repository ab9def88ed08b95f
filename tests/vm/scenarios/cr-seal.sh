# The image and its pages file are sealed together (copy mode): in the
# New kernel, restore refuses, before it creates anything, a pages file
# with 16 bytes overwritten, the pages file of another checkpoint, and a
# truncated one, naming the cause, exiting 3 and leaving the image in
# place; with its own pages back, the process is restored whole.

old() {
	seal_old copy
}

new() {
	seal_new
}
