#include "twins/twin_service.h"

#include <array>
#include <nlohmann/json.hpp>

#include "edgehub/protocol/json_limits.h"
#include "edgehub/protocol/topics.h"

namespace edgehub::hub {
namespace {

std::string desired_topic(std::string_view device_id) {
  std::array<char, protocol::kMaxTopicLength> buffer{};
  const std::size_t length = protocol::build_device_topic(protocol::TopicKind::desired, device_id,
                                                          buffer.data(), buffer.size());
  return std::string(buffer.data(), length);
}

}  // namespace

TwinService::TwinService(const DeviceRegistry& registry, TwinStore& store, BrokerConnection& broker,
                         const DevicePresence& presence, StreamStore& dead_letters,
                         const Clock& clock, TwinLimits limits)
    : registry_(registry),
      store_(store),
      broker_(broker),
      presence_(presence),
      dead_letters_(dead_letters),
      clock_(clock),
      limits_(limits) {}

Result<Twin> TwinService::get(std::string_view device_id) const {
  auto device = registry_.find(device_id);
  if (!device) return device.error();
  return store_.get(device->id);
}

Result<Twin> TwinService::patch_desired(std::string_view device_id,
                                        std::string_view merge_patch_json,
                                        std::optional<std::uint64_t> expected_version) {
  auto device = registry_.find(device_id);
  if (!device) return device.error();
  if (device->role != DeviceRole::device) {
    return make_error(ErrorCode::invalid_argument,
                      "'" + device->id + "' is the hub's service identity, not a device");
  }
  auto twin = store_.patch_desired(device->id, merge_patch_json, expected_version, clock_.now_ms());
  if (!twin) return twin.error();
  ++desired_updates_;
  if (presence_.is_connected(device->id)) {
    // Not sent now (broker down): the device gets it at its next connect.
    (void)send_desired(*twin, nlohmann::json::parse(merge_patch_json).dump());
  }
  return twin;
}

Status TwinService::device_connected(std::string_view device_id) {
  auto twin = store_.get(device_id);
  if (!twin) return twin.error();
  if (twin->desired.version == 0) return ok_status();
  return send_desired(*twin, "null");
}

Status TwinService::send_desired(const Twin& twin, std::string_view patch_json) {
  const std::string message = "{\"version\":" + std::to_string(twin.desired.version) +
                              ",\"desired\":" + twin.desired.properties_json +
                              ",\"patch\":" + std::string(patch_json) + "}";
  return broker_.publish(desired_topic(twin.device_id), message, 1);
}

Status TwinService::on_reported(std::string_view topic, std::string_view payload) {
  protocol::ParsedTopic parsed{};
  if (!protocol::parse_device_topic(topic, parsed) ||
      parsed.kind != protocol::TopicKind::reported) {
    return dead_letter(topic, {}, payload, "topic is not a device's reported topic");
  }
  // Size and depth before parsing: this runs on the thread that receives
  // every device's messages.
  if (Status size = check_twin_report_size(payload.size(), limits_); !size) {
    return dead_letter(topic, parsed.device_id, payload, size.error().message);
  }
  if (Status shallow = protocol::check_json_depth(payload); !shallow) {
    return dead_letter(topic, parsed.device_id, payload,
                       "invalid twin report: " + shallow.error().message);
  }
  const nlohmann::json report = nlohmann::json::parse(payload, nullptr, false);
  if (!report.is_object() || !report.contains("version") ||
      !report["version"].is_number_unsigned() || report["version"].get<std::uint64_t>() == 0 ||
      !report.contains("reported") || !report["reported"].is_object()) {
    return dead_letter(topic, parsed.device_id, payload,
                       "invalid twin report: expected {\"version\": N >= 1, \"reported\": {...}}");
  }
  std::optional<std::uint64_t> acknowledged;
  if (report.contains("desired_version")) {
    if (!report["desired_version"].is_number_unsigned()) {
      return dead_letter(topic, parsed.device_id, payload,
                         "invalid twin report: 'desired_version' must be an unsigned integer");
    }
    acknowledged = report["desired_version"].get<std::uint64_t>();
  }
  auto applied =
      store_.apply_reported(parsed.device_id, report["reported"].dump(),
                            report["version"].get<std::uint64_t>(), acknowledged, clock_.now_ms());
  if (applied) {
    ++reported_updates_;
    return ok_status();
  }
  // Refused for good (stale, over the twin limits): retrying cannot help.
  const ErrorCode code = applied.error().code;
  if (code == ErrorCode::conflict || code == ErrorCode::too_large ||
      code == ErrorCode::invalid_argument) {
    return dead_letter(topic, parsed.device_id, payload, applied.error().message);
  }
  return applied.error();
}

Status TwinService::dead_letter(std::string_view topic, std::string_view device_id,
                                std::string_view payload, std::string reason) {
  auto appended = dead_letters_.append(
      make_dead_letter(topic, device_id, payload, std::move(reason), clock_.now_ms()));
  if (!appended) return appended.error();
  return ok_status();
}

}  // namespace edgehub::hub
