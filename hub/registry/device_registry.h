// The device registry: who may connect, in which role, with which certificate.
//
// The hub writes it; the mosquitto plugin reads the same SQLite file
// (registry_schema.h is the contract between the two).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "edgehub/common/result.h"

namespace edgehub::hub {

enum class DeviceRole { device, service };
enum class DeviceStatus { enabled, disabled };

const char* to_string(DeviceRole role) noexcept;
const char* to_string(DeviceStatus status) noexcept;

struct DeviceRecord {
  std::string id;
  DeviceRole role = DeviceRole::device;
  DeviceStatus status = DeviceStatus::enabled;
  // Lower-case hex SHA-256 of the DER certificate the device must present.
  std::string certificate_sha256;
  std::int64_t created_at_ms = 0;
  // JSON object text of free-form attributes (tags, location, ...).
  std::string attributes_json = "{}";
};

class DeviceRegistry {
 public:
  virtual ~DeviceRegistry() = default;

  // conflict if the id exists; invalid_argument if the id is not a valid device id.
  virtual Result<DeviceRecord> add(const DeviceRecord& device) = 0;
  // not_found if absent.
  virtual Result<DeviceRecord> find(std::string_view id) const = 0;
  virtual Result<std::vector<DeviceRecord>> list() const = 0;
  // not_found if absent. Also records a revocation so that the broker plugin
  // disconnects the device if it is connected.
  virtual Status remove(std::string_view id) = 0;
  // not_found if absent. Disabling records a revocation (as remove).
  virtual Status set_status(std::string_view id, DeviceStatus status) = 0;
  // Replaces the certificate of an existing device (service identity rotation,
  // re-issue). Records a revocation of the old one.
  virtual Status set_certificate(std::string_view id, std::string_view certificate_sha256) = 0;
};

}  // namespace edgehub::hub
