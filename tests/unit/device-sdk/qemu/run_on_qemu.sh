#!/usr/bin/env bash
# Builds the device SDK's host-independent unit tests for a Cortex-M4
# (arm-none-eabi-g++, newlib with semihosting) and runs them on QEMU's
# mps2-an386 board. Output is doctest's; the exit status is the tests'.
# Exit 77 (a skip for ctest) when the ARM toolchain or qemu-system-arm is
# missing (deploy/install-deps.sh installs both).
#
# usage: run_on_qemu.sh SOURCE_ROOT WORK_DIR
set -euo pipefail
root=$1
work_dir=$2
CXX=${ARM_CXX:-arm-none-eabi-g++}
QEMU=${QEMU_SYSTEM_ARM:-qemu-system-arm}
for tool in "$CXX" "$QEMU"; do
  if ! command -v "$tool" >/dev/null; then
    echo "qemu tests: $tool not found; skipped"
    exit 77
  fi
done

sdk="$root/device-sdk"
tests="$root/tests/unit/device-sdk"
here="$tests/qemu"
mkdir -p "$work_dir/obj" "$work_dir/include"
ln -sfn /usr/include/doctest "$work_dir/include/doctest"  # doctest is header-only

target=(-mcpu=cortex-m4 -mthumb -mfloat-abi=soft)
common=(-Os -g0 -ffunction-sections -fdata-sections -Wall -Wextra -Wno-missing-field-initializers -Wno-psabi
  -I"$sdk/include" -I"$sdk/src" -I"$root/common/include")
test_flags=(-std=c++20 -DDOCTEST_CONFIG_NO_MULTITHREADING -DDOCTEST_CONFIG_NO_POSIX_SIGNALS
  -DDOCTEST_CONFIG_COLORS_NONE -isystem "$work_dir/include" -I"$tests")

objects=()
compile() {  # compile <source> <flags...>
  local source=$1
  shift
  local object="$work_dir/obj/$(basename "$(dirname "$source")")_$(basename "${source%.cpp}").o"
  "$CXX" "${target[@]}" "${common[@]}" "$@" -c "$source" -o "$object"
  objects+=("$object")
}
for source in "$sdk"/src/*.cpp "$sdk"/src/*/*.cpp "$root/common/src/topics.cpp"; do
  compile "$source" -std=c++17 -fno-exceptions -fno-rtti
done
# The tests that need no operating system (the POSIX port's do).
for source in mqtt_codec_test mqtt_client_test json_scanner_test hub_payloads_test \
              hub_client_test hub_reliability_test hub_twin_test hub_flow_test backoff_test \
              offline_buffer_test; do
  compile "$tests/$source.cpp" "${test_flags[@]}"
done
compile "$here/doctest_main.cpp" "${test_flags[@]}"
compile "$here/startup.cpp" -std=c++17

elf="$work_dir/device_sdk_unit_tests.elf"
"$CXX" "${target[@]}" --specs=rdimon.specs -T "$here/mps2_an386.ld" -Wl,--gc-sections \
  "${objects[@]}" -o "$elf"
echo "built $elf for cortex-m4; running on $QEMU -M mps2-an386"

timeout 600 "$QEMU" -M mps2-an386 -nographic -monitor none -serial none \
  -semihosting-config enable=on,target=native -kernel "$elf"
