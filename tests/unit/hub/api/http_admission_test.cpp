#include "api/http_admission.h"

#include <doctest/doctest.h>

using namespace edgehub::hub;

namespace {

const AdmissionPolicy kPolicy{[](std::string_view token) { return token == "0123456789abcdef"; },
                              1024};

Admission decide(const std::string& head_text) {
  return decide_admission(parse_request_head(head_text), kPolicy);
}

std::string with_token(const std::string& request_line, const std::string& headers = "") {
  return request_line + "\r\nAuthorization: Bearer 0123456789abcdef\r\n" + headers + "\r\n";
}

}  // namespace

TEST_CASE("bearer tokens must match exactly") {
  CHECK(bearer_token_matches("Bearer abc", "abc"));
  CHECK_FALSE(bearer_token_matches("Bearer abd", "abc"));
  CHECK_FALSE(bearer_token_matches("Bearer abcd", "abc"));
  CHECK_FALSE(bearer_token_matches("bearer abc", "abc"));
  CHECK_FALSE(bearer_token_matches("abc", "abc"));
  CHECK_FALSE(bearer_token_matches("", "abc"));
  CHECK_FALSE(bearer_token_matches("Bearer ", ""));
}

TEST_CASE("decide_admission_health_check_is_open_without_a_token") {
  const auto health = decide("GET /api/v1/health HTTP/1.1\r\n\r\n");
  CHECK(health.admitted);
  CHECK_FALSE(health.authenticated);
  CHECK(decide("GET /api/v1/health?verbose=1 HTTP/1.1\r\n\r\n").admitted);
  CHECK(decide("HEAD /api/v1/health HTTP/1.1\r\nContent-Length: 0\r\n\r\n").admitted);
  // The API description is open too (route_roles.cpp), body-less only.
  CHECK(decide("GET /api/v1/openapi.json HTTP/1.1\r\n\r\n").admitted);
  CHECK(decide("POST /api/v1/openapi.json HTTP/1.1\r\nContent-Length: 1\r\n\r\n").status == 401);
}

TEST_CASE("decide_admission_health_with_a_body_or_another_method_needs_the_token") {
  CHECK(decide("POST /api/v1/health HTTP/1.1\r\nContent-Length: 1\r\n\r\n").status == 401);
  CHECK(decide("GET /api/v1/health HTTP/1.1\r\nContent-Length: 1\r\n\r\n").status == 401);
  CHECK(decide("GET /api/v1/health HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").status == 401);
  CHECK(decide("DELETE /api/v1/health HTTP/1.1\r\n\r\n").status == 401);
  CHECK(decide("GET /api/v1/healthz HTTP/1.1\r\n\r\n").status == 401);
}

TEST_CASE("decide_admission_console_files_are_open_without_a_token_and_without_a_body") {
  for (const char* line : {"GET / HTTP/1.1", "GET /console HTTP/1.1", "GET /console/ HTTP/1.1",
                           "GET /console/js/app.js HTTP/1.1", "HEAD /console/ HTTP/1.1"}) {
    CAPTURE(line);
    const auto admission = decide(std::string(line) + "\r\n\r\n");
    CHECK(admission.admitted);
    CHECK_FALSE(admission.authenticated);
  }
  CHECK(decide("POST /console/ HTTP/1.1\r\nContent-Length: 1\r\n\r\n").status == 401);
  CHECK(decide("GET /console/ HTTP/1.1\r\nContent-Length: 5\r\n\r\n").status == 401);
  CHECK(decide("GET /consoles HTTP/1.1\r\n\r\n").status == 401);
  CHECK(decide("GET /api/v1/whoami HTTP/1.1\r\n\r\n").status == 401);
}

TEST_CASE("decide_admission_without_token_is_401_before_any_body_limit") {
  const auto anonymous =
      decide("POST /api/v1/devices HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n");
  CHECK_FALSE(anonymous.admitted);
  CHECK(anonymous.status == 401);
  CHECK(anonymous.code == "unauthorized");
  CHECK(decide("GET /api/v1/devices HTTP/1.1\r\nAuthorization: Bearer nope\r\n\r\n").status == 401);
  CHECK(decide("GET /api/v1/devices HTTP/1.1\r\nAuthorization: Bearer 0123456789abcdeF\r\n\r\n")
            .status == 401);
}

TEST_CASE("decide_admission_with_token_is_admitted_and_authenticated") {
  const auto admitted =
      decide(with_token("POST /api/v1/devices HTTP/1.1", "Content-Length: 10\r\n"));
  CHECK(admitted.admitted);
  CHECK(admitted.authenticated);
  CHECK_FALSE(admitted.long_running);
}

TEST_CASE("decide_admission_body_at_the_limit_is_admitted_one_byte_more_is_413") {
  CHECK(decide(with_token("POST /x HTTP/1.1", "Content-Length: 1024\r\n")).admitted);
  const auto over = decide(with_token("POST /x HTTP/1.1", "Content-Length: 1025\r\n"));
  CHECK_FALSE(over.admitted);
  CHECK(over.status == 413);
  CHECK(over.code == "too_large");
}

TEST_CASE("decide_admission_chunked_body_is_411") {
  const auto chunked = decide(with_token("POST /x HTTP/1.1", "Transfer-Encoding: chunked\r\n"));
  CHECK_FALSE(chunked.admitted);
  CHECK(chunked.status == 411);
  // Any transfer coding: httplib would read it as chunked after URL-decoding.
  CHECK(decide(with_token("POST /x HTTP/1.1", "Transfer-Encoding: %63hunked\r\n")).status == 411);
}

TEST_CASE("decide_admission_bad_content_length_is_400_compressed_body_is_415") {
  CHECK(decide(with_token("POST /x HTTP/1.1", "Content-Length: 1x\r\n")).status == 400);
  CHECK(decide(with_token("POST /x HTTP/1.1", "Content-Encoding: gzip\r\n")).status == 415);
  CHECK(decide(with_token("POST /x HTTP/1.1", "Content-Encoding: Identity\r\n")).admitted);
}

TEST_CASE("decide_admission_malformed_request_line_is_400") {
  CHECK(decide("GARBAGE\r\n\r\n").status == 400);
  CHECK(decide("GET / HTTP/3.0\r\n\r\n").status == 400);
}

TEST_CASE("decide_admission_event_streams_and_long_polls_are_long_running") {
  CHECK(decide(with_token("GET /api/v1/streams/telemetry/events HTTP/1.1")).long_running);
  CHECK(decide(with_token("GET /api/v1/streams/telemetry/records?wait_ms=500 HTTP/1.1"))
            .long_running);
  CHECK_FALSE(
      decide(with_token("GET /api/v1/streams/telemetry/records?from=0 HTTP/1.1")).long_running);
  CHECK_FALSE(decide(with_token("GET /api/v1/devices HTTP/1.1")).long_running);
}
