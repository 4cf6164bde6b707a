#include "api/certificate_choice.h"

#include "api/json_views.h"

namespace edgehub::hub {

Result<CertificateChoice> certificate_choice(const Json& body) {
  const auto request = body.find("csr_pem");
  const auto own = body.find("certificate_pem");
  if (request != body.end() && own != body.end()) {
    return invalid_request("give 'csr_pem' or 'certificate_pem', not both");
  }
  if (request != body.end()) {
    if (!request->is_string()) return invalid_request("field 'csr_pem' must be a string (PEM)");
    return CertificateChoice{CertificateSource::certificate_request, request->get<std::string>()};
  }
  if (own != body.end()) {
    if (!own->is_string()) return invalid_request("field 'certificate_pem' must be a string (PEM)");
    return CertificateChoice{CertificateSource::own_certificate, own->get<std::string>()};
  }
  return CertificateChoice{};
}

}  // namespace edgehub::hub
