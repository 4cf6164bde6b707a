// The durability check every fault test ends with: everything the devices
// were acknowledged (firmware-sim --ack-log) is in the telemetry stream, and
// exactly once.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "support/hub_under_test.h"
#include "support/stream_records.h"

namespace edgehub::itest {

struct DeliveryReport {
  std::size_t acknowledged = 0;       // distinct (device, seq) in the ack log
  std::size_t ack_log_repeats = 0;    // lines of the ack log naming a pair again
  std::size_t stored = 0;             // distinct (device, seq) in the stream
  std::size_t missing = 0;            // acknowledged, not stored
  std::size_t duplicates = 0;         // stored more than once
  std::string offset_problem;         // "" if the offsets have no gap
  std::vector<std::string> examples;  // the first missing / duplicate pairs

  std::string describe() const;
};

// Waits up to `drain` for every acknowledged message to be stored, then reports.
DeliveryReport check_acknowledged_delivery(const HubUnderTest& hub,
                                           const std::filesystem::path& ack_log,
                                           std::chrono::milliseconds drain);

// True once the ack log has not grown for `quiet` (the devices are no
// longer acknowledged), false if it keeps growing for `timeout`.
bool wait_until_acknowledgements_stop(const std::filesystem::path& ack_log,
                                      std::chrono::milliseconds quiet,
                                      std::chrono::milliseconds timeout);

// The end of a fault test (doctest checks): firmware-sim (started with
// --count and --ack-log) finishes within `finish` with exit code 0, it was
// acknowledged `expected_acks` messages, and every one is stored exactly
// once within `drain`, with gap-free offsets.
void check_simulator_delivered_everything(const HubUnderTest& hub, Process& simulator,
                                          const std::filesystem::path& ack_log,
                                          std::size_t expected_acks,
                                          std::chrono::milliseconds finish,
                                          std::chrono::milliseconds drain);

}  // namespace edgehub::itest
