// Is a client certificate inside its validity period? The plugin asks this
// itself, with the reason in the broker log: the TLS handshake leaves the
// time check to it (handshake_time_check.h), since OpenSSL's own refusal
// reaches mosquitto's log only as "certificate verify failed".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "mosquitto-plugin/client_certificate.h"

namespace edgehub::hub::mosquitto_auth {

// nullopt when now_ms lies in [not_before, not_after] (bounds of 0 are not
// checked); otherwise why not, e.g. "certificate of 'boiler-1' expired at
// 2026-12-05T18:00:00Z".
std::optional<std::string> validity_refusal(const PresentedCertificate& certificate,
                                            std::int64_t now_ms);

// "2026-12-05T18:00:00Z"
std::string utc_text(std::int64_t epoch_ms);

}  // namespace edgehub::hub::mosquitto_auth
