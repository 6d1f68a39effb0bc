#!/usr/bin/env python3
# examples/adapters/front_end_fake.py — answers the front-end cases of a case bundle
# (`mc2conf export --front-end NAME`) with the front-end checks and dispatch of mc2_front_ends.py
# alone: no torch, no numpy, nothing computed. A refused call is answered as refused at its check;
# an accepted one as dispatched (API, arguments, tensors) and `not_supported` for the outputs, so
# `mc2conf judge` judges the front-end's decisions and nothing else. `--bug` plants one of
# mc2_front_ends.BUGS, for the test that the judge catches a broken front-end (ctest
# adapters.front_end_fake, examples/adapters/ctest_front_end_fake.sh).
#   front_end_fake.py BUNDLE [--bug skip:<check id> | pertoken-to-v1 | forward-comm-quant-mode |
#                             msp-quant-to-wq | msp-wq-drop-group-size]
import argparse
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import mc2_front_ends as F  # noqa: E402


class Meta:
    """A tensor as the front-end sees it before any data: dtype and shape."""

    def __init__(self, entry):
        self.name, self.dtype, self.shape = entry["name"], entry["dtype"], list(entry["shape"])


def answer(case, rank_entry):
    tensors = {t["name"]: Meta(t) for t in rank_entry["tensors"]
               if not t.get("null") and t["role"] != "output"}
    verdict = F.front_end(rank_entry["function"], rank_entry["kwargs"], tensors, int(case["world"]))
    if verdict is None:
        return {"not_supported": f"{rank_entry['function']}: this route is not implemented by the fake"}
    if isinstance(verdict, F.Refused):
        return {"front_end": {"refused": verdict.check}, "messages": verdict.text}
    return {"front_end": {"dispatched": verdict.answer()},
            "not_supported": "front-end checks only: front_end_fake.py computes no operator"}


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("bundle")
    p.add_argument("--bug", action="append", default=[], help="a fault of mc2_front_ends.BUGS to plant")
    args = p.parse_args()
    F.BUGS.update(args.bug)
    with open(os.path.join(args.bundle, "manifest.json")) as f:
        manifest = json.load(f)
    done = 0
    for case in manifest["cases"]:
        if "front_end" not in case:
            continue
        for rank_entry in case["ranks"]:
            path = os.path.join(args.bundle, rank_entry["status_file"])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                json.dump(answer(case, rank_entry), f)
                f.write("\n")
        done += 1
    print(f"front_end_fake: answered {done} front-end cases{' with ' + ', '.join(args.bug) if args.bug else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
