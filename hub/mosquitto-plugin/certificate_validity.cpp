#include "mosquitto-plugin/certificate_validity.h"

#include <ctime>

namespace edgehub::hub::mosquitto_auth {

std::string utc_text(std::int64_t epoch_ms) {
  const std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[32];
  const std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return std::string(text, length);
}

std::optional<std::string> validity_refusal(const PresentedCertificate& certificate,
                                            std::int64_t now_ms) {
  const std::string subject = "certificate of '" + certificate.common_name + "'";
  if (certificate.not_before_ms != 0 && now_ms < certificate.not_before_ms) {
    return subject + " is not valid yet (not before " + utc_text(certificate.not_before_ms) + ")";
  }
  if (certificate.not_after_ms != 0 && now_ms > certificate.not_after_ms) {
    return subject + " expired at " + utc_text(certificate.not_after_ms);
  }
  return std::nullopt;
}

}  // namespace edgehub::hub::mosquitto_auth
