// Reading what the hub stored: checks over stream records as the REST API
// returns them (docs/protocol.md section 5), and the simulator's ack log.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace edgehub::itest {

using DeviceSeq = std::pair<std::string, std::uint64_t>;  // (device id, seq)

// "" if the records' offsets are exactly first, first+1, ...; otherwise the first problem.
std::string offset_gap_problem(const std::vector<nlohmann::json>& records, std::uint64_t first = 0);

// How many records each (device, seq) has.
std::map<DeviceSeq, int> records_per_device_seq(const std::vector<nlohmann::json>& records);

// The records of one device, in stream order.
std::vector<nlohmann::json> records_of_device(const std::vector<nlohmann::json>& records,
                                              const std::string& device);

// firmware-sim --ack-log: one "<device-id> <seq>" line per PUBACK received.
std::vector<DeviceSeq> read_ack_log(const std::filesystem::path& path);

}  // namespace edgehub::itest
