#include "hubctl/output_format.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace edgehub::hubctl {
namespace {

constexpr std::size_t kFingerprintPrefix = 16;

const nlohmann::json* field(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  const auto found = object.find(name);
  if (found == object.end() || found->is_null()) return nullptr;
  return &*found;
}

// A field as text: strings as they are, anything else as compact JSON.
std::string text_of(const nlohmann::json& object, const char* name) {
  const nlohmann::json* value = field(object, name);
  if (value == nullptr) return "-";
  if (value->is_string()) return value->get<std::string>();
  return value->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string time_of(const nlohmann::json& object, const char* name) {
  const nlohmann::json* value = field(object, name);
  if (value == nullptr || !value->is_number_integer()) return "-";
  return iso8601_utc(value->get<std::int64_t>());
}

// Keeps a record on one line whatever its text holds.
std::string one_line(const std::string& text) {
  std::string line;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      line += "\\n";
    } else if (c == '\r') {
      line += "\\r";
    } else if (c == '\t') {
      line += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      line += escaped;
    } else {
      line.push_back(c);
    }
  }
  return line;
}

const nlohmann::json& array_field(const nlohmann::json& answer, const char* name) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  const nlohmann::json* value = field(answer, name);
  return value != nullptr && value->is_array() ? *value : kEmpty;
}

}  // namespace

std::string field_text(const nlohmann::json& object, const char* name) {
  return text_of(object, name);
}

std::string field_time(const nlohmann::json& object, const char* name) {
  return time_of(object, name);
}

std::string iso8601_utc(std::int64_t milliseconds_since_epoch) {
  const std::chrono::sys_time<std::chrono::milliseconds> at{
      std::chrono::milliseconds(milliseconds_since_epoch)};
  const auto day = std::chrono::floor<std::chrono::days>(at);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss time{at - day};
  char text[40];
  std::snprintf(
      text, sizeof text, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ldZ", static_cast<int>(date.year()),
      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
      static_cast<long>(time.hours().count()), static_cast<long>(time.minutes().count()),
      static_cast<long>(time.seconds().count()), static_cast<long>(time.subseconds().count()));
  return text;
}

std::string format_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    if (row.size() > widths.size()) widths.resize(row.size(), 0);
    for (std::size_t column = 0; column < row.size(); ++column) {
      widths[column] = std::max(widths[column], row[column].size());
    }
  }
  std::string table;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t column = 0; column < row.size(); ++column) {
      if (column > 0) line += "  ";
      line += row[column];
      if (column + 1 < row.size()) line.append(widths[column] - row[column].size(), ' ');
    }
    table += line + "\n";
  }
  return table;
}

std::string format_devices(const nlohmann::json& answer) {
  const nlohmann::json& devices = array_field(answer, "devices");
  if (devices.empty()) return "no devices registered\n";
  std::vector<std::vector<std::string>> rows{
      {"ID", "ROLE", "STATUS", "CONNECTION", "LAST SEEN", "CREATED", "FINGERPRINT"}};
  for (const nlohmann::json& device : devices) {
    std::string fingerprint = text_of(device, "certificate_sha256");
    if (fingerprint.size() > kFingerprintPrefix) {
      fingerprint = fingerprint.substr(0, kFingerprintPrefix) + "...";
    }
    rows.push_back({one_line(text_of(device, "id")), text_of(device, "role"),
                    text_of(device, "status"), text_of(device, "connection"),
                    time_of(device, "last_seen_ms"), time_of(device, "created_at_ms"),
                    fingerprint});
  }
  return format_table(rows);
}

std::string format_streams(const nlohmann::json& answer) {
  const nlohmann::json& streams = array_field(answer, "streams");
  if (streams.empty()) return "no streams\n";
  std::vector<std::vector<std::string>> rows{{"STREAM", "FIRST", "NEXT", "RECORDS"}};
  for (const nlohmann::json& stream : streams) {
    rows.push_back({one_line(text_of(stream, "name")), text_of(stream, "first_offset"),
                    text_of(stream, "next_offset"), text_of(stream, "record_count")});
  }
  return format_table(rows);
}

std::string format_record(const nlohmann::json& record) {
  std::string line = text_of(record, "offset") + "  " + time_of(record, "received_at_ms") + "  " +
                     one_line(text_of(record, "device")) + "  seq=" + text_of(record, "seq");
  if (field(record, "reason") != nullptr) {
    line += "  reason=" + one_line(text_of(record, "reason"));
    if (const nlohmann::json* text = field(record, "payload_text")) {
      line += "  payload=" +
              one_line(text->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    } else if (field(record, "payload_base64") != nullptr) {
      line += "  payload=base64:" + one_line(text_of(record, "payload_base64"));
    } else if (field(record, "payload") != nullptr) {
      line += "  payload=" + one_line(text_of(record, "payload"));
    }
    return line;
  }
  return line + "  " + one_line(text_of(record, "payload"));
}

std::string format_command_answer(const nlohmann::json& answer) {
  std::string text = one_line(text_of(answer, "device")) + " answered " +
                     one_line(text_of(answer, "name")) + " with status " +
                     text_of(answer, "status");
  if (field(answer, "latency_ms") != nullptr)
    text += " in " + text_of(answer, "latency_ms") + " ms";
  text += "\n";
  const nlohmann::json* payload = field(answer, "payload");
  text += payload != nullptr
              ? payload->dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
              : std::string("null");
  return text + "\n";
}

}  // namespace edgehub::hubctl
