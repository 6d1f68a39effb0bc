// A fuzz target whose process leaks at exit once it has run more than three inputs: what a job
// of a long campaign shows when LeakSanitizer finds a leak only at the job's end.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
static void *volatile kept;
static int inputs;
static void leak(void) {
    if (inputs > 3) kept = malloc(77);
    kept = NULL;
}
int LLVMFuzzerInitialize(int *argc, char ***argv) { (void)argc; (void)argv; atexit(leak); return 0; }
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { (void)data; (void)size; ++inputs; return 0; }
