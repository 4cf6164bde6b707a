#!/usr/bin/env bash
# Condenses a build's output into one progress line: reads `cmake --build`
# output on stdin, appends all of it to LOG, and shows how far the build is
# ("[n/N]" from Ninja, "[ NN%]" from Makefiles), the time spent and the time
# left: on a terminal one line updated in place, otherwise a line every 15 s.
#
#   cmake --build build ... 2>&1 | deploy/build-progress.sh LOG [ESTIMATE_SECONDS]
#
# ESTIMATE_SECONDS (the estimate made before the build) stands for the time
# left until a tenth of the build is done; after that the time left is
# extrapolated from the pace so far. Exits 0; the caller takes the build's
# status from PIPESTATUS.
set -uo pipefail
log="${1:?usage: build-progress.sh LOG [ESTIMATE_SECONDS]}"
estimate="${2:-}"

minutes() {  # 95 -> "1m35s"
  local s=$1
  if ((s >= 60)); then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}

interactive=0
[[ -t 1 ]] && interactive=1
start=$SECONDS last_shown=-100 permille=0 steps=""

show() {
  local elapsed=$((SECONDS - start)) left=""
  if ((permille >= 100 && permille < 1000)); then
    left=$((elapsed * (1000 - permille) / permille))
  elif [[ -n "$estimate" ]] && ((permille < 100)); then
    left=$((estimate - elapsed))
    ((left > 0)) || left=""
  fi
  local text
  text="$(printf '  building: %3d%%%s, %s so far' $((permille / 10)) "$steps" "$(minutes "$elapsed")")"
  [[ -n "$left" ]] && text+=", about $(minutes "$left") left"
  if ((interactive)); then
    printf '\r\033[K%s' "$text"
  else
    printf '%s\n' "$text"
  fi
  last_shown=$SECONDS
}

: >>"$log"
while IFS= read -r line; do
  printf '%s\n' "$line" >>"$log"
  if [[ "$line" =~ ^\[([0-9]+)/([0-9]+)\] ]]; then         # Ninja
    permille=$((BASH_REMATCH[1] * 1000 / BASH_REMATCH[2]))
    steps=" (${BASH_REMATCH[1]}/${BASH_REMATCH[2]} steps)"
  elif [[ "$line" =~ ^\[\ *([0-9]+)%\] ]]; then            # Makefiles
    permille=$((BASH_REMATCH[1] * 10))
  else
    continue
  fi
  if ((interactive && SECONDS != last_shown)) || ((SECONDS - last_shown >= 15)); then show; fi
done
show
((interactive)) && printf '\n'
exit 0
