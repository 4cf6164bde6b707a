#include "exports/nats_options.h"

#include <doctest/doctest.h>

#include "exports/nats_destination.h"

using edgehub::hub::make_nats_destination;
using edgehub::hub::parse_nats_options;
using nlohmann::json;

namespace {

std::string error_of(const json& options) {
  auto parsed = parse_nats_options(options);
  REQUIRE_FALSE(parsed);
  return parsed.error().message;
}

bool mentions(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a url alone gives the defaults") {
  auto parsed = parse_nats_options(json{{"url", "nats://127.0.0.1:4222"}});
  REQUIRE(parsed);
  CHECK(parsed->urls == std::vector<std::string>{"nats://127.0.0.1:4222"});
  CHECK(parsed->subject_template == "edgehub.{site}.{device}.{stream}");
  CHECK(parsed->max_pending == 4096);
  CHECK(parsed->ack_timeout_ms == 5000);
  CHECK_FALSE(parsed->tls());
}

TEST_CASE("several servers as an array or separated by commas") {
  auto from_array = parse_nats_options(json{{"url", {"nats://a:1", "nats://b:2"}}});
  auto from_text = parse_nats_options(json{{"url", "nats://a:1, nats://b:2"}});
  REQUIRE(from_array);
  REQUIRE(from_text);
  CHECK(from_array->urls == from_text->urls);
  CHECK(from_text->urls.size() == 2);
}

TEST_CASE("tls:// or a CA file turns TLS on") {
  CHECK(parse_nats_options(json{{"url", "tls://h:4222"}})->tls());
  CHECK(parse_nats_options(json{{"url", "nats://h:4222"}, {"ca_file", "/ca.pem"}})->tls());
}

TEST_CASE("options that cannot work are refused with the option's name") {
  CHECK(mentions(error_of(json{{"subject", "a.b"}}), "\"url\" is required"));
  CHECK(mentions(error_of(json{{"url", "http://h:4222"}}), "nats:// or tls://"));
  CHECK(mentions(error_of(json{{"url", "nats://h:1"}, {"urls", "x"}}), "unknown option \"urls\""));
  CHECK(mentions(error_of(json{{"url", "nats://h:1"}, {"subject", "edge.{devices}"}}),
                 "unknown placeholder"));
  CHECK(mentions(error_of(json{{"url", "nats://h:1"}, {"subject", "edge..{device}"}}),
                 "empty token"));
  CHECK(mentions(error_of(json{{"url", "nats://h:1"}, {"cert_file", "c.pem"}}), "key_file"));
  CHECK(mentions(error_of(json{{"url", "nats://h:1"}, {"user", "u"}}), "password_file"));
  CHECK(mentions(
      error_of(json{
          {"url", "nats://h:1"}, {"credentials_file", "c"}, {"user", "u"}, {"password_file", "p"}}),
      "give one"));
  CHECK(mentions(error_of(json{{"url", "nats://h:1"}, {"max_pending", 0}}), "max_pending"));
  CHECK(
      mentions(error_of(json{{"url", "nats://h:1"}, {"ack_timeout_ms", "5s"}}), "ack_timeout_ms"));
  CHECK(mentions(error_of(json{{"url", 4222}}), "string or an array"));
  CHECK(mentions(error_of(json::array()), "JSON object"));
}

TEST_CASE("a CA file that does not exist is refused when the destination starts") {
  auto destination = make_nats_destination(
      json{{"url", "nats://127.0.0.1:1"}, {"ca_file", "/nonexistent/ca.pem"}});
  REQUIRE_FALSE(destination);
  CHECK(mentions(destination.error().message, "nats options"));
}
