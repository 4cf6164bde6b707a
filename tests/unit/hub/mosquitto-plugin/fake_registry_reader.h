// In-memory RegistryReader: rows and failures set by the test.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mosquitto-plugin/registry_reader.h"

namespace edgehub::hub::mosquitto_auth::testing {

class FakeRegistryReader final : public RegistryReader {
 public:
  std::map<std::string, RegisteredIdentity, std::less<>> identities;
  std::vector<Revocation> revocations;
  std::optional<std::string> failure;  // every call fails with it when set
  int lookups = 0;
  int polls = 0;

  void add(const std::string& id, DeviceRole role, DeviceStatus status, std::string sha256) {
    identities[id] = RegisteredIdentity{role, status, std::move(sha256)};
  }
  void revoke(const std::string& id) {
    revocations.push_back(Revocation{static_cast<std::int64_t>(revocations.size()) + 1, id});
  }

  Result<std::optional<RegisteredIdentity>> find_identity(std::string_view id) override {
    ++lookups;
    if (failure) return make_error(ErrorCode::unavailable, *failure);
    const auto found = identities.find(id);
    if (found == identities.end()) return std::optional<RegisteredIdentity>{};
    return std::optional<RegisteredIdentity>(found->second);
  }

  Result<std::vector<Revocation>> revocations_after(std::int64_t after_id) override {
    ++polls;
    if (failure) return make_error(ErrorCode::unavailable, *failure);
    std::vector<Revocation> newer;
    for (const Revocation& revocation : revocations) {
      if (revocation.id > after_id) newer.push_back(revocation);
    }
    return newer;
  }

  Result<std::int64_t> last_revocation_id() override {
    if (failure) return make_error(ErrorCode::unavailable, *failure);
    return revocations.empty() ? std::int64_t{0} : revocations.back().id;
  }
};

}  // namespace edgehub::hub::mosquitto_auth::testing
