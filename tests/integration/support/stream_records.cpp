#include "support/stream_records.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace edgehub::itest {

std::string offset_gap_problem(const std::vector<nlohmann::json>& records, std::uint64_t first) {
  std::uint64_t expected = first;
  for (const auto& record : records) {
    if (!record.contains("offset") || !record.at("offset").is_number_integer() ||
        record.at("offset").get<std::int64_t>() < 0) {
      return "record without a non-negative integer offset: " + record.dump();
    }
    const auto offset = record.at("offset").get<std::uint64_t>();
    if (offset != expected) {
      return "expected offset " + std::to_string(expected) + ", found " + std::to_string(offset);
    }
    ++expected;
  }
  return "";
}

std::map<DeviceSeq, int> records_per_device_seq(const std::vector<nlohmann::json>& records) {
  std::map<DeviceSeq, int> counts;
  for (const auto& record : records) {
    ++counts[{record.value("device", ""), record.value("seq", std::uint64_t{0})}];
  }
  return counts;
}

std::vector<nlohmann::json> records_of_device(const std::vector<nlohmann::json>& records,
                                              const std::string& device) {
  std::vector<nlohmann::json> selected;
  for (const auto& record : records) {
    if (record.value("device", "") == device) selected.push_back(record);
  }
  return selected;
}

std::vector<DeviceSeq> read_ack_log(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read ack log " + path.string());
  std::vector<DeviceSeq> acknowledged;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    DeviceSeq entry;
    if (!(fields >> entry.first >> entry.second))
      throw std::runtime_error("bad ack log line: " + line);
    acknowledged.push_back(entry);
  }
  return acknowledged;
}

}  // namespace edgehub::itest
