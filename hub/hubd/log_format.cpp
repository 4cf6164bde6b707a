#include "hubd/log_format.h"

#include <spdlog/spdlog.h>

#include "hubd/json_log_line.h"

namespace edgehub::hub {

void JsonLogFormatter::format(const spdlog::details::log_msg& message,
                              spdlog::memory_buf_t& destination) {
  const auto level = spdlog::level::to_string_view(message.level);
  const std::string line = json_log_line(
      LogRecord{message.time, std::string_view(level.data(), level.size()),
                std::string_view(message.logger_name.data(), message.logger_name.size()),
                std::string_view(message.payload.data(), message.payload.size())});
  destination.append(line.data(), line.data() + line.size());
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

void apply_log_format(const std::string& format) {
  if (format == "json") {
    spdlog::set_formatter(std::make_unique<JsonLogFormatter>());
  } else {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  }
}

}  // namespace edgehub::hub
