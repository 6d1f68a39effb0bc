#!/bin/bash -eu
# fuzz/build.sh — OSS-Fuzz-style build of the fuzzers (google/oss-fuzz projects/<name>/build.sh
# conventions; fuzz/README.md "ClusterFuzz"). Honours:
#   $CC $CXX $CFLAGS $CXXFLAGS   compilers and the sanitizer/coverage flags for every file
#   $LIB_FUZZING_ENGINE          the engine to link (-fsanitize=fuzzer, or a driver library)
#   $OUT                         where the fuzzers, their .dict/.options, seed corpus zips and
#                                libmc2impl_fuzz.so go
#   $SRC/$WORK                   optional: source checkout (default: this script's repository)
#                                and scratch space (default: a temporary directory)
# Outside OSS-Fuzz, defaults make it a local libFuzzer+ASan+UBSan build:
#   OUT=/tmp/mc2-fuzz fuzz/build.sh
repo=$(cd "$(dirname "$0")/.." && pwd)
src=${SRC:+$SRC/mc2conf}
[ -n "$src" ] && [ -f "$src/CMakeLists.txt" ] || src=$repo
: "${OUT:?set OUT to the output directory}"
: "${CC:=clang}" "${CXX:=clang++}"
: "${CFLAGS:=-fsanitize=address,undefined -fsanitize=fuzzer-no-link -fno-sanitize=enum -fno-omit-frame-pointer -gline-tables-only}"
: "${CXXFLAGS:=$CFLAGS}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
work=${WORK:-$(mktemp -d)}
build=$work/mc2conf-fuzz-build
fuzzers=(codec_fuzzer descriptor_fuzzer api_fuzzer differential_fuzzer)

# -fno-sanitize=enum: the ABI's C enums carry any integer (fuzz/CMakeLists.txt says why).
case "$CFLAGS $CXXFLAGS" in
  *undefined*) CFLAGS="$CFLAGS -fno-sanitize=enum"; CXXFLAGS="$CXXFLAGS -fno-sanitize=enum" ;;
esac
export CC CXX CFLAGS CXXFLAGS

# Warnings stay warnings here: OSS-Fuzz's clang is newer than the project's CI compiler.
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DMC2_BUILD_FUZZERS=ON -DMC2_WERROR=OFF -DMC2_LIB_FUZZING_ENGINE="$LIB_FUZZING_ENGINE"
cmake --build "$build" --target "${fuzzers[@]}" mc2impl_fuzz

mkdir -p "$OUT"
# api_fuzzer and differential_fuzzer dlopen libmc2impl_fuzz.so from their own directory.
cp "$build/lib/libmc2impl_fuzz.so" "$OUT/"
for f in "${fuzzers[@]}"; do
  cp "$build/bin/$f" "$OUT/"
  [ -f "$src/fuzz/dict/$f.dict" ] && cp "$src/fuzz/dict/$f.dict" "$OUT/$f.dict"
  [ -f "$src/fuzz/$f.options" ] && cp "$src/fuzz/$f.options" "$OUT/$f.options"
  # Seed corpus: the committed seeds plus every regression input (OSS-Fuzz's "ideal
  # integration": past crashers are replayed as part of the corpus).
  seeds=$work/seeds-$f
  rm -rf "$seeds"
  mkdir -p "$seeds"
  cp "$src/fuzz/corpus/$f/"* "$seeds/" 2>/dev/null || true
  find "$src/fuzz/regressions/$f" -maxdepth 1 -type f ! -name 'README*' ! -name '*.md' \
    -exec cp {} "$seeds/" \; 2>/dev/null || true
  rm -f "$OUT/${f}_seed_corpus.zip"
  (cd "$seeds" && zip -qr "$OUT/${f}_seed_corpus.zip" .)
done
echo "fuzz/build.sh: ${fuzzers[*]} in $OUT"
