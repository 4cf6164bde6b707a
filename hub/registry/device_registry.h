// The device registry: who may connect, in which role, with which certificate.
//
// The hub writes it; the mosquitto plugin reads the same SQLite file
// (registry_schema.h is the contract between the two).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edgehub/common/result.h"

namespace edgehub::hub {

enum class DeviceRole { device, service };
enum class DeviceStatus { enabled, disabled };

const char* to_string(DeviceRole role) noexcept;
const char* to_string(DeviceStatus status) noexcept;

// One certificate a device may present. A device has one at enrolment and
// two or more while it rotates: the new one is added while the old one is
// still valid, both are accepted, then the old one is ended (or expires).
struct DeviceCertificate {
  std::string certificate_sha256;  // lower-case hex SHA-256 of the DER form
  std::int64_t not_before_ms = 0;  // the certificate's validity; 0: not known
  std::int64_t not_after_ms = 0;   // (registered before registry version 2)
  std::string issuer_sha256;       // the CA it chains to; "": not known
  std::int64_t added_at_ms = 0;
  std::int64_t ended_at_ms = 0;  // when the operator ended it; 0: still accepted
};

struct DeviceRecord {
  std::string id;
  DeviceRole role = DeviceRole::device;
  DeviceStatus status = DeviceStatus::enabled;
  // Lower-case hex SHA-256 of the DER certificate the device must present.
  std::string certificate_sha256;
  std::int64_t created_at_ms = 0;
  // JSON object text of free-form attributes (tags, location, ...).
  std::string attributes_json = "{}";
  // For add() only: the facts of certificate_sha256 (validity, issuer);
  // empty: the certificate is recorded with unknown validity. find() and
  // list() leave it empty (certificates() answers).
  std::vector<DeviceCertificate> certificates;
};

class DeviceRegistry {
 public:
  virtual ~DeviceRegistry() = default;

  // conflict if the id exists; invalid_argument if the id is not a valid device id.
  virtual Result<DeviceRecord> add(const DeviceRecord& device) = 0;
  // not_found if absent.
  virtual Result<DeviceRecord> find(std::string_view id) const = 0;
  virtual Result<std::vector<DeviceRecord>> list() const = 0;
  // One page of the list in id order: at most `limit` devices whose id comes
  // after `after` ("" = from the first), only those with `status` if given.
  // Reads just those rows (SQLite: the primary key's range), so that a fleet
  // of thousands is listed without holding it in memory at once.
  virtual Result<std::vector<DeviceRecord>> list_page(std::string_view after, std::size_t limit,
                                                      std::optional<DeviceStatus> status) const = 0;
  // not_found if absent. Also records a revocation so that the broker plugin
  // disconnects the device if it is connected.
  virtual Status remove(std::string_view id) = 0;
  // not_found if absent. Disabling records a revocation (as remove).
  virtual Status set_status(std::string_view id, DeviceStatus status) = 0;
  // Replaces the certificate of an existing device (service identity rotation,
  // re-issue). Records a revocation of the old one.
  virtual Status set_certificate(std::string_view id, std::string_view certificate_sha256) = 0;

  // Every certificate of a device, oldest first, ended ones too. not_found.
  virtual Result<std::vector<DeviceCertificate>> certificates(std::string_view id) const = 0;
  // Accepts one more certificate for the device (rotation); it becomes the
  // device's certificate_sha256. not_found; conflict if it is there already.
  virtual Status add_certificate(std::string_view id, const DeviceCertificate& certificate) = 0;
  // Ends a certificate: refused from now on. Records a revocation, so that a
  // device connected with it is disconnected (it reconnects with another).
  // not_found if the device or certificate is absent; conflict if it is
  // ended already or it is the device's last one not ended.
  virtual Status end_certificate(std::string_view id, std::string_view certificate_sha256) = 0;
  // How many certificates not ended chain to this CA (a CA still in use
  // cannot be removed).
  virtual Result<std::size_t> count_open_certificates_issued_by(
      std::string_view issuer_sha256) const = 0;
};

}  // namespace edgehub::hub
