#!/usr/bin/env python3
# Prints "N passed, N failed" over the meson test logs of the build
# directories given, and exits non-zero if a test failed or none ran.
import json
import os
import sys

passed = failed = skipped = 0
for builddir in sys.argv[1:]:
    path = os.path.join(builddir, "meson-logs", "testlog.json")
    if not os.path.exists(path):
        print(f"{builddir}: no test log (did the build fail?)")
        failed += 1
        continue
    with open(path, encoding="utf-8") as log:
        for line in log:
            result = json.loads(line).get("result")
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1

line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed or passed == 0 else 0)
