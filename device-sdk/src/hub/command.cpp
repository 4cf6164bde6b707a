#include "edgehub/device/hub/command.h"

#include <cstring>

#include "edgehub/device/hub/json_scanner.h"
#include "hub/response_envelope.h"
#include "hub/text_writer.h"

namespace edgehub::device::hub {
namespace {

bool is_name_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

bool is_token(std::string_view text, std::size_t max_length) noexcept {
  if (text.empty() || text.size() > max_length) return false;
  for (char c : text) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

// Decodes a string member into storage; its length, or 0 if unusable.
std::size_t read_token(std::string_view value, char* storage, std::size_t capacity) noexcept {
  std::size_t length = 0;
  if (json::read_string(value, storage, capacity, &length) != Status::ok) return 0;
  return is_token(std::string_view(storage, length), capacity) ? length : 0;
}

}  // namespace

bool is_valid_command_id(std::string_view id) noexcept { return is_token(id, kMaxCommandIdLength); }

bool is_valid_command_name(std::string_view name) noexcept {
  return is_token(name, kMaxCommandNameLength);
}

Status parse_command(std::string_view message, Command* command) noexcept {
  if (command == nullptr) return Status::bad_parameter;
  // Only the lengths say what the copies hold: no need to clear 128 bytes.
  command->id_length_ = 0;
  command->name_length_ = 0;
  command->payload_ = "null";
  command->timeout_ms_ = 0;
  command->deadline_ms_ = 0;

  // The members a command may have, each at most once; others are ignored.
  // Two ids leave none: which one would the sender expect? Not answerable.
  enum Field : unsigned { id, name, payload, timeout_ms, deadline_ms, field_count };
  static constexpr std::string_view kFieldNames[field_count] = {"id", "name", "payload",
                                                                "timeout_ms", "deadline_ms"};
  std::string_view values[field_count];
  bool valid = json::read_members(message, kFieldNames, field_count, values) == Status::ok;
  command->id_length_ = read_token(values[id], command->id_, sizeof(command->id_));
  command->name_length_ = read_token(values[name], command->name_, sizeof(command->name_));
  if (!values[payload].empty()) command->payload_ = values[payload];
  if (!values[timeout_ms].empty()) {
    std::uint64_t timeout = 0;
    valid = valid && json::read_uint64(values[timeout_ms], &timeout) == Status::ok &&
            timeout <= UINT32_MAX;
    command->timeout_ms_ = static_cast<std::uint32_t>(timeout);
  }
  if (!values[deadline_ms].empty()) {
    valid = valid && json::read_uint64(values[deadline_ms], &command->deadline_ms_) == Status::ok;
  }
  if (command->id_length_ == 0) return Status::malformed;
  if (!valid || command->name_length_ == 0) return Status::malformed;
  return Status::ok;
}

namespace detail {

bool is_valid_response_status(int status) noexcept { return status >= 100 && status <= 599; }

std::size_t write_response_prefix(std::string_view id, int status, char* out,
                                  std::size_t capacity) noexcept {
  if (!is_valid_command_id(id) || !is_valid_response_status(status)) return 0;
  TextWriter writer(out, capacity);
  writer.text("{\"id\":\"");
  writer.text(id);  // the id alphabet needs no escaping
  writer.text("\",\"status\":");
  writer.number(static_cast<std::uint64_t>(status));
  writer.text(",\"payload\":");
  return writer.overflowed() ? 0 : writer.length();
}

}  // namespace detail

Status build_command_response(std::string_view id, int status, std::string_view payload_json,
                              char* buffer, std::size_t capacity, std::size_t* length) noexcept {
  if (length == nullptr) return Status::bad_parameter;
  if (payload_json.empty()) payload_json = "null";
  if (json::validate(payload_json) != Status::ok) return Status::bad_parameter;
  char prefix[detail::kResponsePrefixMax];
  const std::size_t prefix_length =
      detail::write_response_prefix(id, status, prefix, sizeof(prefix));
  if (prefix_length == 0) return Status::bad_parameter;
  detail::TextWriter writer(buffer, capacity);
  writer.text(std::string_view(prefix, prefix_length));
  writer.text(payload_json);
  writer.text(detail::kResponseSuffix);
  if (writer.overflowed()) return Status::buffer_too_small;
  *length = writer.length();
  return Status::ok;
}

}  // namespace edgehub::device::hub
