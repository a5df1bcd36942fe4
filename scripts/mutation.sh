#!/usr/bin/env bash
# Mutation testing of the modules whose rules matter most: mutmut 3 changes one thing at a time in a
# module (a `<` into `<=`, a True into False, a dropped argument) and runs that module's tests; a
# change no test notices is a rule nobody checks. Prints the kill rate per module and lists survivors.
#
# Slow (minutes per module on two cores), so not part of scripts/test.sh or .ci/run. Each module runs
# alone in a throwaway copy of the working tree with only the test files that cover it.
#   bash scripts/mutation.sh                 all four modules
#   bash scripts/mutation.sh workflow status only those (workflow, audit, hazards, status)
# Needs the [mutation] extra (pip install -e '.[mutation]') and, as the tests do, INSPECTOR_TEST_PG_URL
# only if a listed test file uses PostgreSQL (none of the ones below does).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=$(command -v python3)
CHILDREN=${MUTMUT_CHILDREN:-2}

declare -A SOURCE=(
  [workflow]=inspector_app/core/workflow.py
  [audit]=inspector_app/core/audit.py
  [hazards]=inspector_app/core/hazards.py
  [status]=inspector_app/web/status.py
)
declare -A TESTS=(
  [workflow]="tests/unit/test_workflow.py"
  [audit]="tests/unit/test_audit.py"
  [hazards]="tests/unit/test_hazard_use_cases.py tests/unit/test_bulk_status.py"
  [status]="tests/unit/test_public_status.py"
)
MODULES=("$@")
[ ${#MODULES[@]} -gt 0 ] || MODULES=(workflow audit hazards status)

WORK=$(mktemp -d /tmp/inspector-mutation.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
SUMMARY=()
for module in "${MODULES[@]}"; do
  source_file=${SOURCE[$module]:-}
  if [ -z "$source_file" ]; then echo "mutation.sh: unknown module '$module' (workflow, audit, hazards, status)" >&2; exit 2; fi
  tests=()
  for test_file in ${TESTS[$module]}; do [ -f "$test_file" ] && tests+=("$test_file"); done
  copy="$WORK/$module"
  mkdir -p "$copy"
  # The working tree as it is (uncommitted changes included), without caches or old mutants.
  tar -C "$ROOT" --exclude=.git --exclude=.venv --exclude=mutants --exclude=__pycache__ --exclude=demo -cf - . \
    | tar -C "$copy" -xf -
  {
    echo
    echo "[tool.mutmut]"
    echo "source_paths = [\"inspector_app\"]"
    echo "only_mutate = [\"$source_file\"]"
    printf 'pytest_add_cli_args_test_selection = [%s]\n' "$(printf '"%s", ' "${tests[@]}")"
    echo 'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]'
  } >> "$copy/pyproject.toml"
  echo "== $module: $source_file with ${tests[*]}"
  (
    cd "$copy"
    # The mutated copy under mutants/ must be what the tests import, never the real tree.
    unset PYTHONPATH
    export QT_QPA_PLATFORM=offscreen LANG=C.UTF-8 INSPECTOR_FLOORPLANS="${INSPECTOR_FLOORPLANS:-$ROOT/../shared/floorplans}"
    "$PYTHON" -m mutmut run --max-children "$CHILDREN" >"$WORK/$module.log" 2>&1 || {
      tail -n 30 "$WORK/$module.log" >&2; echo "mutation.sh: mutmut failed on $module" >&2; exit 1; }
    "$PYTHON" -m mutmut export-cicd-stats >/dev/null
    "$PYTHON" -m mutmut results | sed -n 's/^ *\([^:]*\): \(survived\|no tests\|timeout\|suspicious\)$/\1 \2/p' \
      > "$WORK/$module.survivors"
    while read -r name state; do
      echo "-- $state: $name"
      "$PYTHON" -m mutmut show "$name" 2>/dev/null | grep '^[-+][^-+]' || true
    done < "$WORK/$module.survivors"
  )
  line=$("$PYTHON" - "$copy/mutants/mutmut-cicd-stats.json" "$module" <<'EOF'
import json, sys
stats = json.load(open(sys.argv[1]))
total = stats["total"] - stats["skipped"]
killed = stats["killed"] + stats["timeout"]  # a mutant that makes a test hang is caught too
rate = 100.0 * killed / total if total else 0.0
print(f"{sys.argv[2]:9} {killed:4d}/{total:<4d} killed  {rate:5.1f}%   survived {stats['survived']}, "
      f"no tests {stats['no_tests']}")
EOF
)
  echo "$line"
  SUMMARY+=("$line")
done
echo
echo "== kill rate per module"
printf '%s\n' "${SUMMARY[@]}"
