#include "mosquitto-plugin/connect_decision.h"

#include <algorithm>
#include <cctype>

#include "edgehub/protocol/topics.h"
#include "mosquitto-plugin/certificate_validity.h"

namespace edgehub::hub::mosquitto_auth {
namespace {

ConnectDecision refuse(std::string reason) {
  ConnectDecision decision;
  decision.reason = std::move(reason);
  return decision;
}

bool same_fingerprint(std::string_view presented, std::string_view registered) {
  return presented.size() == registered.size() &&
         std::equal(presented.begin(), presented.end(), registered.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string short_fingerprint(std::string_view sha256) {
  return std::string(sha256.substr(0, 16)) + "...";
}

// "" if the registry accepts the presented fingerprint, else why not.
std::string certificate_refusal(const PresentedCertificate& certificate,
                                const RegisteredIdentity& registered) {
  const std::string& name = certificate.common_name;
  if (registered.certificates.empty()) {
    if (same_fingerprint(certificate.sha256_hex, registered.certificate_sha256)) return "";
  }
  for (const AcceptedCertificate& accepted : registered.certificates) {
    if (!same_fingerprint(certificate.sha256_hex, accepted.certificate_sha256)) continue;
    if (accepted.ended_at_ms == 0) return "";
    return "certificate of " + quoted(name) + " (sha256 " +
           short_fingerprint(certificate.sha256_hex) + ") was ended by the operator at " +
           utc_text(accepted.ended_at_ms);
  }
  return "certificate of " + quoted(name) + " (sha256 " +
         short_fingerprint(certificate.sha256_hex) + ") is not the registered one (sha256 " +
         short_fingerprint(registered.certificate_sha256) + ")";
}

}  // namespace

ConnectDecision decide_connect(const PresentedCertificate& certificate, std::string_view client_id,
                               const std::optional<RegisteredIdentity>& registered,
                               std::int64_t now_ms) {
  const std::string& name = certificate.common_name;
  if (client_id != name) {
    return refuse("client id " + quoted(client_id) + " differs from the certificate CN " +
                  quoted(name));
  }
  // Before the registry: an expired certificate is refused whoever it names.
  if (auto outside = validity_refusal(certificate, now_ms)) {
    ConnectDecision refused = refuse(std::move(*outside));
    refused.outside_validity = true;
    return refused;
  }
  if (!registered) return refuse(quoted(name) + " is not registered");
  if (registered->status != DeviceStatus::enabled) return refuse(quoted(name) + " is disabled");
  if (std::string refused = certificate_refusal(certificate, *registered); !refused.empty()) {
    return refuse(std::move(refused));
  }
  ConnectDecision decision;
  decision.admitted = true;
  decision.identity = name;
  decision.role = registered->role;
  decision.reason = std::string("registered ") +
                    (registered->role == DeviceRole::service ? "service" : "device") +
                    " with an accepted certificate (sha256 " +
                    short_fingerprint(certificate.sha256_hex) + ")";
  return decision;
}

ConnectDecision authenticate(const std::optional<Result<PresentedCertificate>>& certificate,
                             std::string_view client_id, RegistryReader& registry,
                             std::int64_t now_ms) {
  if (!certificate) return refuse("no client certificate");
  if (!certificate->ok()) return refuse(certificate->error().message);
  const PresentedCertificate& presented = certificate->value();
  if (!protocol::is_valid_device_id(presented.common_name)) {
    return refuse("certificate CN " + quoted(presented.common_name) + " is not a valid device id");
  }
  // Checked before the registry is asked: a mismatch never costs a query.
  if (client_id != presented.common_name) {
    return decide_connect(presented, client_id, std::nullopt, now_ms);
  }
  auto registered = registry.find_identity(presented.common_name);
  if (!registered) return refuse("registry unavailable: " + registered.error().message);
  return decide_connect(presented, client_id, registered.value(), now_ms);
}

ConnectDecision recheck_offline_session(std::string_view identity,
                                        std::optional<DeviceRole> admitted_role,
                                        RegistryReader& registry) {
  if (!protocol::is_valid_device_id(identity)) {
    return refuse("offline session " + quoted(identity) + " is not a valid device id");
  }
  auto registered = registry.find_identity(identity);
  if (!registered) return refuse("registry unavailable: " + registered.error().message);
  const std::optional<RegisteredIdentity>& current = registered.value();
  if (!current) return refuse(quoted(identity) + " is not registered any more");
  if (current->status != DeviceStatus::enabled) return refuse(quoted(identity) + " is disabled");
  if (admitted_role && current->role != *admitted_role) {
    return refuse(quoted(identity) + " changed role");
  }
  ConnectDecision decision;
  decision.admitted = true;
  decision.identity = std::string(identity);
  decision.role = current->role;
  decision.reason = "offline session still registered and enabled";
  return decision;
}

}  // namespace edgehub::hub::mosquitto_auth
