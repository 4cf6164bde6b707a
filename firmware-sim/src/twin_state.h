// A simulated device's twin (docs/protocol.md 4.4): the desired properties
// it applied and what it reports back.
//
// apply() takes the whole desired document of a newer version: "interval_ms"
// (an integer >= 10 that fits 32 bits) changes the telemetry interval; other
// keys are kept as they are (a device stores settings it does not act on).
// The report is a merge patch of the properties as the device now holds them
// against what it reported before: changed keys with their value, keys no
// longer desired as null, and "interval_ms" always the interval in force (so
// a refused value shows up as the one the device kept). Pure: no MQTT.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace edgehub::sim {

struct TwinApplyResult {
  std::optional<std::uint32_t> new_interval_ms;  // when the interval changes
  bool interval_refused = false;                 // interval_ms present but unusable
  bool operator==(const TwinApplyResult&) const = default;
};

class TwinState {
 public:
  explicit TwinState(std::uint32_t interval_ms) : interval_ms_(interval_ms) {}

  // desired_json: the whole desired object. Nothing when it is not a JSON
  // object (nothing changes then).
  std::optional<TwinApplyResult> apply(std::uint64_t version, std::string_view desired_json);

  // The interval changed by other means (the set-interval command).
  void set_interval(std::uint32_t interval_ms) { interval_ms_ = interval_ms; }
  std::uint32_t interval_ms() const noexcept { return interval_ms_; }
  std::uint64_t applied_version() const noexcept { return applied_version_; }
  // The properties the device holds now (kept keys plus interval_ms).
  nlohmann::json properties() const;

  // The merge patch to report now: the difference to what was reported last
  // (everything, on the first report or after forget_reported()).
  std::string report_patch() const;
  // The report with report_patch() was handed to the SDK.
  void mark_reported();
  // The hub may not have the last report (a connection lost before it was
  // acknowledged): the next report carries everything again.
  void forget_reported() { last_reported_.reset(); }

 private:
  std::uint32_t interval_ms_;
  std::uint64_t applied_version_ = 0;
  nlohmann::json kept_ = nlohmann::json::object();  // desired keys other than interval_ms
  std::optional<nlohmann::json> last_reported_;
};

}  // namespace edgehub::sim
