#!/usr/bin/env bash
# tests/install/install_test.sh BUILD_DIR CXX_COMPILER SOURCE_DIR — ctest `install` (issue 11):
# installs the build into a temporary prefix, runs the installed mc2conf from a directory
# outside the tree (it must use the prefix's child and libmc2impl.so, never the build tree's),
# and builds tests/install/consumer against the prefix with find_package(mc2conf).
set -euo pipefail
build=${1:?build dir}
cxx=${2:?C++ compiler}
source=${3:?source dir}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mc2conf-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
fail() { echo "install_test: FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" || { cat "$tmp/install.log"; fail "cmake --install"; }
for f in bin/mc2conf libexec/mc2conf/mc2conf-case lib/libmc2impl.so lib/libmc2oracle.a \
         lib/cmake/mc2conf/mc2confConfig.cmake lib/cmake/mc2conf/mc2confTargets.cmake \
         include/mc2conf/acl/acl.h include/mc2conf/aclnnop/aclnn_matmul_all_reduce.h \
         include/mc2conf/oracle/codecs/codebook.h include/mc2conf/harness/case.h \
         share/man/man1/mc2conf.1 share/doc/mc2conf/contract.md; do
  [ -e "$prefix/$f" ] || fail "$f not installed"
done
# No path of the build or source tree may be baked into the CMake package.
if grep -rl -e "$build" -e "$source" "$prefix/lib/cmake/mc2conf"; then fail "the CMake package names the build tree"; fi

mkdir "$tmp/work"
cd "$tmp/work"
# The installed binary, run as a vendor would: no MC2_CASE_CHILD, not from the tree.
unset MC2_CASE_CHILD
mc2conf=$prefix/bin/mc2conf
"$mc2conf" --version >version.txt || fail "--version"
cat version.txt
grep -qx "default implementation: $prefix/lib/libmc2impl.so" version.txt || fail "default implementation not the prefix's"
grep -qx "case child: $prefix/libexec/mc2conf/mc2conf-case" version.txt || fail "case child not the prefix's"
"$mc2conf" --help | grep -q "man mc2conf" || fail "--help"
"$mc2conf" run --help | grep -q -- "--gate" || fail "run --help"

"$mc2conf" run --gate quick --limit 20 --jobs 2 --out results >run.log 2>&1 || { cat run.log; fail "quick gate (20 cases)"; }
tail -n 1 run.log
grep -q "quick gate: 20 cases" run.log || fail "the gate did not run 20 cases"
for f in results.json junit.xml report.md report.html; do [ -s "results/$f" ] || fail "results/$f missing"; done
grep -q "\"$prefix/lib/libmc2impl.so\"" results/results.json || fail "results.json does not name the prefix's library"
# The reports' contract text is compiled in: report.md carries it without a source tree.
grep -qi "contract" results/report.md || fail "report.md lacks the numerics contract"

# Ranks as processes from the prefix (where the build has MPI): mc2conf hands --mpi over to the
# installed mc2conf-mpi beside it, whose ranks start the prefix's case child.
if [ -x "$build/bin/mc2conf-mpi" ] && command -v mpirun >/dev/null; then
  [ -x "$prefix/bin/mc2conf-mpi" ] || fail "bin/mc2conf-mpi not installed"
  mpirun --allow-run-as-root --oversubscribe -np 2 "$mc2conf" run --mpi --gate quick --limit 8 --out mpi-results \
    >mpi.log 2>&1 || { cat mpi.log; fail "quick gate over 2 MPI processes"; }
  tail -n 1 mpi.log
  grep -q "ranks as processes over 2 MPI processes" mpi.log || fail "the --mpi run did not use 2 MPI processes"
  [ -s mpi-results/results.json ] || fail "mpi-results/results.json missing"
fi

# A project of its own, against the prefix only.
cmake -S "$source/tests/install/consumer" -B consumer -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$prefix" >consumer.log 2>&1 || { cat consumer.log; fail "consumer configure"; }
cmake --build consumer >>consumer.log 2>&1 || { cat consumer.log; fail "consumer build"; }
./consumer/use_oracle || fail "use_oracle"
descriptor='matmul_all_reduce platform=atlas_a2 world=2 x1=float16[16,32] x2=float16[32,24] bias=- group=comm reduce_op="sum" comm_turn=0 stream_mode=1 output=float16[16,24] seed=1 dist=normal sched=0'
out=$(./consumer/use_harness "$descriptor") || fail "use_harness: $out"
[ "$out" = "$descriptor" ] || fail "use_harness printed '$out'"
echo "install_test: ok"
