#include "edgehub/protocol/payloads.h"

#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "edgehub/protocol/json_limits.h"

namespace edgehub::protocol {
namespace {

// ordered_json keeps the device's key order: a stored payload reads back as sent.
using json = nlohmann::ordered_json;

bool is_token(std::string_view text) noexcept {
  if (text.empty() || text.size() > 64) return false;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Error invalid(std::string message) {
  return make_error(ErrorCode::invalid_argument, std::move(message));
}

Result<json> parse_json(std::string_view text) {
  // nlohmann's lexer takes a NUL byte for the end of the input: whatever
  // follows it would be dropped without a word.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    return invalid("not valid JSON: NUL byte at position " + std::to_string(nul));
  }
  // Before parsing: a value nested too deep would overflow the stack of
  // whatever dumps, copies or compares it later; a huge object would take
  // ordered_json quadratic time (json_limits.h).
  if (Status checked = check_untrusted_json(text); !checked) return checked.error();
  try {
    return json::parse(text);
  } catch (const json::exception& error) {  // parse_error, and out_of_range for 1e999999
    return invalid(std::string("not valid JSON: ") + error.what());
  }
}

Result<json> parse_object(std::string_view payload) {
  auto document = parse_json(payload);
  if (document && !document->is_object()) return invalid("payload is not a JSON object");
  return document;
}

json parse_trusted(const std::string& text, const char* field) {
  if (!check_json_depth(text, kReadBackMaxJsonDepth)) {
    throw std::invalid_argument(std::string(field) + " is nested too deep");
  }
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    throw std::invalid_argument(std::string(field) + " is not valid JSON text");
  }
  return value;
}

}  // namespace

bool is_valid_command_id(std::string_view id) noexcept { return is_token(id); }
bool is_valid_command_name(std::string_view name) noexcept { return is_token(name); }

namespace {

Result<TelemetryEnvelope> envelope_from(const json& object) {
  if (!object.is_object()) return invalid("not a JSON object");
  TelemetryEnvelope envelope;
  const auto seq = object.find("seq");
  if (seq == object.end()) return invalid("missing field 'seq'");
  if (!seq->is_number_unsigned()) return invalid("field 'seq' is not an unsigned integer");
  envelope.seq = seq->get<std::uint64_t>();
  const auto data = object.find("data");
  if (data == object.end()) return invalid("missing field 'data'");
  envelope.data_json = data->dump();
  if (const auto ts = object.find("ts"); ts != object.end()) {
    if (!ts->is_number_integer()) return invalid("field 'ts' is not an integer");
    envelope.device_time_ms = ts->get<std::int64_t>();
  }
  return envelope;
}

}  // namespace

Result<TelemetryEnvelope> parse_telemetry(std::string_view payload) {
  auto document = parse_object(payload);
  if (!document) return document.error();
  return envelope_from(*document);
}

Result<TelemetryMessage> parse_telemetry_message(std::string_view payload,
                                                 std::size_t max_batch_readings) {
  auto document = parse_object(payload);
  if (!document) return document.error();
  TelemetryMessage message;
  const auto batch = document->find("batch");
  if (batch == document->end()) {
    auto envelope = envelope_from(*document);
    if (!envelope) return envelope.error();
    message.readings.push_back(BatchReading{std::move(*envelope), {}, {}});
    return message;
  }
  if (!batch->is_array() || batch->empty())
    return invalid("field 'batch' is not a non-empty array");
  // One message may become only so many records (or dead letters).
  if (batch->size() > max_batch_readings) {
    return make_error(ErrorCode::too_large, "batch too large: " + std::to_string(batch->size()) +
                                                " readings > " +
                                                std::to_string(max_batch_readings));
  }
  message.batch = true;
  message.readings.reserve(batch->size());
  for (const json& element : *batch) {
    auto envelope = envelope_from(element);
    BatchReading reading;
    reading.text = element.dump();
    if (envelope) {
      reading.envelope = std::move(*envelope);
    } else {
      reading.problem = envelope.error().message;
    }
    message.readings.push_back(std::move(reading));
  }
  return message;
}

Result<CommandRequest> parse_command(std::string_view payload) {
  auto document = parse_object(payload);
  if (!document) return document.error();
  const json& object = *document;
  CommandRequest command;
  const auto id = object.find("id");
  if (id == object.end() || !id->is_string()) return invalid("missing string field 'id'");
  command.id = id->get<std::string>();
  if (!is_valid_command_id(command.id)) return invalid("field 'id' is not a valid command id");
  const auto name = object.find("name");
  if (name == object.end() || !name->is_string()) return invalid("missing string field 'name'");
  command.name = name->get<std::string>();
  if (!is_valid_command_name(command.name))
    return invalid("field 'name' is not a valid command name");
  if (const auto body = object.find("payload"); body != object.end())
    command.payload_json = body->dump();
  if (const auto timeout = object.find("timeout_ms"); timeout != object.end()) {
    if (!timeout->is_number_unsigned() ||
        timeout->get<std::uint64_t>() > std::numeric_limits<std::uint32_t>::max()) {
      return invalid("field 'timeout_ms' is not an unsigned 32-bit integer");
    }
    command.timeout_ms = timeout->get<std::uint32_t>();
  }
  if (const auto deadline = object.find("deadline_ms"); deadline != object.end()) {
    if (!deadline->is_number_unsigned() ||
        deadline->get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return invalid("field 'deadline_ms' is not a time in ms since the epoch");
    }
    command.deadline_ms = deadline->get<std::int64_t>();
  }
  return command;
}

Result<CommandResponse> parse_command_response(std::string_view payload) {
  auto document = parse_object(payload);
  if (!document) return document.error();
  const json& object = *document;
  CommandResponse response;
  const auto id = object.find("id");
  if (id == object.end() || !id->is_string()) return invalid("missing string field 'id'");
  response.id = id->get<std::string>();
  if (!is_valid_command_id(response.id)) return invalid("field 'id' is not a valid command id");
  const auto status = object.find("status");
  if (status == object.end() || !status->is_number_integer()) {
    return invalid("missing integer field 'status'");
  }
  const auto code = status->get<std::int64_t>();
  if (code < 100 || code > 599) return invalid("field 'status' is outside 100..599");
  response.status = static_cast<int>(code);
  if (const auto body = object.find("payload"); body != object.end())
    response.payload_json = body->dump();
  return response;
}

std::string build_telemetry(const TelemetryEnvelope& envelope) {
  json object = {{"seq", envelope.seq}, {"data", parse_trusted(envelope.data_json, "data_json")}};
  if (envelope.device_time_ms) object["ts"] = *envelope.device_time_ms;
  return object.dump();
}

std::string build_command(const CommandRequest& command) {
  json object = {{"id", command.id},
                 {"name", command.name},
                 {"payload", parse_trusted(command.payload_json, "payload_json")},
                 {"timeout_ms", command.timeout_ms}};
  if (command.deadline_ms) object["deadline_ms"] = *command.deadline_ms;
  return object.dump();
}

std::string build_command_response(const CommandResponse& response) {
  json object = {{"id", response.id},
                 {"status", response.status},
                 {"payload", parse_trusted(response.payload_json, "payload_json")}};
  return object.dump();
}

Result<std::string> canonical_json(std::string_view text) {
  auto value = parse_json(text);
  if (!value) return value.error();
  return value->dump();
}

}  // namespace edgehub::protocol
