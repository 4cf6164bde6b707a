// Logging hook of the device SDK core: compiles to nothing unless the
// application defines EDGEHUB_DEVICE_LOG (on the command line or in its
// EDGEHUB_DEVICE_CONFIG_FILE), for example
//
//   #define EDGEHUB_DEVICE_LOG(level, message, value) my_log(level, message, (long)(value))
//
// level is one of the string literals "error", "warn", "info", "debug";
// message is a NUL-terminated string that lives forever; value is an integer detail (a packet id, a
// status, a byte count). Arguments are not evaluated when logging is off, so
// they must not have side effects.
#pragma once

#include "edgehub/device/config.h"

#ifndef EDGEHUB_DEVICE_LOG
#define EDGEHUB_DEVICE_LOG(level, message, value) ((void)0)
#endif

// The texts the SDK hands to on_problem ("command without a usable id
// dropped", ...). On an operating system (Linux, macOS, Windows: the POSIX
// port, firmware-sim, the tests) they are on by default; on a bare-metal or
// RTOS build they default to "" (the Status still says what happened), which
// saves about 370 bytes of flash. Define EDGEHUB_DEVICE_PROBLEM_TEXT as 1 or
// 0 to choose.
#ifndef EDGEHUB_DEVICE_PROBLEM_TEXT
#if defined(__unix__) || defined(__APPLE__) || defined(_WIN32)
#define EDGEHUB_DEVICE_PROBLEM_TEXT 1
#else
#define EDGEHUB_DEVICE_PROBLEM_TEXT 0
#endif
#endif
#if EDGEHUB_DEVICE_PROBLEM_TEXT
#define EDGEHUB_DEVICE_TEXT(text) text
#else
#define EDGEHUB_DEVICE_TEXT(text) ""
#endif
