// HubClient's twins (docs/protocol.md section 4.4): desired documents in,
// reports out.
//
// Pay for what you use: nothing in the rest of HubClient refers to the
// desired handling here. Only the application's assignment of
// HubCallbacks::on_desired does (DesiredCallback::operator=, inline), so
// with --gc-sections a device that never sets on_desired links none of it,
// and report_properties() only when it is called.
#include <cstring>

#include "edgehub/device/hub/hub_client.h"
#include "edgehub/device/hub/twin.h"
#include "edgehub/device/log.h"
#include "edgehub/device/mqtt/serializer.h"

namespace edgehub::device::hub {
namespace detail {

bool handle_twin_message(HubClient& client, std::string_view leaf,
                         std::string_view message) noexcept {
  // Size, then memcmp: smaller than string_view's operator== (see hub_commands.cpp).
  constexpr std::string_view kDesired = "desired";
  if (leaf.size() != kDesired.size() ||
      std::memcmp(leaf.data(), kDesired.data(), leaf.size()) != 0) {
    return false;
  }
  DesiredDocument document;
  if (parse_desired(message, &document) != Status::ok) {
    client.report(Status::malformed, EDGEHUB_DEVICE_TEXT("malformed desired document ignored"));
    return true;
  }
  if (document.version <= client.desired_version_) return true;  // applied already: a redelivery
  ++client.statistics_.desired_applied;
  // Never null here: the handler is installed only together with a function.
  const HubCallbacks& callbacks = client.callbacks_;
  static_cast<DesiredCallback::Function>(callbacks.on_desired)(callbacks.context, document.version,
                                                               document.desired);
  client.desired_version_ = document.version;
  return true;
}

}  // namespace detail

Status HubClient::report_properties(std::string_view reported_json, std::uint64_t desired_version,
                                    std::uint64_t* version) noexcept {
  if (report_pending_) return Status::busy;
  std::size_t length = 0;
  const Status status = build_reported(next_report_version_, reported_json, desired_version,
                                       buffers_.report, buffers_.report_capacity, &length);
  if (status != Status::ok) return status;
  if (mqtt::publish_size(message_to(protocol::TopicKind::reported, buffers_.report, length)) >
      buffers_.mqtt.send_capacity) {
    return Status::buffer_too_small;
  }
  report_length_ = length;
  report_pending_ = true;
  if (version != nullptr) *version = next_report_version_;
  ++next_report_version_;
  send_pending_report();
  return Status::ok;
}

// Called by process() for every device; sends only what report_properties() left.
void HubClient::send_pending_report() noexcept {
  if (report_pending_ && publish_waiting(protocol::TopicKind::reported, buffers_.report,
                                         report_length_, &statistics_.reports_sent)) {
    report_pending_ = false;
  }
}

}  // namespace edgehub::device::hub
