#!/usr/bin/python3
# examples/adapters/compare_verdicts.py — compares `mc2conf judge`'s verdicts on the torch CPU
# adapter (results.json) with the ones reports/third_party/torch_cpu.md explains
# (expected_torch_cpu.txt: "<bundle> <case index> <STATUS>" lines). Any moved verdict, and any
# case FAILED because the adapter left no answer, is printed and fails (exit 1).
#   compare_verdicts.py RESULTS_JSON EXPECTED_TXT BUNDLE_NAME [--write]
import json
import sys


def main():
    results, expected_path, bundle = sys.argv[1:4]
    write = "--write" in sys.argv[4:]
    with open(results) as f:
        cases = json.load(f)["cases"]
    got = {i: c["result"]["status"] for i, c in enumerate(cases)}
    if write:  # regenerating the expectations after a reviewed change of the report
        lines = [line for line in open(expected_path) if not line.startswith(bundle + " ")] if \
            __import__("os").path.exists(expected_path) else []
        lines += [f"{bundle} {i} {s}\n" for i, s in sorted(got.items())]
        open(expected_path, "w").writelines(lines)
        return 0
    want = {}
    for line in open(expected_path):
        parts = line.split()
        if len(parts) == 3 and parts[0] == bundle:
            want[int(parts[1])] = parts[2]
    bad = 0
    for i, c in enumerate(cases):
        reason = c["result"].get("reason", "")
        if "adapter wrote no answer" in reason or "status.json" in reason:
            print(f"{bundle} case {i}: the adapter left no usable answer: {reason}")
            bad += 1
        elif want.get(i) != got[i]:
            print(f"{bundle} case {i}: {got[i]}, expected {want.get(i, 'no verdict on record')}: {reason[:300]}\n"
                  f"    {c['result'].get('descriptor', '')}")
            bad += 1
    if len(want) != len(got):
        print(f"{bundle}: {len(got)} cases judged, {len(want)} on record")
        bad += 1
    print(f"{bundle}: {len(got) - bad} of {len(got)} verdicts as on record")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
