// The checks every DeviceRegistry implementation applies to its input, so
// that the in-memory registry refuses exactly what the SQLite one refuses.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "edgehub/common/result.h"
#include "registry/device_registry.h"

namespace edgehub::hub {

// invalid_argument unless: the id is a valid device id, role and status are
// known values, certificate_sha256 is well-formed and attributes_json is a
// JSON object.
Status validate_new_device(const DeviceRecord& device);

// invalid_argument unless it is 64 lower-case hex digits (the form the broker
// plugin computes and compares).
Status validate_certificate_sha256(std::string_view certificate_sha256);

// invalid_argument unless certificate_sha256 (and issuer_sha256 if given)
// are well-formed and the validity is not reversed.
Status validate_device_certificate(const DeviceCertificate& certificate);

// The certificates add() records for a new device: device.certificates, or
// one with unknown validity for device.certificate_sha256.
std::vector<DeviceCertificate> initial_certificates(const DeviceRecord& device,
                                                    std::int64_t now_ms);

}  // namespace edgehub::hub
