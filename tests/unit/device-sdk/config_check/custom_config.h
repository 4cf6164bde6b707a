// An application's EDGEHUB_DEVICE_CONFIG_FILE: smaller tables and a log hook.
// The core is compiled once with it (object library, never linked) so that
// every EDGEHUB_DEVICE_LOG call site and the override mechanism keep compiling.
#pragma once

#define EDGEHUB_DEVICE_MAX_OUTSTANDING_PUBLISHES 4
#define EDGEHUB_DEVICE_JSON_MAX_DEPTH 8

void application_log(const char* level, const char* message, long value);
#define EDGEHUB_DEVICE_LOG(level, message, value) \
  application_log(level, message, static_cast<long>(value))
