// Simulated sensor readings as the telemetry "data" object:
//   {"temperature":21.37,"humidity":48.2,"battery":99.8}
// padded with a "padding" string up to about payload_bytes when asked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "random_source.h"

namespace edgehub::sim {

class SensorModel {
 public:
  SensorModel(std::uint64_t seed, std::size_t payload_bytes);
  // The next reading, as JSON text.
  std::string next_reading();

 private:
  SeededRandom random_;
  std::size_t payload_bytes_;
  double temperature_;
  double humidity_;
  double battery_ = 100.0;
};

}  // namespace edgehub::sim
