// DeviceRegistry over registry.db (SQLite, WAL), the file the mosquitto
// plugin reads concurrently from the broker process.
#pragma once

#include <filesystem>
#include <memory>

#include "clock/clock.h"
#include "registry/device_registry.h"

namespace edgehub::hub {

class SqliteDeviceRegistry final : public DeviceRegistry {
 public:
  // Opens or creates the file with registry_schema.h's tables. Throws
  // std::runtime_error naming the file if it cannot be opened or created, is
  // not a SQLite database, or holds a different schema. clock must outlive
  // the registry.
  static std::unique_ptr<SqliteDeviceRegistry> open(const std::filesystem::path& file,
                                                    const Clock& clock);
  ~SqliteDeviceRegistry() override;

  // Thread-safe. Database failures at run time (disk full, I/O error) are
  // returned as ErrorCode::internal.
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

 private:
  struct Impl;
  explicit SqliteDeviceRegistry(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace edgehub::hub
