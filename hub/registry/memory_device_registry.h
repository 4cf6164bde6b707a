// DeviceRegistry in memory, for unit tests of the modules that use a registry.
// Behaves like SqliteDeviceRegistry (the same test cases run against both).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "clock/clock.h"
#include "registry/device_registry.h"

namespace edgehub::hub {

class MemoryDeviceRegistry final : public DeviceRegistry {
 public:
  // clock must outlive the registry.
  explicit MemoryDeviceRegistry(const Clock& clock);

  Result<DeviceRecord> add(const DeviceRecord& device) override;
  Result<DeviceRecord> find(std::string_view id) const override;
  Result<std::vector<DeviceRecord>> list() const override;
  Result<std::vector<DeviceRecord>> list_page(std::string_view after, std::size_t limit,
                                              std::optional<DeviceStatus> status) const override;
  Status remove(std::string_view id) override;
  Status set_status(std::string_view id, DeviceStatus status) override;
  Status set_certificate(std::string_view id, std::string_view certificate_sha256) override;
  Result<std::vector<DeviceCertificate>> certificates(std::string_view id) const override;
  Status add_certificate(std::string_view id, const DeviceCertificate& certificate) override;
  Status end_certificate(std::string_view id, std::string_view certificate_sha256) override;
  Result<std::size_t> count_open_certificates_issued_by(
      std::string_view issuer_sha256) const override;

  // Device ids in the order their revocations were recorded (what the broker
  // plugin would have kicked).
  std::vector<std::string> revoked_device_ids() const;

 private:
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::map<std::string, DeviceRecord, std::less<>> devices_;
  std::map<std::string, std::vector<DeviceCertificate>, std::less<>> certificates_;
  std::vector<std::string> revocations_;
};

}  // namespace edgehub::hub
