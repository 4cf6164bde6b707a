// A device twin: desired properties (set by operators) and reported ones
// (sent by the device), each a JSON object with its own version.
#pragma once

#include <cstdint>
#include <string>

namespace edgehub::hub {

struct TwinDocument {
  std::string properties_json = "{}";
  std::uint64_t version = 0;  // 0: never set
  std::int64_t updated_at_ms = 0;
};

struct Twin {
  std::string device_id;
  TwinDocument desired;
  TwinDocument reported;
  // The desired version the device last said it applied (0: none).
  std::uint64_t desired_acknowledged_version = 0;
};

}  // namespace edgehub::hub
