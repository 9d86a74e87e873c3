#!/bin/sh
# Fails when a C file of the project is not formatted by .clang-format.
# Fix with: clang-format -i FILE
set -eu
cd "$1"
status=0
for file in $(git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null || find app ui tests -name '*.[ch]'); do
  if ! clang-format --dry-run -Werror "$file" >/dev/null 2>&1; then
    echo "not formatted: $file (run clang-format -i $file)"
    status=1
  fi
done
exit $status
