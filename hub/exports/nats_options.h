// A NATS JetStream export's options, read and checked when the export is
// added (no file is opened and no server contacted here: that is the
// destination's start).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "edgehub/common/result.h"

namespace edgehub::hub {

struct NatsOptions {
  std::vector<std::string> urls;  // nats://host:port or tls://host:port, one or more
  std::string subject_template;   // kDefaultNatsSubjectTemplate unless given
  // TLS: a tls:// URL or a CA file turns it on; a client certificate needs
  // both the certificate and its key.
  std::optional<std::string> ca_file;
  std::optional<std::string> cert_file;
  std::optional<std::string> key_file;
  // At most one way to authenticate: a .creds file (JWT + NKey seed), or a
  // user with a password read from a file (never the password in the options,
  // which `hubctl exports show` prints).
  std::optional<std::string> credentials_file;
  std::optional<std::string> user;
  std::optional<std::string> password_file;
  // Publishes in flight before a batch waits for PubAcks: bounds memory and
  // what one outage can leave unacknowledged.
  std::int64_t max_pending = 4096;
  // How long a batch waits for its PubAcks, and for a first connection.
  std::int64_t ack_timeout_ms = 5000;

  bool tls() const;
};

// Keys: url, subject, ca_file, cert_file, key_file, credentials_file, user,
// password_file, max_pending, ack_timeout_ms. Unknown keys are refused.
Result<NatsOptions> parse_nats_options(const nlohmann::json& options);

}  // namespace edgehub::hub
