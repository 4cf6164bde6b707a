#include "exports/kafka_options.h"

#include "exports/destination_options_json.h"
#include "exports/kafka_topic.h"

namespace edgehub::hub {
namespace {

constexpr std::string_view kEngine = "kafka";

Error refuse(const std::string& message) {
  return make_error(ErrorCode::invalid_argument, "kafka options: " + message);
}

}  // namespace

std::string KafkaOptions::security_protocol() const {
  if (sasl_mechanism) return tls ? "sasl_ssl" : "sasl_plaintext";
  return tls ? "ssl" : "plaintext";
}

Result<KafkaOptions> parse_kafka_options(const nlohmann::json& options) {
  if (Status known = check_destination_options(
          options, kEngine,
          {"bootstrap_servers", "topic", "tls", "ca_file", "cert_file", "key_file",
           "sasl_mechanism", "sasl_user", "sasl_password_file", "ack_timeout_ms"});
      !known) {
    return known.error();
  }
  KafkaOptions parsed;
  auto servers = string_list_option(options, kEngine, "bootstrap_servers");
  if (!servers) return servers.error();
  parsed.bootstrap_servers = std::move(servers).value();
  for (const std::string& server : parsed.bootstrap_servers) {
    if (server.find("://") != std::string::npos || server.find(':') == std::string::npos) {
      return refuse("bootstrap server \"" + server + "\" must be host:port (no scheme)");
    }
  }

  auto topic = optional_string_option(options, kEngine, "topic");
  if (!topic) return topic.error();
  parsed.topic_template = topic->value_or(std::string(kDefaultKafkaTopicTemplate));
  if (Status valid = validate_kafka_topic_template(parsed.topic_template); !valid) {
    return refuse("topic: " + valid.error().message);
  }

  for (auto [name, field] :
       {std::pair{"ca_file", &parsed.ca_file}, std::pair{"cert_file", &parsed.cert_file},
        std::pair{"key_file", &parsed.key_file},
        std::pair{"sasl_mechanism", &parsed.sasl_mechanism},
        std::pair{"sasl_user", &parsed.sasl_user},
        std::pair{"sasl_password_file", &parsed.sasl_password_file}}) {
    auto value = optional_string_option(options, kEngine, name);
    if (!value) return value.error();
    *field = std::move(value).value();
  }
  if (const auto tls = options.find("tls"); tls != options.end()) {
    if (!tls->is_boolean()) return refuse("\"tls\" must be true or false");
    parsed.tls = tls->get<bool>();
    if (!parsed.tls && (parsed.ca_file || parsed.cert_file)) {
      return refuse("ca_file and cert_file need TLS: remove \"tls\": false");
    }
  } else {
    parsed.tls = parsed.ca_file.has_value() || parsed.cert_file.has_value();
  }
  if (parsed.cert_file.has_value() != parsed.key_file.has_value()) {
    return refuse("cert_file and key_file go together (a client certificate and its key)");
  }
  if (parsed.sasl_mechanism) {
    const std::string& mechanism = *parsed.sasl_mechanism;
    if (mechanism != "PLAIN" && mechanism != "SCRAM-SHA-256" && mechanism != "SCRAM-SHA-512") {
      return refuse("sasl_mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
    }
    if (!parsed.sasl_user || !parsed.sasl_password_file) {
      return refuse("sasl_mechanism needs sasl_user and sasl_password_file");
    }
  } else if (parsed.sasl_user || parsed.sasl_password_file) {
    return refuse("sasl_user and sasl_password_file need sasl_mechanism");
  }

  auto ack_timeout = integer_option(options, kEngine, "ack_timeout_ms", 100, 600'000, 10000);
  if (!ack_timeout) return ack_timeout.error();
  parsed.ack_timeout_ms = *ack_timeout;
  return parsed;
}

}  // namespace edgehub::hub
