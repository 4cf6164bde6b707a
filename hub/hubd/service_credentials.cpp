#include "hubd/service_credentials.h"

#include <fmt/chrono.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "api/device_enrollment.h"

namespace edgehub::hub {
namespace {

// A certificate file that is missing, unreadable or due for renewal.
bool needs_issuing(const std::filesystem::path& certificate, const std::filesystem::path& key,
                   const CertificatePolicy& policy, std::chrono::system_clock::time_point now) {
  if (!std::filesystem::exists(certificate) || !std::filesystem::exists(key)) return true;
  try {
    return due_for_renewal(CertificateAuthority::not_after_of_pem(read_text_file(certificate)), now,
                           policy.renew_before);
  } catch (const std::invalid_argument& broken) {
    spdlog::warn("pki: {} is not a certificate ({}); issuing a new one", certificate.string(),
                 broken.what());
    return true;
  }
}

std::string expiry_text(const std::filesystem::path& certificate) {
  const auto not_after = CertificateAuthority::not_after_of_pem(read_text_file(certificate));
  return fmt::format("{:%Y-%m-%d %H:%M:%S} UTC",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(not_after)));
}

std::string names_file_text(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += name + "\n";
  return text;
}

void write_issued(const IssuedCertificate& issued, const std::filesystem::path& certificate,
                  const std::filesystem::path& key) {
  write_private_file(key, issued.private_key_pem, 0600);
  write_private_file(certificate, issued.certificate_pem, 0644);
}

}  // namespace

std::vector<std::string> server_subject_alt_names(const std::vector<std::string>& bind_addresses,
                                                  const std::vector<std::string>& server_names) {
  std::vector<std::string> names = {"127.0.0.1", "::1", "localhost"};
  auto add = [&names](const std::string& name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  for (const std::string& address : bind_addresses) {
    const bool wildcard = address.empty() || address == "0.0.0.0" || address == "::";
    if (!wildcard) add(address);
  }
  for (const std::string& name : server_names) add(name);
  return names;
}

bool due_for_renewal(std::chrono::system_clock::time_point not_after,
                     std::chrono::system_clock::time_point now, std::chrono::days renew_before) {
  return not_after - now <= renew_before;
}

bool ensure_server_certificate(const CertificateAuthority& authority, const DataDirectory& layout,
                               const std::vector<std::string>& subject_alt_names,
                               const CertificatePolicy& policy,
                               std::chrono::system_clock::time_point now) {
  const std::string wanted = names_file_text(subject_alt_names);
  const bool same_names = std::filesystem::exists(layout.server_names()) &&
                          read_text_file(layout.server_names()) == wanted;
  if (same_names && !needs_issuing(layout.server_certificate(), layout.server_key(), policy, now)) {
    return false;
  }
  const auto issued =
      authority.issue_server("edgehub broker", subject_alt_names, policy.server_validity);
  write_issued(issued, layout.server_certificate(), layout.server_key());
  write_private_file(layout.server_names(), wanted, 0644);
  std::string listed;
  for (const auto& name : subject_alt_names) listed += (listed.empty() ? "" : ", ") + name;
  spdlog::info("pki: issued the broker's server certificate for {}, valid until {}", listed,
               expiry_text(layout.server_certificate()));
  return true;
}

bool ensure_service_identity(const CertificateAuthority& authority, DeviceRegistry& registry,
                             const DataDirectory& layout, const CertificatePolicy& policy,
                             std::chrono::system_clock::time_point now) {
  const std::string id(kHubServiceId);
  const bool issue = needs_issuing(layout.service_certificate(), layout.service_key(), policy, now);
  if (issue) {
    write_issued(authority.issue_client(id, policy.service_validity), layout.service_certificate(),
                 layout.service_key());
    spdlog::info("pki: issued the hub's service identity '{}', valid until {}", id,
                 expiry_text(layout.service_certificate()));
  }
  const std::string fingerprint =
      CertificateAuthority::fingerprint_of_pem(read_text_file(layout.service_certificate()));

  auto existing = registry.find(id);
  if (!existing) {
    if (existing.error().code != ErrorCode::not_found) {
      throw std::runtime_error("registry: " + existing.error().message);
    }
    DeviceRecord record;
    record.id = id;
    record.role = DeviceRole::service;
    record.status = DeviceStatus::enabled;
    record.certificate_sha256 = fingerprint;
    if (auto added = registry.add(record); !added) {
      throw std::runtime_error("cannot register the service identity: " + added.error().message);
    }
    return issue;
  }
  if (existing->role != DeviceRole::service) {
    throw std::runtime_error("the registry holds '" + id +
                             "' as a device; remove it (it is reserved for the hub)");
  }
  if (existing->certificate_sha256 != fingerprint) {
    if (Status updated = registry.set_certificate(id, fingerprint); !updated) {
      throw std::runtime_error("cannot update the service identity: " + updated.error().message);
    }
  }
  if (existing->status != DeviceStatus::enabled) {
    if (Status enabled = registry.set_status(id, DeviceStatus::enabled); !enabled) {
      throw std::runtime_error("cannot enable the service identity: " + enabled.error().message);
    }
  }
  return issue;
}

}  // namespace edgehub::hub
