// use_harness.cc — parses a case descriptor with the installed harness and prints it back, so
// the harness library, its headers and its dependencies link outside the tree.
#include <cstdio>

#include "harness/case.h"

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    const mc2::harness::CaseParse parsed = mc2::harness::ParseCase(argv[1]);
    if (!parsed.value) {
        std::printf("bad descriptor: %s\n", parsed.error.c_str());
        return 1;
    }
    std::printf("%s\n", parsed.value->ToString().c_str());
    return 0;
}
