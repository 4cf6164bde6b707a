#include "api/http_request_head.h"

#include <doctest/doctest.h>

using namespace edgehub::hub;

namespace {
const std::string kHead =
    "POST /api/v1/devices?x=1 HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer t\r\n"
    "Content-Length: 12\r\n\r\n";
}

TEST_CASE("scan_request_head_complete_head_reports_its_length_without_the_body") {
  const auto scan = scan_request_head(kHead + "{\"id\":\"a\"}", 1024);
  CHECK(scan.progress == HeadProgress::complete);
  CHECK(scan.length == kHead.size());
}

TEST_CASE("scan_request_head_one_byte_short_of_the_blank_line_is_incomplete") {
  CHECK(scan_request_head(kHead.substr(0, kHead.size() - 1), 1024).progress ==
        HeadProgress::incomplete);
  CHECK(scan_request_head("", 1024).progress == HeadProgress::incomplete);
  CHECK(scan_request_head("GET / HTTP/1.1\r\n", 1024).progress == HeadProgress::incomplete);
}

TEST_CASE("scan_request_head_head_of_exactly_the_limit_is_complete_one_more_byte_is_too_large") {
  CHECK(scan_request_head(kHead, kHead.size()).progress == HeadProgress::complete);
  // The limit one byte below the head: the bytes received so far cannot end
  // a head in time.
  CHECK(scan_request_head(kHead, kHead.size() - 1).progress == HeadProgress::too_large);
  // Exactly `limit` bytes of an unfinished head: the next byte decides.
  CHECK(scan_request_head(kHead.substr(0, 10), 10).progress == HeadProgress::incomplete);
  CHECK(scan_request_head(kHead.substr(0, 11), 10).progress == HeadProgress::too_large);
}

TEST_CASE("scan_request_head_endless_request_line_or_header_line_is_too_large") {
  CHECK(scan_request_head("GET /" + std::string(20000, 'a'), 16384).progress ==
        HeadProgress::too_large);
  CHECK(scan_request_head("GET / HTTP/1.1\r\nX: " + std::string(20000, 'a'), 16384).progress ==
        HeadProgress::too_large);
  // Many short header lines add up too.
  std::string many = "GET / HTTP/1.1\r\n";
  while (many.size() <= 16384) many += "X: y\r\n";
  CHECK(scan_request_head(many, 16384).progress == HeadProgress::too_large);
}

TEST_CASE("scan_request_head_ends_where_httplib_ends_it") {
  // A bare LF line is skipped by httplib, the next CRLF-only line ends the head.
  const std::string lf = "GET / HTTP/1.1\r\nX: y\n\r\nrest";
  CHECK(scan_request_head(lf, 1024).length == lf.size() - 4);
  // A request line alone, followed by the blank line.
  CHECK(scan_request_head("GET / HTTP/1.1\r\n\r\n", 1024).length == 18);
  // "\n\n" is not the end of a head for httplib (no CRLF blank line).
  CHECK(scan_request_head("GET / HTTP/1.1\n\n", 1024).progress == HeadProgress::incomplete);
}

TEST_CASE("parse_request_head_reads_the_fields_admission_needs") {
  const auto head = parse_request_head(kHead);
  CHECK(head.request_line_valid);
  CHECK(head.method == "POST");
  CHECK(head.target == "/api/v1/devices?x=1");
  CHECK(head.path == "/api/v1/devices");
  CHECK(head.version == "HTTP/1.1");
  REQUIRE(head.authorization);
  CHECK(*head.authorization == "Bearer t");
  CHECK(head.has_content_length);
  CHECK(head.content_length_valid);
  CHECK(head.content_length == 12);
  CHECK_FALSE(head.has_transfer_encoding);
  CHECK_FALSE(head.content_encoding);
}

TEST_CASE("parse_request_head_header_names_ignore_case_and_values_are_trimmed") {
  const auto head = parse_request_head(
      "PUT /x HTTP/1.0\r\ncontent-length: \t7 \t\r\ntransfer-ENCODING: chunked\r\n"
      "CONTENT-ENCODING: gzip\r\n\r\n");
  CHECK(head.request_line_valid);
  CHECK(head.content_length == 7);
  CHECK(head.has_transfer_encoding);
  REQUIRE(head.content_encoding);
  CHECK(*head.content_encoding == "gzip");
}

TEST_CASE("parse_request_head_flags_content_length_that_is_not_one_decimal_number") {
  for (const std::string value : {"-1", "1e3", "0x10", "12 13", "99999999999999999999", "%31"}) {
    INFO(value);
    const auto head =
        parse_request_head("POST / HTTP/1.1\r\nContent-Length: " + value + "\r\n\r\n");
    CHECK(head.has_content_length);
    CHECK_FALSE(head.content_length_valid);
  }
  const auto twice =
      parse_request_head("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
  CHECK_FALSE(twice.content_length_valid);
  const auto same_twice =
      parse_request_head("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n");
  CHECK(same_twice.content_length_valid);
  CHECK(same_twice.content_length == 2);
}

TEST_CASE("parse_request_head_rejects_malformed_request_lines") {
  CHECK_FALSE(parse_request_head("GET /\r\n\r\n").request_line_valid);
  CHECK_FALSE(parse_request_head("GET  / HTTP/1.1\r\n\r\n").request_line_valid);
  CHECK_FALSE(parse_request_head("GET / HTTP/2\r\n\r\n").request_line_valid);
  CHECK_FALSE(parse_request_head("GET / HTTP/1.1\n\r\n").request_line_valid);
  CHECK_FALSE(parse_request_head("\r\n\r\n").request_line_valid);
}

TEST_CASE("parse_request_head_skips_header_lines_httplib_skips") {
  // No CRLF: httplib ignores the line, so must admission.
  const auto head = parse_request_head("GET / HTTP/1.1\r\nAuthorization: Bearer a\n\r\n");
  CHECK_FALSE(head.authorization);
  // No value: httplib drops the header.
  CHECK_FALSE(parse_request_head("GET / HTTP/1.1\r\nAuthorization:  \r\n\r\n").authorization);
}
