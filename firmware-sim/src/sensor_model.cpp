#include "sensor_model.h"

#include <algorithm>
#include <cstdio>
#include <random>

namespace edgehub::sim {

SensorModel::SensorModel(std::uint64_t seed, std::size_t payload_bytes)
    : random_(seed), payload_bytes_(payload_bytes) {
  std::uniform_real_distribution<double> start_temperature(18.0, 24.0);
  std::uniform_real_distribution<double> start_humidity(35.0, 60.0);
  temperature_ = start_temperature(random_);
  humidity_ = start_humidity(random_);
}

std::string SensorModel::next_reading() {
  std::normal_distribution<double> drift(0.0, 0.1);
  temperature_ = std::clamp(temperature_ + drift(random_), -20.0, 60.0);
  humidity_ = std::clamp(humidity_ + drift(random_) * 3, 5.0, 95.0);
  battery_ = std::max(0.0, battery_ - 0.01);
  char text[128];
  const int length =
      std::snprintf(text, sizeof(text), R"({"temperature":%.2f,"humidity":%.1f,"battery":%.2f)",
                    temperature_, humidity_, battery_);
  std::string reading(text, static_cast<std::size_t>(length));
  constexpr std::size_t kPaddingOverhead = sizeof(R"(,"padding":"")") - 1 + 1;  // and the '}'
  if (payload_bytes_ > reading.size() + kPaddingOverhead) {
    reading += R"(,"padding":")";
    reading.append(payload_bytes_ - reading.size() - 2, 'x');
    reading += '"';
  }
  reading += '}';
  return reading;
}

}  // namespace edgehub::sim
