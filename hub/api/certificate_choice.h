// Which certificate source a request body names (POST /devices, POST
// /devices/{id}/certificates): "csr_pem" (the device's CSR),
// "certificate_pem" (its own certificate), neither (the hub makes a key).
// Internal to hub/api (names a JSON type, like json_views.h).
#pragma once

#include <string>

#include "api/device_enrollment.h"
#include "api/json_views.h"
#include "edgehub/common/result.h"

namespace edgehub::hub {

struct CertificateChoice {
  CertificateSource source = CertificateSource::hub_key;
  std::string pem;
};

// invalid_argument for both fields, or one that is not a string.
Result<CertificateChoice> certificate_choice(const Json& body);

}  // namespace edgehub::hub
