#!/usr/bin/python3
# examples/adapters/summarize_verdicts.py — the tables of reports/third_party/torch_cpu.md from
# `mc2conf judge` results: verdicts per operator (one column group per run), then every case that
# did not pass, per operator × case kind × rule, with one reason each.
#   summarize_verdicts.py NAME=RESULTS_JSON [NAME=RESULTS_JSON ...]
import collections
import json
import re
import sys

STATUSES = ("PASSED", "WARNING", "FAILED", "MISTRUSTED", "NOT_SUPPORTED", "CRASH", "TIMEOUT")


def op_of(descriptor):
    return descriptor.split(" ", 1)[0]


def main():
    runs = []
    for arg in sys.argv[1:]:
        name, path = arg.split("=", 1)
        with open(path) as f:
            runs.append((name, json.load(f)["cases"]))
    ops = sorted({op_of(c["result"]["descriptor"]) for _, cases in runs for c in cases})
    head = "| operator | cases |" + "".join(f" {n}: passed / warning / failed / mistrusted / not supported |" for n, _ in runs)
    print(head)
    print("|---|---:|" + "---|" * len(runs))
    for op in ops + ["total"]:
        row, total = "", 0
        for _, cases in runs:
            counts = collections.Counter(c["result"]["status"] for c in cases
                                         if op == "total" or op_of(c["result"]["descriptor"]) == op)
            total = sum(counts.values())
            row += " " + " / ".join(str(counts[s]) for s in STATUSES[:5]) + " |"
        print(f"| {op} | {total} |{row}")
    for name, cases in runs:
        print(f"\nNot PASSED in run `{name}` (operator, kind, rule or note: count — one reason):\n")
        groups, example = collections.Counter(), {}
        for c in cases:
            r = c["result"]
            if r["status"] == "PASSED":
                continue
            key = (r["status"], op_of(r["descriptor"]), c.get("kind", ""), c.get("rule") or c.get("note", ""))
            groups[key] += 1
            example.setdefault(key, re.sub(r"\s+", " ", r.get("reason", ""))[:160])
        for key, n in sorted(groups.items()):
            print(f"- {key[0]} {key[1]} {key[2]} `{key[3]}`: {n} — {example[key]}")


if __name__ == "__main__":
    main()
