// The checks every DeviceRegistry implementation applies to its input, so
// that the in-memory registry refuses exactly what the SQLite one refuses.
#pragma once

#include <string_view>

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

}  // namespace edgehub::hub
