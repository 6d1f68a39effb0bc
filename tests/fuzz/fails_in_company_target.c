// A fuzz target that fails only in company: it aborts once its process has run three different
// inputs, and takes 50 ms per input. A job of a campaign keeps the third input as a crash, which
// runs clean alone; libFuzzer's minimisation of it replays that one input 500 times (25 s) before
// giving up, which fuzz/campaign must cut short (MC2_CAMPAIGN_MINIMISE_S).
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
static uint64_t seen[3];
static int distinct;
static uint64_t Hash(const uint8_t *data, size_t size) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 1099511628211ULL;
    return h;
}
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const struct timespec pause = {0, 50 * 1000 * 1000};
    nanosleep(&pause, NULL);
    const uint64_t h = Hash(data, size);
    for (int i = 0; i < distinct; ++i) {
        if (seen[i] == h) return 0;
    }
    seen[distinct++] = h;
    if (distinct == 3) abort();
    return 0;
}
