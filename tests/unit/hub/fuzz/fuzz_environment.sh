# Sourced by run_fuzzers.sh and run_long.sh: how every hub fuzz target runs.
#
# -max_len 300000: a 100,000-deep JSON (200 KB, under hubd's 256 KiB payload
# limit) must be reachable. A stack overflow is a crash (ASan's SEGV handler
# on its own stack); a leak is a finding; a unit over 10 s is a finding (a
# message or route that wedges ingest).
export ASAN_OPTIONS=${ASAN_OPTIONS:-handle_segv=1:use_sigaltstack=1:detect_stack_use_after_return=0:detect_leaks=1:abort_on_error=0:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fuzz_flags=(-max_len=300000 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
