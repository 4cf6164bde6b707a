// Reads an HTTP/1.1 request head from the bytes received so far, without
// consuming them: is it complete, how long is it, and the few fields that
// admission needs. Pure (no I/O); mirrors how cpp-httplib 0.11 splits a head
// (lines end at '\n', the head ends at the first line that is exactly
// "\r\n", header lines without "\r\n" are skipped, "Name: value" with spaces
// and tabs trimmed), so that the head judged here is the head httplib parses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace edgehub::hub {

enum class HeadProgress {
  incomplete,  // no blank line yet, and still within the limit
  complete,    // the head ends within the limit (see HeadScan::length)
  too_large,   // max_head_bytes received without the end of the head
};

struct HeadScan {
  HeadProgress progress = HeadProgress::incomplete;
  std::size_t length = 0;  // bytes of the head, blank line included (complete only)
};

// received: the first bytes of the connection's next request. A head of
// exactly max_head_bytes is complete; one byte more is too_large.
HeadScan scan_request_head(std::string_view received, std::size_t max_head_bytes);

// The fields of a complete head that admission looks at. Header names
// compare case-insensitively; a header that appears twice is flagged when it
// matters (Content-Length).
struct RequestHead {
  std::string method;
  std::string target;  // as sent: path and query
  std::string path;    // target up to '?' or '#', not decoded
  std::string version;
  bool request_line_valid = false;  // "METHOD SP target SP HTTP/1.x CRLF"
  std::optional<std::string> authorization;
  // Content-Length: absent, a number, or present but not a plain decimal
  // number (content_length_valid false) or given twice with different values.
  bool has_content_length = false;
  bool content_length_valid = true;
  std::uint64_t content_length = 0;
  bool has_transfer_encoding = false;
  std::optional<std::string> content_encoding;
};

// head: exactly the complete head (HeadScan::length bytes).
RequestHead parse_request_head(std::string_view head);

}  // namespace edgehub::hub
