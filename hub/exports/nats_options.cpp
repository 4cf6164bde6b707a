#include "exports/nats_options.h"

#include "exports/destination_options_json.h"
#include "exports/nats_subject.h"

namespace edgehub::hub {
namespace {

constexpr std::string_view kEngine = "nats";

Error refuse(const std::string& message) {
  return make_error(ErrorCode::invalid_argument, "nats options: " + message);
}

bool starts_with(const std::string& text, std::string_view prefix) {
  return text.rfind(prefix, 0) == 0;
}

}  // namespace

bool NatsOptions::tls() const {
  if (ca_file || cert_file) return true;
  for (const std::string& url : urls) {
    if (starts_with(url, "tls://")) return true;
  }
  return false;
}

Result<NatsOptions> parse_nats_options(const nlohmann::json& options) {
  if (Status known = check_destination_options(
          options, kEngine,
          {"url", "subject", "ca_file", "cert_file", "key_file", "credentials_file", "user",
           "password_file", "max_pending", "ack_timeout_ms"});
      !known) {
    return known.error();
  }
  NatsOptions parsed;
  auto urls = string_list_option(options, kEngine, "url");
  if (!urls) return urls.error();
  parsed.urls = std::move(urls).value();
  for (const std::string& url : parsed.urls) {
    if (!starts_with(url, "nats://") && !starts_with(url, "tls://")) {
      return refuse("url \"" + url + "\" must start with nats:// or tls://");
    }
  }

  auto subject = optional_string_option(options, kEngine, "subject");
  if (!subject) return subject.error();
  parsed.subject_template = subject->value_or(std::string(kDefaultNatsSubjectTemplate));
  if (Status valid = validate_nats_subject_template(parsed.subject_template); !valid) {
    return refuse("subject: " + valid.error().message);
  }

  for (auto [name, field] :
       {std::pair{"ca_file", &parsed.ca_file}, std::pair{"cert_file", &parsed.cert_file},
        std::pair{"key_file", &parsed.key_file},
        std::pair{"credentials_file", &parsed.credentials_file}, std::pair{"user", &parsed.user},
        std::pair{"password_file", &parsed.password_file}}) {
    auto value = optional_string_option(options, kEngine, name);
    if (!value) return value.error();
    *field = std::move(value).value();
  }
  if (parsed.cert_file.has_value() != parsed.key_file.has_value()) {
    return refuse("cert_file and key_file go together (a client certificate and its key)");
  }
  if (parsed.user.has_value() != parsed.password_file.has_value()) {
    return refuse("user and password_file go together");
  }
  if (parsed.credentials_file && parsed.user) {
    return refuse("credentials_file and user/password_file are two ways to authenticate: give one");
  }

  auto max_pending = integer_option(options, kEngine, "max_pending", 1, 1'000'000, 4096);
  if (!max_pending) return max_pending.error();
  parsed.max_pending = *max_pending;
  auto ack_timeout = integer_option(options, kEngine, "ack_timeout_ms", 100, 600'000, 5000);
  if (!ack_timeout) return ack_timeout.error();
  parsed.ack_timeout_ms = *ack_timeout;
  return parsed;
}

}  // namespace edgehub::hub
