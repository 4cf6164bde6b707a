#include "registry/memory_device_registry.h"

#include "registry/device_record_validation.h"
#include "registry/registry_errors.h"

namespace edgehub::hub {

MemoryDeviceRegistry::MemoryDeviceRegistry(const Clock& clock) : clock_(clock) {}

Result<DeviceRecord> MemoryDeviceRegistry::add(const DeviceRecord& device) {
  if (Status valid = validate_new_device(device); !valid) return valid.error();
  std::lock_guard lock(mutex_);
  if (devices_.contains(device.id)) return device_already_registered(device.id);
  DeviceRecord stored = device;
  if (stored.created_at_ms == 0) stored.created_at_ms = clock_.now_ms();
  certificates_[stored.id] = initial_certificates(stored, clock_.now_ms());
  stored.certificates.clear();
  devices_.emplace(stored.id, stored);
  return stored;
}

Result<DeviceRecord> MemoryDeviceRegistry::find(std::string_view id) const {
  std::lock_guard lock(mutex_);
  const auto found = devices_.find(id);
  if (found == devices_.end()) return device_not_found(id);
  return found->second;
}

Result<std::vector<DeviceRecord>> MemoryDeviceRegistry::list() const {
  std::lock_guard lock(mutex_);
  std::vector<DeviceRecord> devices;
  devices.reserve(devices_.size());
  for (const auto& [id, device] : devices_) devices.push_back(device);
  return devices;
}

Result<std::vector<DeviceRecord>> MemoryDeviceRegistry::list_page(
    std::string_view after, std::size_t limit, std::optional<DeviceStatus> status) const {
  std::lock_guard lock(mutex_);
  std::vector<DeviceRecord> devices;
  for (auto it = devices_.upper_bound(after); it != devices_.end() && devices.size() < limit;
       ++it) {
    if (!status || it->second.status == *status) devices.push_back(it->second);
  }
  return devices;
}

Status MemoryDeviceRegistry::remove(std::string_view id) {
  std::lock_guard lock(mutex_);
  const auto found = devices_.find(id);
  if (found == devices_.end()) return device_not_found(id);
  devices_.erase(found);
  certificates_.erase(std::string(id));
  revocations_.emplace_back(id);
  return ok_status();
}

Status MemoryDeviceRegistry::set_status(std::string_view id, DeviceStatus status) {
  std::lock_guard lock(mutex_);
  const auto found = devices_.find(id);
  if (found == devices_.end()) return device_not_found(id);
  found->second.status = status;
  if (status == DeviceStatus::disabled) revocations_.emplace_back(id);
  return ok_status();
}

Status MemoryDeviceRegistry::set_certificate(std::string_view id,
                                             std::string_view certificate_sha256) {
  if (Status valid = validate_certificate_sha256(certificate_sha256); !valid) return valid;
  std::lock_guard lock(mutex_);
  const auto found = devices_.find(id);
  if (found == devices_.end()) return device_not_found(id);
  if (found->second.certificate_sha256 == certificate_sha256) return ok_status();
  found->second.certificate_sha256 = certificate_sha256;
  auto& accepted = certificates_[std::string(id)];
  const std::int64_t now = clock_.now_ms();
  for (DeviceCertificate& certificate : accepted) {
    if (certificate.ended_at_ms == 0) certificate.ended_at_ms = now;
  }
  std::erase_if(accepted, [&](const DeviceCertificate& certificate) {
    return certificate.certificate_sha256 == certificate_sha256;
  });
  accepted.push_back(DeviceCertificate{std::string(certificate_sha256), 0, 0, "", now, 0});
  revocations_.emplace_back(id);
  return ok_status();
}

Result<std::vector<DeviceCertificate>> MemoryDeviceRegistry::certificates(
    std::string_view id) const {
  std::lock_guard lock(mutex_);
  if (!devices_.contains(id)) return device_not_found(id);
  return certificates_.find(id)->second;
}

Status MemoryDeviceRegistry::add_certificate(std::string_view id,
                                             const DeviceCertificate& certificate) {
  if (Status valid = validate_device_certificate(certificate); !valid) return valid;
  std::lock_guard lock(mutex_);
  const auto found = devices_.find(id);
  if (found == devices_.end()) return device_not_found(id);
  auto& accepted = certificates_[std::string(id)];
  for (const DeviceCertificate& known : accepted) {
    if (known.certificate_sha256 == certificate.certificate_sha256) {
      return certificate_already_accepted(id, certificate.certificate_sha256);
    }
  }
  DeviceCertificate added = certificate;
  added.added_at_ms = clock_.now_ms();
  added.ended_at_ms = 0;
  accepted.push_back(added);
  found->second.certificate_sha256 = certificate.certificate_sha256;
  return ok_status();
}

Status MemoryDeviceRegistry::end_certificate(std::string_view id,
                                             std::string_view certificate_sha256) {
  std::lock_guard lock(mutex_);
  if (!devices_.contains(id)) return device_not_found(id);
  auto& accepted = certificates_[std::string(id)];
  DeviceCertificate* ending = nullptr;
  std::size_t open = 0;
  for (DeviceCertificate& certificate : accepted) {
    if (certificate.ended_at_ms == 0) ++open;
    if (certificate.certificate_sha256 == certificate_sha256) ending = &certificate;
  }
  if (ending == nullptr) return certificate_not_found(id, certificate_sha256);
  if (ending->ended_at_ms != 0) return certificate_already_ended(id, certificate_sha256);
  if (open == 1) return last_certificate(id);
  ending->ended_at_ms = clock_.now_ms();
  revocations_.emplace_back(id);
  return ok_status();
}

Result<std::size_t> MemoryDeviceRegistry::count_open_certificates_issued_by(
    std::string_view issuer_sha256) const {
  std::lock_guard lock(mutex_);
  std::size_t count = 0;
  for (const auto& [id, accepted] : certificates_) {
    for (const DeviceCertificate& certificate : accepted) {
      if (certificate.ended_at_ms == 0 && certificate.issuer_sha256 == issuer_sha256) ++count;
    }
  }
  return count;
}

std::vector<std::string> MemoryDeviceRegistry::revoked_device_ids() const {
  std::lock_guard lock(mutex_);
  return revocations_;
}

}  // namespace edgehub::hub
