#include "hubctl/api_token.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace edgehub::hubctl {
namespace {

std::string trimmed(const std::string& text) {
  const char* kBlanks = " \t\r\n";
  const std::size_t first = text.find_first_not_of(kBlanks);
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(kBlanks) - first + 1);
}

}  // namespace

Result<std::string> resolve_api_token(const ApiTokenSources& sources) {
  if (sources.token_option) {
    std::string token = trimmed(*sources.token_option);
    if (token.empty()) return make_error(ErrorCode::invalid_argument, "--token is empty");
    return token;
  }
  if (!sources.data_directory && sources.token_variable &&
      !trimmed(*sources.token_variable).empty()) {
    return trimmed(*sources.token_variable);
  }
  const std::filesystem::path file =
      std::filesystem::path(sources.data_directory.value_or(kDefaultDataDirectory)) / "api-token";
  std::ifstream stream(file);
  if (!stream) {
    return make_error(ErrorCode::invalid_argument,
                      "cannot read the API token from " + file.string() + ": " +
                          std::strerror(errno) +
                          " (pass --token, --data-dir <hubd's data dir>, or set HUBCTL_TOKEN)");
  }
  std::ostringstream content;
  content << stream.rdbuf();
  std::string token = trimmed(content.str());
  if (token.empty()) {
    return make_error(ErrorCode::invalid_argument,
                      "the API token file " + file.string() + " is empty");
  }
  return token;
}

}  // namespace edgehub::hubctl
