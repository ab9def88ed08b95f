# The image and its pages file are sealed together (zero copy): as
# cr-seal, with the processes' pages kept in their frames, whose hand-back
# a refused image does not start.

old() {
	seal_old zero-copy
}

new() {
	seal_new
}
