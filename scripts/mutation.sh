#!/usr/bin/env bash
# Mutation testing of the modules whose rules matter most: mutmut 3 changes one thing at a time in a
# module (a `<` into `<=`, a True into False, a dropped argument) and runs that module's tests; a
# change no test notices is a rule nobody checks. Prints the kill rate per module and lists survivors.
#
# Slow (minutes per module on two cores), so not part of scripts/test.sh or .ci/run. Each module runs
# alone in a throwaway copy of the working tree with only the test files that cover it.
#   bash scripts/mutation.sh                 all nine modules
#   bash scripts/mutation.sh workflow status only those (workflow, audit, audit_verify, hazards, status,
#                                            event_rules, push_checks, signatures: the server's checks of
#                                            pushed rows and events; pull_pages: the pull's paging)
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
  [audit_verify]=inspector_app/core/audit_verify.py
  [hazards]=inspector_app/core/hazards.py
  [status]=inspector_app/web/public/status.py
  [event_rules]=inspector_app/core/event_rules.py
  [push_checks]=inspector_app/core/sync/push_checks.py
  [signatures]=inspector_app/core/signatures.py
  [pull_pages]=inspector_app/core/sync/pull_pages.py
)
declare -A TESTS=(
  [workflow]="tests/unit/test_workflow.py"
  [audit]="tests/unit/test_audit.py tests/unit/test_audit_damage.py"
  [audit_verify]="tests/unit/test_audit_damage.py tests/unit/test_audit.py tests/unit/test_audit_verify_figures.py
                 tests/unit/test_signatures.py tests/unit/test_audit_event_data.py"
  [hazards]="tests/unit/test_hazard_use_cases.py tests/unit/test_bulk_status.py tests/unit/test_hazard_texts_language.py"
  [status]="tests/unit/test_public_status.py tests/unit/test_public_status_language.py"
  [event_rules]="tests/unit/test_event_rules.py tests/unit/test_event_rules_edges.py"
  [push_checks]="tests/unit/test_push_checks.py tests/sync/test_rectification_links.py"
  [signatures]="tests/unit/test_signatures.py tests/unit/test_signature_registry.py"
  [pull_pages]="tests/unit/test_pull_pages.py"
)
MODULES=("$@")
[ ${#MODULES[@]} -gt 0 ] || MODULES=(workflow audit audit_verify hazards status event_rules push_checks signatures
                                     pull_pages)

WORK=$(mktemp -d /tmp/inspector-mutation.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
SUMMARY=()
for module in "${MODULES[@]}"; do
  source_file=${SOURCE[$module]:-}
  if [ -z "$source_file" ]; then echo "mutation.sh: unknown module '$module' (${!SOURCE[*]})" >&2; exit 2; fi
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
    # forms/ and resources/ live beside the package (issue 20); mutmut copies only the package and tests.
    echo 'also_copy = ["forms", "resources"]'
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
    # Each survivor as the change it made, read from mutmut's own mutant file in one process
    # (`mutmut show` takes seconds per survivor).
    "$PYTHON" - "mutants/$source_file.meta" "mutants/$source_file" <<'EOF'
import difflib, json, re, sys
codes = json.load(open(sys.argv[1]))["exit_code_by_key"]
text = open(sys.argv[2]).read()
# Each mutant's function (a method too: mutmut indents those) up to the next line indented no deeper, but
# for the ")" that closes a signature written over several lines (its parameters are part of the mutant).
blocks, name, indent = {}, None, 0
for line in text.splitlines():
    found = re.match(r"( *)def (x\S+?__mutmut_\w+)\(", line)
    if found:
        name, indent = found.group(2), len(found.group(1))
        blocks[name] = [line.replace(name, "")]  # the signature too: a changed default shows
    elif name and line.strip() and len(line) - len(line.lstrip()) <= indent and not line.lstrip().startswith(")"):
        name = None
    elif name:
        blocks[name].append(line)
for key, code in codes.items():
    state = {0: "survived", 5: "no tests", 33: "no tests", 35: "suspicious"}.get(code)
    if state is None:  # killed, timed out (caught too), skipped or not run
        continue
    name = key.rsplit(".", 1)[1]
    original = blocks.get(name.rsplit("__mutmut_", 1)[0] + "__mutmut_orig", [])
    diff = [line.strip() for line in difflib.unified_diff(original, blocks.get(name, []), lineterm="", n=0)
            if line[:1] in "+-" and line[:3] not in ("---", "+++") and "mutmut" not in line]
    print(f"-- {state}: {name}\n   " + "\n   ".join(diff))
EOF
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
