#include "exports/kafka_options.h"

#include <doctest/doctest.h>

#include "exports/kafka_destination.h"

using edgehub::hub::make_kafka_destination;
using edgehub::hub::parse_kafka_options;
using nlohmann::json;

namespace {

std::string error_of(const json& options) {
  auto parsed = parse_kafka_options(options);
  REQUIRE_FALSE(parsed);
  return parsed.error().message;
}

bool mentions(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("bootstrap servers alone give the defaults: topic = stream, no TLS, no SASL") {
  auto parsed = parse_kafka_options(json{{"bootstrap_servers", "k1:9092,k2:9092"}});
  REQUIRE(parsed);
  CHECK(parsed->bootstrap_servers == std::vector<std::string>{"k1:9092", "k2:9092"});
  CHECK(parsed->topic_template == "{stream}");
  CHECK(parsed->security_protocol() == "plaintext");
  CHECK(parsed->ack_timeout_ms == 10000);
}

TEST_CASE("TLS and SASL choose the security protocol") {
  CHECK(parse_kafka_options(json{{"bootstrap_servers", "k:9093"}, {"ca_file", "ca.pem"}})
            ->security_protocol() == "ssl");
  CHECK(parse_kafka_options(json{{"bootstrap_servers", "k:9093"}, {"tls", true}})
            ->security_protocol() == "ssl");
  const json sasl{{"bootstrap_servers", "k:9093"},
                  {"sasl_mechanism", "SCRAM-SHA-512"},
                  {"sasl_user", "edge"},
                  {"sasl_password_file", "/etc/pw"}};
  CHECK(parse_kafka_options(sasl)->security_protocol() == "sasl_plaintext");
  json sasl_tls = sasl;
  sasl_tls["tls"] = true;
  CHECK(parse_kafka_options(sasl_tls)->security_protocol() == "sasl_ssl");
}

TEST_CASE("options that cannot work are refused with the option's name") {
  CHECK(mentions(error_of(json{{"topic", "t"}}), "\"bootstrap_servers\" is required"));
  CHECK(mentions(error_of(json{{"bootstrap_servers", "kafka://k:9092"}}), "host:port"));
  CHECK(mentions(error_of(json{{"bootstrap_servers", "k"}}), "host:port"));
  CHECK(mentions(error_of(json{{"bootstrap_servers", "k:1"}, {"acks", "1"}}),
                 "unknown option \"acks\""));
  CHECK(mentions(error_of(json{{"bootstrap_servers", "k:1"}, {"topic", "a/{stream}"}}),
                 "a-z A-Z 0-9"));
  CHECK(mentions(error_of(json{{"bootstrap_servers", "k:1"}, {"key_file", "k.pem"}}), "cert_file"));
  CHECK(mentions(error_of(json{{"bootstrap_servers", "k:1"}, {"sasl_mechanism", "GSSAPI"}}),
                 "PLAIN"));
  CHECK(mentions(error_of(json{{"bootstrap_servers", "k:1"}, {"sasl_mechanism", "PLAIN"}}),
                 "sasl_user"));
  CHECK(mentions(error_of(json{{"bootstrap_servers", "k:1"}, {"sasl_user", "u"}}),
                 "need sasl_mechanism"));
  CHECK(mentions(error_of(json{{"bootstrap_servers", "k:1"}, {"tls", false}, {"ca_file", "c"}}),
                 "need TLS"));
  CHECK(mentions(error_of(json{{"bootstrap_servers", "k:1"}, {"ack_timeout_ms", 5}}),
                 "ack_timeout_ms"));
}

TEST_CASE("a SASL password file that cannot be read is refused when the destination starts") {
  auto destination = make_kafka_destination(json{{"bootstrap_servers", "127.0.0.1:1"},
                                                 {"sasl_mechanism", "PLAIN"},
                                                 {"sasl_user", "u"},
                                                 {"sasl_password_file", "/nonexistent/pw"}});
  REQUIRE_FALSE(destination);
  CHECK(mentions(destination.error().message, "sasl_password_file"));
}
