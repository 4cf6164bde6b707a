// HubClient: incoming messages (commands, flow; desired through the twin
// handling of twin_client.cpp when on_desired is set), command responses.
//
// The response buffer is laid out so that the payload is written once, in
// place: [room for the envelope prefix][payload][}]. The prefix is written
// right-aligned in front of the payload when the status is known.
#include <cstring>

#include "edgehub/device/hub/hub_client.h"
#include "edgehub/device/hub/json_scanner.h"
#include "edgehub/device/log.h"
#include "hub/response_envelope.h"
#include "hub/text_writer.h"

namespace edgehub::device::hub {
namespace {

using namespace std::string_view_literals;  // "..."sv: lengths known at compile time
using detail::kResponsePrefixMax;
using detail::kResponseSuffix;

constexpr std::string_view kPingCommand = "ping";
constexpr std::string_view kSetIntervalCommand = "set-interval";
constexpr std::uint64_t kMinIntervalMs = 10;

// a == b with one memcmp: smaller than string_view's operator==, which goes
// through compare().
bool same(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
}

// Writes the reply payload: `json`, or, given a number, an object that
// `json` opens and the number ends ({"interval_ms":N}).
int write_reply(CommandReply& reply, int status, const char* json, std::size_t json_length,
                const std::uint64_t* number) noexcept {
  detail::TextWriter writer(reply.payload, reply.capacity);
  writer.append(json, json_length);
  if (number != nullptr) {
    writer.number(*number);
    writer.text("}");
  }
  reply.length = writer.overflowed() ? 0 : writer.length();
  return status;
}

// The same from a string literal, whose length is known here.
template <std::size_t N>
int reply_with(CommandReply& reply, int status, const char (&json)[N],
               const std::uint64_t* number = nullptr) noexcept {
  return write_reply(reply, status, json, N - 1, number);
}

}  // namespace

mqtt::Delivery HubClient::on_publish(void* context, const mqtt::PublishInfo& message) noexcept {
  auto* self = static_cast<HubClient*>(context);
  const std::string_view leaf = self->leaf_of(message.topic);
  if (same(leaf, "commands"sv)) return self->handle_command(message.payload);
  // desired only reaches the twin handling when the application set
  // on_desired; without it, it is a topic the device did not subscribe to.
  const DesiredCallback::Handler twins = self->callbacks_.on_desired.handler();
  if (same(leaf, "flow"sv)) {
    self->handle_flow(message.payload);
  } else if (twins == nullptr || !twins(*self, leaf, message.payload)) {
    self->report(Status::protocol_error,
                 EDGEHUB_DEVICE_TEXT("message on a topic the device did not subscribe to"));
  }
  return mqtt::Delivery::accepted;
}

void HubClient::handle_flow(std::string_view message) noexcept {
  FlowNotice notice;
  if (parse_flow(message, &notice) != Status::ok) {
    report(Status::malformed, EDGEHUB_DEVICE_TEXT("malformed flow notice ignored"));
    return;
  }
  if (notice.state == FlowState::paused) {
    pause(notice);
  } else {
    paused_ = false;  // process() sends from the cursor, in seq order
  }
  if (callbacks_.on_flow != nullptr) callbacks_.on_flow(callbacks_.context, notice);
}

mqtt::Delivery HubClient::handle_command(std::string_view message) noexcept {
  if (response_pending_) send_pending_response();
  if (response_pending_) return mqtt::Delivery::retry_later;  // one response at a time

  ++statistics_.commands_received;
  Command command;
  const bool parsed = parse_command(message, &command) == Status::ok;
  if (!parsed && command.id().empty()) {
    report(Status::malformed, EDGEHUB_DEVICE_TEXT("command without a usable id dropped"));
    return mqtt::Delivery::accepted;
  }
  CommandReply reply;
  reply.payload = buffers_.response + kResponsePrefixMax;
  reply.capacity = buffers_.response_capacity - kResponsePrefixMax - kResponseSuffix.size();
  const int status = answer(command, parsed, reply);
  finish_response(command.id(), status, reply.length);
  send_pending_response();
  return mqtt::Delivery::accepted;
}

int HubClient::answer(const Command& command, bool parsed, CommandReply& reply) noexcept {
  if (!parsed) {
    report(Status::malformed, EDGEHUB_DEVICE_TEXT("malformed command answered with 400"));
    return reply_with(reply, kStatusBadRequest, R"({"error":"malformed command"})");
  }
  if (same(command.name(), kPingCommand)) {
    const std::uint64_t uptime = uptime_ms();
    return reply_with(reply, kStatusOk, R"({"pong":true,"uptime_ms":)", &uptime);
  }
  if (same(command.name(), kSetIntervalCommand) && callbacks_.on_set_interval != nullptr) {
    return answer_set_interval(command, reply);
  }
  if (callbacks_.on_command == nullptr) {
    return reply_with(reply, kStatusUnknownCommand, R"({"error":"unknown command"})");
  }
  const std::size_t capacity = reply.capacity;
  callbacks_.on_command(callbacks_.context, command, reply);
  const bool valid = detail::is_valid_response_status(reply.status) && reply.length <= capacity &&
                     (reply.length == 0 ||
                      json::validate(std::string_view(reply.payload, reply.length)) == Status::ok);
  if (!valid) {
    report(Status::bad_parameter,
           EDGEHUB_DEVICE_TEXT("on_command produced an invalid reply; answered 500"));
    reply.capacity = capacity;
    return reply_with(reply, kStatusDeviceError, R"({"error":"device produced an invalid reply"})");
  }
  return reply.status;
}

int HubClient::answer_set_interval(const Command& command, CommandReply& reply) noexcept {
  std::string_view value;
  std::uint64_t interval_ms = 0;
  if (json::find_member(command.payload(), "interval_ms"sv, &value) != Status::ok ||
      json::read_uint64(value, &interval_ms) != Status::ok || interval_ms < kMinIntervalMs ||
      interval_ms > UINT32_MAX) {
    return reply_with(reply, kStatusBadRequest,
                      R"({"error":"payload must be {\"interval_ms\":N} with N >= 10"})");
  }
  callbacks_.on_set_interval(callbacks_.context, static_cast<std::uint32_t>(interval_ms));
  return reply_with(reply, kStatusOk, R"({"interval_ms":)", &interval_ms);
}

void HubClient::finish_response(std::string_view id, int status,
                                std::size_t payload_length) noexcept {
  char* payload = buffers_.response + kResponsePrefixMax;
  if (payload_length == 0) {
    std::memcpy(payload, "null", 4);
    payload_length = 4;
  }
  char prefix[kResponsePrefixMax];
  const std::size_t prefix_length =
      detail::write_response_prefix(id, status, prefix, sizeof(prefix));
  response_begin_ = kResponsePrefixMax - prefix_length;
  std::memcpy(buffers_.response + response_begin_, prefix, prefix_length);
  std::memcpy(payload + payload_length, kResponseSuffix.data(), kResponseSuffix.size());
  response_length_ = prefix_length + payload_length + kResponseSuffix.size();
  response_pending_ = true;
}

void HubClient::send_pending_response() noexcept {
  if (response_pending_ &&
      publish_waiting(protocol::TopicKind::responses, buffers_.response + response_begin_,
                      response_length_, &statistics_.commands_answered)) {
    response_pending_ = false;
  }
}

// Hands a response or report to MQTT: false while it has to wait for the
// connection (next process()); true once sent, or given up (reported).
bool HubClient::publish_waiting(protocol::TopicKind kind, const char* data, std::size_t length,
                                std::uint32_t* counter) noexcept {
  // Tag 0: not telemetry (busy while the outstanding table is full).
  const Status status = mqtt_.publish(message_to(kind, data, length), nullptr, kNotTelemetry);
  if (status == Status::busy || status == Status::not_connected) return false;
  if (status != Status::ok) {
    report(status, EDGEHUB_DEVICE_TEXT("response or twin report could not be sent"));
  } else {
    ++*counter;
  }
  return true;
}

}  // namespace edgehub::device::hub
