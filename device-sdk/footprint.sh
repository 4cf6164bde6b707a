#!/usr/bin/env bash
# Measures the device SDK on a microcontroller: builds the core (MQTT, hub
# protocol, backoff, offline buffer, common/'s topics) and the minimal device
# of examples/minimal_device for a Cortex-M4 with arm-none-eabi-g++ -Os,
# links with --gc-sections, and prints what was kept of each object
# (.text including .rodata, .data, .bss), the totals, and whether any heap
# function (malloc, free, operator new/delete, ...) was linked. Twice: the
# minimal device (telemetry and commands; no twins: it does not set
# on_desired, so no twin code is linked), then the same example built with
# EDGEHUB_EXAMPLE_TWINS=1 (desired properties applied and reported).
#
# usage: device-sdk/footprint.sh [--work-dir DIR] [--max-sdk-text BYTES]
#                                [--max-sdk-text-with-twins BYTES]
#
# The last line is one JSON object:
#   {"target":..,"text":..,"data":..,"bss":..,"sdk_text":..,"sdk_data":..,
#    "sdk_bss":..,"heap_symbols":..,"text_with_twins":..,"sdk_text_with_twins":..}
# text/data/bss: the minimal device's whole linked image (SDK + example +
# libc/libgcc helpers); sdk_*: the SDK's own objects (core + edgehub_topics)
# in it; *_with_twins: the same for the example with twins; heap_symbols:
# heap functions linked into either image.
# Exit status: 0 ok; 1 heap symbols linked, a build error, or an SDK text
# above --max-sdk-text (minimal) or --max-sdk-text-with-twins; 77 the ARM
# toolchain is not installed (a skip for ctest).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
work_dir=""
max_sdk_text=0
max_sdk_text_with_twins=0
while (($#)); do
  case "$1" in
    --work-dir) work_dir=$2; shift 2 ;;
    --max-sdk-text) max_sdk_text=$2; shift 2 ;;
    --max-sdk-text-with-twins) max_sdk_text_with_twins=$2; shift 2 ;;
    *) echo "footprint: unknown argument $1" >&2; exit 2 ;;
  esac
done

CXX=${ARM_CXX:-arm-none-eabi-g++}
NM=${CXX%g++}nm
if ! command -v "$CXX" >/dev/null || ! command -v "$NM" >/dev/null; then
  echo "footprint: $CXX not found (Debian: apt-get install gcc-arm-none-eabi libstdc++-arm-none-eabi-newlib); skipped"
  exit 77
fi

cleanup_dir=""
if [[ -z $work_dir ]]; then
  work_dir=$(mktemp -d)
  cleanup_dir=$work_dir
fi
trap '[[ -n $cleanup_dir ]] && rm -rf "$cleanup_dir"' EXIT
mkdir -p "$work_dir/obj" "$work_dir/minimal" "$work_dir/twins"

target_flags=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16)
cxx_flags=(-std=c++17 -Os -fno-exceptions -fno-rtti -fno-threadsafe-statics
  -fno-asynchronous-unwind-tables -ffunction-sections -fdata-sections
  -Wall -Wextra -Wpedantic -Wshadow -Wno-missing-field-initializers -Werror
  -I"$here/include" -I"$here/src" -I"$root/common/include" ${FOOTPRINT_EXTRA_FLAGS:-})

sdk_sources=("$here"/src/*.cpp "$here"/src/*/*.cpp "$root/common/src/topics.cpp")
example_sources=("$here"/examples/minimal_device/*.cpp)
sdk_objects=()
for source in "${sdk_sources[@]}"; do
  object="$work_dir/obj/$(basename "${source%.cpp}").o"
  "$CXX" "${target_flags[@]}" "${cxx_flags[@]}" -c "$source" -o "$object"
  sdk_objects+=("$object")
done

# The skeleton port must keep compiling for the target too (not linked: its
# platform calls are placeholders).
"$CXX" "${target_flags[@]}" "${cxx_flags[@]}" -c "$here/port/skeleton/skeleton_port.cpp" \
  -o "$work_dir/skeleton_port.o"

sdk_names=$(for source in "${sdk_sources[@]}"; do basename "${source%.cpp}.o"; done | sort | tr '\n' ' ')
heap_pattern='^(malloc|free|calloc|realloc|_malloc_r|_free_r|_sbrk|_sbrk_r|_Zn[wa][jm]|_Zn[wa][jm]RKSt9nothrow_t|_Zd[la]Pv|_Zd[la]Pv[jm]|_Zd[la]PvRKSt9nothrow_t|__cxa_allocate_exception|__cxa_throw)$'

# measure <variant> <example flags...>: builds the example into
# $work_dir/<variant>/, links it with the SDK, prints its table, and writes
# "text data bss sdk_text sdk_data sdk_bss heap_count" to <variant>/totals.
measure() {
  local variant=$1
  shift
  local dir="$work_dir/$variant" objects=("${sdk_objects[@]}") source object
  for source in "${example_sources[@]}"; do
    object="$dir/$(basename "${source%.cpp}").o"
    "$CXX" "${target_flags[@]}" "${cxx_flags[@]}" "$@" -c "$source" -o "$object"
    objects+=("$object")
  done
  local elf="$dir/minimal_device.elf" map="$dir/minimal_device.map"
  "$CXX" "${target_flags[@]}" -Os -nostartfiles --specs=nano.specs --specs=nosys.specs \
    -Wl,--gc-sections -Wl,-e,main -Wl,-Map="$map" "${objects[@]}" -o "$elf"

  # Input sections the linker kept, summed per object file. A map line carries
  # " .section address size file"; long section names put the rest on the next line.
  awk -v sdk_names="$sdk_names" '
    BEGIN { n = split(sdk_names, list, " "); for (i = 1; i <= n; i++) is_sdk[list[i]] = 1; in_sections = 0 }
    /^Linker script and memory map/ { in_sections = 1; next }
    !in_sections { next }
    /^ \.(text|rodata|data|bss)/ || /^ COMMON/ {
      pending = $1
      if (NF >= 4) { record($1, $3, $4); pending = "" }
      next
    }
    pending != "" && /^ +0x/ {
      if (NF >= 3) record(pending, $2, $3)
      pending = ""
      next
    }
    { pending = "" }
    function hex_value(text,    i, value) {  # mawk has no strtonum
      value = 0
      text = tolower(text); sub(/^0x/, "", text)
      for (i = 1; i <= length(text); i++) value = value * 16 + index("0123456789abcdef", substr(text, i, 1)) - 1
      return value
    }
    function record(section, size_hex, file,    size, name, kind) {
      size = hex_value(size_hex)
      if (size == 0) return
      name = file; sub(/.*\//, "", name)
      if (name ~ /\.o\)$/ || name ~ /\.a\(/) { sub(/.*\(/, "", name); sub(/\)$/, "", name); name = "lib:" name }
      kind = section ~ /^\.(text|rodata)/ ? "text" : (section ~ /^\.data/ ? "data" : "bss")
      sizes[name, kind] += size; names[name] = 1
    }
    END {
      printf "%-28s %7s %7s %7s\n", "object", "text", "data", "bss"
      for (name in names) order[++count] = name
      for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++) if (order[j] < order[i]) { t = order[i]; order[i] = order[j]; order[j] = t }
      for (i = 1; i <= count; i++) {
        name = order[i]
        printf "%-28s %7d %7d %7d\n", name, sizes[name, "text"], sizes[name, "data"], sizes[name, "bss"]
        group = (name in is_sdk) ? "sdk" : "other"
        for (k = 1; k <= 3; k++) { kind = (k == 1 ? "text" : k == 2 ? "data" : "bss"); total[group, kind] += sizes[name, kind] }
      }
      printf "%-28s %7d %7d %7d\n", "SDK (core + topics)", total["sdk", "text"], total["sdk", "data"], total["sdk", "bss"]
      printf "%-28s %7d %7d %7d\n", "example, libc, libgcc", total["other", "text"], total["other", "data"], total["other", "bss"]
      printf "SDK_TOTALS %d %d %d\n", total["sdk", "text"], total["sdk", "data"], total["sdk", "bss"]
    }
  ' "$map" > "$dir/table.txt"
  grep -v '^SDK_TOTALS' "$dir/table.txt"
  local sdk_text sdk_data sdk_bss text data bss
  read -r _ sdk_text sdk_data sdk_bss < <(grep '^SDK_TOTALS' "$dir/table.txt")

  # The image as a whole, as arm-none-eabi-size reports it (text includes .rodata).
  read -r text data bss _ < <("${CXX%g++}size" "$elf" | tail -1)
  echo "linked image (arm-none-eabi-size): text=$text data=$data bss=$bss"

  local heap_symbols heap_count=0
  heap_symbols=$("$NM" "$elf" | awk '{print $NF}' | grep -E "$heap_pattern" || true)
  if [[ -n $heap_symbols ]]; then
    heap_count=$(printf '%s\n' "$heap_symbols" | wc -l)
    echo "heap functions linked: $(printf '%s ' $heap_symbols)"
  else
    echo "heap functions linked: none"
  fi
  echo "$text $data $bss $sdk_text $sdk_data $sdk_bss $heap_count" > "$dir/totals"
}

echo "== minimal device: telemetry and commands (examples/minimal_device)"
measure minimal
echo
echo "== the same with twins (EDGEHUB_EXAMPLE_TWINS=1: on_desired set, report_properties called)"
measure twins -DEDGEHUB_EXAMPLE_TWINS=1

read -r text data bss sdk_text sdk_data sdk_bss heap_count < "$work_dir/minimal/totals"
read -r text_twins _ _ sdk_text_twins _ _ heap_count_twins < "$work_dir/twins/totals"

status=0
if ((heap_count + heap_count_twins > 0)); then status=1; fi
if ((max_sdk_text > 0 && sdk_text > max_sdk_text)); then
  echo "SDK text $sdk_text bytes exceeds the budget of $max_sdk_text bytes"
  status=1
fi
if ((max_sdk_text_with_twins > 0 && sdk_text_twins > max_sdk_text_with_twins)); then
  echo "SDK text with twins $sdk_text_twins bytes exceeds the budget of $max_sdk_text_with_twins bytes"
  status=1
fi
printf '{"target":"cortex-m4 thumb-2 -Os gc-sections","compiler":"%s","text":%d,"data":%d,"bss":%d,"sdk_text":%d,"sdk_data":%d,"sdk_bss":%d,"heap_symbols":%d,"text_with_twins":%d,"sdk_text_with_twins":%d}\n' \
  "$("$CXX" -dumpversion)" "$text" "$data" "$bss" "$sdk_text" "$sdk_data" "$sdk_bss" \
  "$((heap_count + heap_count_twins))" "$text_twins" "$sdk_text_twins"
exit $status
