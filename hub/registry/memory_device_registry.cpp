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

Status MemoryDeviceRegistry::remove(std::string_view id) {
  std::lock_guard lock(mutex_);
  const auto found = devices_.find(id);
  if (found == devices_.end()) return device_not_found(id);
  devices_.erase(found);
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
  revocations_.emplace_back(id);
  return ok_status();
}

std::vector<std::string> MemoryDeviceRegistry::revoked_device_ids() const {
  std::lock_guard lock(mutex_);
  return revocations_;
}

}  // namespace edgehub::hub
