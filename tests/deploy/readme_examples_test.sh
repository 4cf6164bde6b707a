#!/usr/bin/env bash
# Every shell example in the project's Markdown runs as written (issue 13).
#
# The examples are written for a reader who ran the quick start and its
# `export` line, in the repository root. So is this test: in a network
# namespace of its own (the hub's default ports 8883 and 8080 on a loopback
# that nothing else uses, which is what the examples assume), from a scratch
# copy of the repository root (symlinks; build/ is the build under test, so
# files the examples write stay out of the source tree), it
#   1. runs `deploy/quickstart.sh --no-build` (hubd and 5 simulated devices),
#   2. evaluates the `export` line the quick start prints, as a user does,
#   3. stores 1,000 telemetry records (the state of a hub that has run for a
#      few minutes: the examples read from offset 40 and commit offset 540),
#   4. runs the commands the quick start prints under "Then try:",
#   5. runs every example of every Markdown file in the repository
#      (tests/deploy/readme_examples.py: which blocks, markers), README.md
#      first, then in path order, each command in a shell of its own that
#      starts where the previous one ended (exported variables, directory),
# and fails at the first command that fails, naming the file, the line and
# the command, with the command's output. Everything it started is stopped
# on exit, failure or not.
#
# usage: readme_examples_test.sh BUILD_DIR
# Needs root or unprivileged user namespaces (unshare), ip, python3, curl.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build_dir="$(cd "${1:?usage: readme_examples_test.sh BUILD_DIR}" && pwd)"

# Guides (not READMEs) whose examples are not checked here, each with its
# reason: they are written for an installed package on a site (systemd,
# /var/lib/edgehub) or a real device; deploy_package, deploy_backup_restore
# and deploy_linux_device run what they describe.
not_checked=(
  docs/operations.md           # operations guide: an installed package, systemd
  docs/device-onboarding.md    # a real device and an installed hub (/var/lib/edgehub, /etc/edgehub-device)
)

if [[ "${README_TEST_IN_NAMESPACE:-}" != 1 ]]; then
  unshare_args=(--net)
  [[ $EUID -eq 0 ]] || unshare_args+=(--map-root-user)
  exec env README_TEST_IN_NAMESPACE=1 unshare "${unshare_args[@]}" -- bash "$0" "$@"
fi
ip link set lo up

command_timeout=120   # seconds for one example that ends by itself
interrupt_after=5     # seconds an example that runs until Ctrl-C runs first
work="$(mktemp -d /tmp/edgehub-readme.XXXXXX)"
scratch="$work/repo"
state="$work/state"   # what one example leaves to the next: environment, directory
interrupted_pid=""
export EDGEHUB_QUICKSTART_DIR="$scratch/quickstart"

cleanup() {
  local status=$?
  if [[ -n "$interrupted_pid" ]]; then kill -KILL -- "-$interrupted_pid" 2>/dev/null || true; fi
  if [[ -x "$scratch/deploy/quickstart.sh" ]]; then
    "$scratch/deploy/quickstart.sh" stop >/dev/null 2>&1 || true
  fi
  # A broker whose hubd died: hubd leaves it running by design.
  if [[ -f "$EDGEHUB_QUICKSTART_DIR/hub-data/broker/mosquitto.pid" ]]; then
    kill -KILL "$(cat "$EDGEHUB_QUICKSTART_DIR/hub-data/broker/mosquitto.pid")" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

fail() {
  printf 'FAIL: %s\n' "$1" >&2
  shift
  (($#)) && printf '%s\n' "$@" >&2
  exit 1
}

# The scratch repository root: the tracked top-level entries as symlinks.
mkdir -p "$scratch" "$state"
for entry in "$repo"/* "$repo"/.[!.]*; do
  name="$(basename "$entry")"
  case "$name" in build* | quickstart | .git) continue ;; esac
  ln -s "$entry" "$scratch/$name"
done
ln -s "$build_dir" "$scratch/build"
cd "$scratch"

# 1-2. The quick start and its export line.
quickstart_output="$(deploy/quickstart.sh --no-build 2>&1)" ||
  fail "deploy/quickstart.sh --no-build failed" "$quickstart_output" "$(tail -20 "$EDGEHUB_QUICKSTART_DIR/hubd.log" 2>/dev/null)"
export_line="$(grep -E '^ *export PATH=' <<<"$quickstart_output")" ||
  fail "the quick start printed no export line" "$quickstart_output"
eval "$export_line"
[[ "$(command -v hubctl)" == "$scratch/build/bin/hubctl" ]] ||
  fail "after the export line, hubctl is $(command -v hubctl), not the quick start's" "$export_line"

# 3. A hub that has run a few minutes.
firmware-sim --cert-dir "$work/filler" --id-prefix filler- --devices 10 --register \
  --hub "$HUBCTL_URL" --token "$HUBCTL_TOKEN" --count 100 --interval-ms 10 >"$work/filler.log" 2>&1 ||
  fail "storing 1,000 telemetry records failed" "$(tail -20 "$work/filler.log")"

# Runs one example: `example FILE LINE MODE`, the command on stdin.
example() {
  local file="$1" line="$2" mode="$3" command script="$work/example.sh" output="$work/example.out"
  command="$(cat)"
  local started=$SECONDS
  # shellcheck disable=SC2016  # expanded by the example's shell, not here
  {
    printf 'source %q\ncd "$(cat %q)"\n' "$state/environment" "$state/directory"
    printf '%s\n' "$command"
    printf '__status=$?\nexport -p >%q\npwd >%q\nexit $__status\n' "$state/environment" "$state/directory"
  } >"$script"
  local status=0
  if [[ "$mode" == run ]]; then
    timeout -k 5 "$command_timeout" bash "$script" >"$output" 2>&1 </dev/null || status=$?
    ((status != 124)) || fail "$file:$line: did not end within ${command_timeout} s: $command" "$(tail -30 "$output")"
    ((status == 0)) || fail "$file:$line: exit status $status: $command" "$(tail -30 "$output")"
  else
    # Runs until Ctrl-C: it must still be running (or have ended well) after
    # a few seconds, and end at SIGINT to its process group, as at Ctrl-C.
    # Job control gives it a process group of its own and, unlike a plain
    # `&`, leaves SIGINT as it is for a command started from a terminal.
    set -m
    bash "$script" >"$output" 2>&1 </dev/null &
    interrupted_pid=$!
    set +m
    local waited=0
    while ((waited < interrupt_after * 10)) && kill -0 "$interrupted_pid" 2>/dev/null; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "$interrupted_pid" 2>/dev/null; then
      kill -INT -- "-$interrupted_pid" 2>/dev/null || true
      waited=0
      while ((waited < 600)) && kill -0 "$interrupted_pid" 2>/dev/null; do
        sleep 0.1
        waited=$((waited + 1))
      done
      kill -0 "$interrupted_pid" 2>/dev/null &&
        fail "$file:$line: still running 60 s after Ctrl-C: $command" "$(tail -30 "$output")"
    fi
    wait "$interrupted_pid" || status=$?
    interrupted_pid=""
    # 130: ended by the SIGINT itself, which is how Ctrl-C ends most programs.
    ((status == 0 || status == 130)) || fail "$file:$line: exit status $status: $command" "$(tail -30 "$output")"
  fi
  printf 'ok (%d s) %s:%s: %s\n' $((SECONDS - started)) "$file" "$line" "$command"
}

export -p >"$state/environment"
pwd >"$state/directory"

# 4. What the quick start says to try.
try_line=0
while IFS= read -r command; do
  try_line=$((try_line + 1))
  example "deploy/quickstart.sh output, \"Then try\"" "$try_line" run <<<"$command"
done < <(sed -n '/^Then try:/,/^Logs:/p' <<<"$quickstart_output" | sed -n 's/^  \(hubctl .*\)$/\1/p')
((try_line >= 3)) || fail "the quick start printed no commands to try" "$quickstart_output"

# 5. Every example of every Markdown file.
mapfile -t markdown < <(cd "$repo" && { git ls-files '*.md' 2>/dev/null || find . -name '*.md' -printf '%P\n'; } | sort)
files=(README.md)
for file in "${markdown[@]}"; do
  [[ "$file" == README.md ]] && continue
  for excluded in "${not_checked[@]}"; do [[ "$file" == "$excluded"* ]] && continue 2; done
  files+=("$file")
done
(cd "$repo" && python3 tests/deploy/readme_examples.py "${files[@]}") >"$work/examples.sh" ||
  fail "extracting the examples failed"
count="$(grep -c '^example ' "$work/examples.sh")" || true
((count >= 20)) || fail "only $count examples found in ${#files[@]} files"
# shellcheck source=/dev/null
source "$work/examples.sh"
echo "PASS: $try_line commands the quick start prints and $count examples from ${#files[@]} Markdown files ran as written"
