// How hubd writes its log (--log-format): "text", one human-readable line
// per record (the default), or "json", one JSON object per line
// (json_log_line.h). Applies to spdlog's default logger and every logger
// made after it.
#pragma once

#include <spdlog/formatter.h>

#include <memory>
#include <string>

namespace edgehub::hub {

// spdlog's formatter for --log-format json.
class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& destination) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

// "text" or "json" (hubd_options.cpp checks the value).
void apply_log_format(const std::string& format);

}  // namespace edgehub::hub
