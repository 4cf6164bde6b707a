// A Kafka export's options, read and checked when the export is added (no
// file opened, no broker contacted here).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "edgehub/common/result.h"

namespace edgehub::hub {

struct KafkaOptions {
  std::vector<std::string> bootstrap_servers;  // host:port, one or more
  std::string topic_template;                  // kDefaultKafkaTopicTemplate unless given
  // TLS: on with "tls": true or when a CA or client certificate is given.
  bool tls = false;
  std::optional<std::string> ca_file;
  std::optional<std::string> cert_file;
  std::optional<std::string> key_file;
  // SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512): the password is read from a
  // file, never kept in the options `hubctl exports show` prints.
  std::optional<std::string> sasl_mechanism;
  std::optional<std::string> sasl_user;
  std::optional<std::string> sasl_password_file;
  // How long a batch waits for its delivery reports (librdkafka's
  // message.timeout.ms): past it the rest of the batch is withdrawn.
  std::int64_t ack_timeout_ms = 10000;

  // "plaintext", "ssl", "sasl_plaintext" or "sasl_ssl".
  std::string security_protocol() const;
};

// Keys: bootstrap_servers, topic, tls, ca_file, cert_file, key_file,
// sasl_mechanism, sasl_user, sasl_password_file, ack_timeout_ms. Unknown keys
// are refused.
Result<KafkaOptions> parse_kafka_options(const nlohmann::json& options);

}  // namespace edgehub::hub
