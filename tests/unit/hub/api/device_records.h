// Telemetry records of several devices in one stream, in the given order
// (offset i is devices[i]), for the tests of the per-device event stream.
#pragma once

#include <doctest/doctest.h>

#include <initializer_list>
#include <string>

#include "streams/stream_store.h"

namespace edgehub::test {

inline void append_device_records(hub::StreamStore& store,
                                  std::initializer_list<const char*> devices) {
  for (const char* device : devices) {
    hub::NewRecord record;
    record.stream = "telemetry";
    record.received_at_ms = 1000;
    record.device_id = device;
    record.topic = std::string("devices/") + device + "/telemetry";
    record.payload = R"({"t": 1})";
    REQUIRE(store.append(record).ok());
  }
}

}  // namespace edgehub::test
