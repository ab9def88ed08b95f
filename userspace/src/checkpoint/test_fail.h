/* Test only: QUICKREBOOT_TEST_FAIL=STEP makes checkpoint fail at STEP, so
 * that its rollback can be tested: "freeze" (pfncheck rolls back after
 * half the threads parked, PFNCHECK_FREEZE_INJECT_HALF), "capture" (after
 * every process is captured), "write" (after the image is written, before
 * it is put in place); and "evacuate" fails zero copy's evacuation of the
 * first memory block, which the checkpoint survives (every page of the
 * first block is then left there). Not for production use. */
#ifndef QR_TEST_FAIL_H
#define QR_TEST_FAIL_H

/* Whether the variable names step; prints that the failure is injected. */
int qr_test_fail(const char *step);

/* Test only: QUICKREBOOT_TEST_PAUSE=STEP:FILE makes checkpoint stop at
 * STEP, create FILE and wait until it is removed (at most 10 minutes), so
 * that a test can kill, unload, lock or signal at that point. The steps,
 * in order: "frozen" (every process frozen, nothing captured), "capture"
 * (every process captured, the pages written under their temporary name),
 * "written" (the image too, not committed), "committed" (handed over to
 * pfncheck, not yet put in place). */
void qr_test_pause(const char *step);

#endif
