#!/usr/bin/env bash
# Checks that C and C++ files are formatted as the root .clang-format says, with the clang-format the
# installer pins (clang-format-14, tools/install-deps.sh): a different version formats differently, so
# the check names the one it needs rather than using whatever `clang-format` is on PATH.
#
# Usage: tools/check_format.sh                 every tracked .c/.cc/.cpp/.h/.hpp file of the repository
#        tools/check_format.sh FILE...         just these files (the self-test uses a fixture)
# Prints each file that would change and exits 1 if there is one. Fix with: clang-format-14 -i FILE
# (the fixtures under tests/tools/ are unformatted on purpose and are left out of the tree check).
set -euo pipefail
cd "$(dirname "$0")/.."
formatter=clang-format-14
command -v "$formatter" >/dev/null || { echo "check_format: $formatter not found (tools/install-deps.sh installs it)" >&2; exit 2; }

if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(git ls-files '*.c' '*.cc' '*.cpp' '*.h' '*.hpp' | grep -v '^tests/tools/')
fi
bad=0
for f in "${files[@]}"; do
  if ! "$formatter" --style=file --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "check_format: $f is not formatted ($formatter -i $f)"
    bad=$((bad + 1))
  fi
done
echo "check_format: ${#files[@]} files, $bad not formatted"
[ "$bad" -eq 0 ]
