// doctest's main for the emulated Cortex-M: no threads, no POSIX signals.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
