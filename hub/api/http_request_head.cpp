#include "api/http_request_head.h"

#include <algorithm>

namespace edgehub::hub {
namespace {

bool is_space_or_tab(char c) { return c == ' ' || c == '\t'; }

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::optional<std::uint64_t> decimal(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

void parse_request_line(std::string_view line, RequestHead& head) {
  if (line.size() < 2 || line.substr(line.size() - 2) != "\r\n") return;
  line.remove_suffix(2);
  // httplib splits at single spaces and needs exactly three parts.
  const auto first = line.find(' ');
  if (first == std::string_view::npos) return;
  const auto second = line.find(' ', first + 1);
  if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos) {
    return;
  }
  head.method = std::string(line.substr(0, first));
  head.target = std::string(line.substr(first + 1, second - first - 1));
  head.version = std::string(line.substr(second + 1));
  head.path = head.target.substr(0, head.target.find_first_of("?#"));
  head.request_line_valid = !head.method.empty() && !head.target.empty() &&
                            (head.version == "HTTP/1.1" || head.version == "HTTP/1.0");
}

void parse_header_line(std::string_view line, RequestHead& head) {
  while (!line.empty() && is_space_or_tab(line.back())) line.remove_suffix(1);
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return;
  const std::string_view name = line.substr(0, colon);
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && is_space_or_tab(value.front())) value.remove_prefix(1);
  if (value.empty()) return;  // httplib drops a header without a value
  if (equals_ignoring_case(name, "Authorization")) {
    if (!head.authorization) head.authorization = std::string(value);
  } else if (equals_ignoring_case(name, "Content-Length")) {
    const auto parsed = decimal(value);
    if (!parsed || (head.has_content_length && *parsed != head.content_length)) {
      head.content_length_valid = false;
    } else {
      head.content_length = *parsed;
    }
    head.has_content_length = true;
  } else if (equals_ignoring_case(name, "Transfer-Encoding")) {
    head.has_transfer_encoding = true;
  } else if (equals_ignoring_case(name, "Content-Encoding")) {
    if (!head.content_encoding) head.content_encoding = std::string(value);
  }
}

}  // namespace

HeadScan scan_request_head(std::string_view received, std::size_t max_head_bytes) {
  const std::size_t limit = std::min(received.size(), max_head_bytes);
  // The first line is the request line, even when it is empty.
  std::size_t line_start = received.find('\n');
  if (line_start == std::string_view::npos || line_start >= limit) {
    return {received.size() > max_head_bytes ? HeadProgress::too_large : HeadProgress::incomplete,
            0};
  }
  ++line_start;
  while (line_start < limit) {
    const std::size_t end = received.find('\n', line_start);
    if (end == std::string_view::npos || end >= limit) break;
    if (end == line_start + 1 && received[line_start] == '\r')
      return {HeadProgress::complete, end + 1};
    line_start = end + 1;
  }
  return {received.size() > max_head_bytes ? HeadProgress::too_large : HeadProgress::incomplete, 0};
}

RequestHead parse_request_head(std::string_view head) {
  RequestHead parsed;
  std::size_t end = head.find('\n');
  if (end == std::string_view::npos) return parsed;
  parse_request_line(head.substr(0, end + 1), parsed);
  std::size_t start = end + 1;
  while ((end = head.find('\n', start)) != std::string_view::npos) {
    const std::string_view line = head.substr(start, end + 1 - start);
    start = end + 1;
    if (line.size() < 2 || line[line.size() - 2] != '\r') continue;  // httplib skips it
    if (line.size() == 2) break;
    parse_header_line(line.substr(0, line.size() - 2), parsed);
  }
  return parsed;
}

}  // namespace edgehub::hub
