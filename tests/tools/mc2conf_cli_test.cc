// tests/tools/mc2conf_cli_test.cc — runs the mc2conf binary (through the shell, as a user
// would) and checks `convert` on documented conversions (formats.md §11), stdin input, and the
// error contract: one "mc2conf: " line on stderr, exit status 2, no output.
#include <string>

#include <gtest/gtest.h>

#include "tests/tools/run_mc2conf.h"

namespace {

using mc2::testing_tools::Result;
using mc2::testing_tools::RunMc2conf;

void ExpectOutput(const std::string &args, const std::string &expected) {
    const Result r = RunMc2conf(args);
    EXPECT_EQ(r.exit_code, 0) << args << "\nstderr: " << r.err;
    EXPECT_EQ(r.out, expected) << args;
    EXPECT_EQ(r.err, "") << args;
}

TEST(Mc2confConvert, DocumentedEncodings) {
    ExpectOutput("convert --to float16 1.0", "0x3C00\n");
    ExpectOutput("convert --to float16 65520 0x477FEFFF -2.5 -0",
                 "0x7C00\n0x7BFF\n0xC100\n0x8000\n");
    ExpectOutput("convert --to float16 --saturate 65520 -inf", "0x7BFF\n0xFBFF\n");
    ExpectOutput("convert --to float8_e4m3fn 464 0x43E80001", "0x7E\n0x7F\n");
    ExpectOutput("convert --to float8_e4m3fn --saturate 480", "0x7E\n");
    ExpectOutput("convert --to float8_e5m2 61440", "0x7C\n");
    ExpectOutput("convert --to bf16 0x7F7F8000 nan -nan", "0x7F80\n0x7FC0\n0xFFC0\n");
    ExpectOutput("convert --to hifloat8 0x47200000", "0x6F\n");
    ExpectOutput("convert --to hifloat8 --saturate 0x47200000", "0x6E\n");
    ExpectOutput("convert --to hifloat8 -0 0xB4000000 0.1", "0x00\n0x81\n0x52\n");
    ExpectOutput("convert --to float4_e2m1 0.25 1.75 5.01 -inf", "0x0\n0x4\n0x7\n0xF\n");
    ExpectOutput("convert --to float8_e8m0 1.5 0.75 0", "0x7F\n0x7E\n0xFF\n");
    // Positive fp32 subnormals: exponent field 0, the 2^-127 scale (OCP MX rule), not NaN.
    ExpectOutput("convert --to float8_e8m0 0x00000001 0x00200000 0x007FFFFF 0x00800000",
                 "0x00\n0x00\n0x00\n0x01\n");
    // FP4 has no NaN or Inf (OCP MX): Inf saturates to ±max, NaN of either sign gives +0 (the
    // oracle codec's decision; ml_dtypes gives -0 for +NaN, which the spec accepts as well).
    ExpectOutput("convert --to float4_e2m1 inf -inf nan -nan", "0x7\n0xF\n0x0\n0x0\n");
    ExpectOutput("convert --to float4_e1m2 inf -inf nan -nan", "0x7\n0xF\n0x0\n0x0\n");
}

TEST(Mc2confConvert, DocumentedDecodings) {
    ExpectOutput("convert --from hifloat8 0x6E", "0x47000000\n");
    ExpectOutput("convert --from hifloat8 0x6F 0xEF 0x80 0x01",
                 "0x7F800000\n0xFF800000\n0x7FC00000\n0x34800000\n");
    ExpectOutput("convert --from float8_e8m0 0x00 0x7F 0xFF",
                 "0x00400000\n0x3F800000\n0x7FC00000\n");
    ExpectOutput("convert --from float16 0x3C00 0x8000 0x0001",
                 "0x3F800000\n0x80000000\n0x33800000\n");
    ExpectOutput("convert --from float4_e2m1 0xF", "0xC0C00000\n");
}

TEST(Mc2confConvert, ReadsStdin) {
    const Result r = RunMc2conf("convert --to float16 -", "1.0\n  -2.5 \n\n0x477FF000\n");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "0x3C00\n0xC100\n0x7C00\n");
    const Result d = RunMc2conf("convert --from float8_e5m2 -", "0x7B\n0x7C\n");
    EXPECT_EQ(d.exit_code, 0) << d.err;
    EXPECT_EQ(d.out, "0x47600000\n0x7F800000\n");
}

TEST(Mc2confConvert, BadInputIsAOneLineErrorWithExit2) {
    const char *cases[] = {
        "convert --to float32 1",                // unknown format
        "convert --to float16 abc",              // unparsable value
        "convert --to float16 0x3C00",           // bits need exactly 8 hex digits
        "convert --to float16 1.5x",             // trailing junk
        "convert --from float8_e4m3fn 0x100",    // code out of range
        "convert --from float4_e1m2 0x10",       // code out of range for 4 bits
        "convert --from float16 15",             // codes are hex
        "convert --to float16 --from bf16 1",    // both directions
        "convert 1.0",                           // neither direction
        "convert --to float16",                  // no values
        "convert --to float16 1 -",              // '-' mixed with values
        "convert --to float16 --bogus 1",        // unknown option
        "convert --to",                          // option without its value
        "",                                      // no subcommand
    };
    for (const char *args : cases) {
        const Result r = RunMc2conf(args);
        EXPECT_EQ(r.exit_code, 2) << args;
        EXPECT_EQ(r.out, "") << args;
        EXPECT_EQ(r.err.rfind("mc2conf: ", 0), 0u) << args << "\nstderr: " << r.err;
        ASSERT_FALSE(r.err.empty()) << args;
        EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << args << "\nstderr: " << r.err;
    }
    const Result empty_stdin = RunMc2conf("convert --to float16 -", "");
    EXPECT_EQ(empty_stdin.exit_code, 2);
    EXPECT_EQ(empty_stdin.err.rfind("mc2conf: ", 0), 0u) << empty_stdin.err;
    const Result bad_line = RunMc2conf("convert --to float16 -", "1.0\nnope\n");
    EXPECT_EQ(bad_line.exit_code, 2);
    EXPECT_EQ(bad_line.out, "");
}

}  // namespace
