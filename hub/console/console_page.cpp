#include "console/console_page.h"

#include <algorithm>

namespace edgehub::hub {

bool is_console_path(std::string_view path) {
  return path == "/" || path == "/console" || path.starts_with(kConsoleRoot);
}

ConsoleAnswer answer_console_path(std::string_view path) {
  ConsoleAnswer answer;
  if (path == "/" || path == "/console") {
    answer.kind = ConsoleAnswer::Kind::redirect;
    answer.location = std::string(kConsoleRoot);
    return answer;
  }
  if (!path.starts_with(kConsoleRoot)) return answer;
  std::string_view name = path.substr(kConsoleRoot.size());
  if (name.empty()) name = "index.html";
  if (name.find("..") != std::string_view::npos || name.find("//") != std::string_view::npos ||
      name.find('?') != std::string_view::npos) {
    return answer;
  }
  const auto files = console_files();
  const auto found = std::find_if(files.begin(), files.end(),
                                  [name](const ConsoleFile& file) { return file.path == name; });
  if (found == files.end()) return answer;
  answer.kind = ConsoleAnswer::Kind::file;
  answer.file = &*found;
  return answer;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  if (if_none_match == "*") return true;
  std::size_t at = 0;
  while (at < if_none_match.size()) {
    std::size_t end = if_none_match.find(',', at);
    if (end == std::string_view::npos) end = if_none_match.size();
    std::string_view candidate = if_none_match.substr(at, end - at);
    while (!candidate.empty() && candidate.front() == ' ') candidate.remove_prefix(1);
    while (!candidate.empty() && candidate.back() == ' ') candidate.remove_suffix(1);
    if (candidate.starts_with("W/")) candidate.remove_prefix(2);
    if (candidate == etag) return true;
    at = end + 1;
  }
  return false;
}

}  // namespace edgehub::hub
