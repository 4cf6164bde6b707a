#include "exports/mqtt_destination_settings.h"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "exports/export_template.h"

namespace edgehub::hub {
namespace {

Error invalid(const std::string& message) {
  return make_error(ErrorCode::invalid_argument, "mqtt destination: " + message);
}

bool is_loopback(std::string_view host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

Result<std::string> optional_text(const nlohmann::json& options, const char* name) {
  const auto found = options.find(name);
  if (found == options.end()) return std::string();
  if (!found->is_string()) return invalid(std::string("'") + name + "' must be a string");
  return found->get<std::string>();
}

// "mqtts://host:port" or "mqtt://host[:port]"; IPv6 hosts in brackets.
Status parse_url(std::string_view url, MqttDestinationSettings& settings) {
  if (url.starts_with("mqtts://")) {
    settings.tls = true;
    settings.port = 8883;
    url.remove_prefix(8);
  } else if (url.starts_with("mqtt://")) {
    settings.tls = false;
    settings.port = 1883;
    url.remove_prefix(7);
  } else {
    return invalid("'url' must start with mqtts:// (or mqtt:// to a loopback host)");
  }
  std::string_view host = url;
  std::string_view port;
  if (url.starts_with("[")) {
    const auto close = url.find(']');
    if (close == std::string_view::npos) return invalid("'url': unclosed '[' in the host");
    host = url.substr(1, close - 1);
    if (close + 1 < url.size()) {
      if (url[close + 1] != ':') return invalid("'url': expected ':' after the host");
      port = url.substr(close + 2);
    }
  } else if (const auto colon = url.rfind(':'); colon != std::string_view::npos) {
    host = url.substr(0, colon);
    port = url.substr(colon + 1);
  }
  if (host.empty() || host.find('/') != std::string_view::npos) {
    return invalid("'url' needs a host (mqtts://host:port)");
  }
  if (!port.empty() || url.ends_with(":")) {
    unsigned value = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (error != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return invalid("'url': the port must be 1-65535");
    }
    settings.port = static_cast<std::uint16_t>(value);
  }
  settings.host = std::string(host);
  if (!settings.tls && !is_loopback(settings.host)) {
    return invalid("plain mqtt:// is allowed to a loopback host only (tests); use mqtts://");
  }
  return ok_status();
}

}  // namespace

std::string MqttDestinationSettings::server_uri() const {
  const std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return std::string(tls ? "ssl://" : "tcp://") + shown + ":" + std::to_string(port);
}

Result<MqttDestinationSettings> parse_mqtt_destination_settings(const nlohmann::json& options,
                                                                const std::string& export_name,
                                                                const std::string& site_id) {
  MqttDestinationSettings settings;
  auto url = optional_text(options, "url");
  if (!url) return url.error();
  if (url->empty()) return invalid("'url' (mqtts://host:port) is needed");
  if (Status parsed = parse_url(*url, settings); !parsed) return parsed.error();

  for (auto [name, target] :
       {std::pair{"ca_file", &settings.ca_file}, std::pair{"cert_file", &settings.cert_file},
        std::pair{"key_file", &settings.key_file}, std::pair{"client_id", &settings.client_id}}) {
    auto value = optional_text(options, name);
    if (!value) return value.error();
    *target = *value;
  }
  if (settings.cert_file.empty() != settings.key_file.empty()) {
    return invalid("'cert_file' and 'key_file' go together");
  }
  if (!settings.tls && (!settings.ca_file.empty() || !settings.cert_file.empty())) {
    return invalid("TLS files are given but the url is plain mqtt://");
  }
  if (settings.client_id.empty()) settings.client_id = "edgehub-" + site_id + "-" + export_name;

  auto topic = optional_text(options, "topic");
  if (!topic) return topic.error();
  if (!topic->empty()) settings.topic_template = *topic;
  if (Status valid = validate_export_template(settings.topic_template); !valid) {
    return invalid("'topic': " + valid.error().message);
  }
  if (settings.topic_template.find_first_of("+#") != std::string::npos) {
    return invalid("'topic' may not contain the wildcards + or #");
  }

  if (const auto envelope = options.find("envelope"); envelope != options.end()) {
    if (!envelope->is_boolean()) return invalid("'envelope' must be true or false");
    settings.envelope = envelope->get<bool>();
  }
  auto protocol = optional_text(options, "protocol");
  if (!protocol) return protocol.error();
  if (*protocol == "5") {
    settings.protocol = MqttProtocol::v5;
  } else if (*protocol == "3.1.1") {
    settings.protocol = MqttProtocol::v311;
  } else if (!protocol->empty() && *protocol != "auto") {
    return invalid("'protocol' must be \"auto\", \"5\" or \"3.1.1\"");
  }
  if (const auto timeout = options.find("ack_timeout_ms"); timeout != options.end()) {
    if (!timeout->is_number_unsigned() || timeout->get<std::uint64_t>() < 100 ||
        timeout->get<std::uint64_t>() > 600000) {
      return invalid("'ack_timeout_ms' must be 100-600000");
    }
    settings.ack_timeout = std::chrono::milliseconds(timeout->get<std::int64_t>());
  }
  for (const auto& [key, value] : options.items()) {
    static constexpr std::string_view kKnown[] = {"url",      "ca_file",   "cert_file",
                                                  "key_file", "client_id", "topic",
                                                  "envelope", "protocol",  "ack_timeout_ms"};
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
      return invalid("unknown option '" + key + "'");
    }
  }
  return settings;
}

}  // namespace edgehub::hub
