#include "api/identity_handlers.h"

#include <exception>
#include <stdexcept>

#include "api/certificate_choice.h"
#include "api/json_views.h"

namespace edgehub::hub {
namespace {
Json nullable_ms(std::int64_t ms) { return ms == 0 ? Json(nullptr) : Json(ms); }

// "accepted" | "ended" (by the operator) | "expired" | "not_yet_valid"
const char* certificate_state(const DeviceCertificate& certificate, std::int64_t now_ms) {
  if (certificate.ended_at_ms != 0) return "ended";
  if (certificate.not_after_ms != 0 && now_ms > certificate.not_after_ms) return "expired";
  if (certificate.not_before_ms != 0 && now_ms < certificate.not_before_ms) return "not_yet_valid";
  return "accepted";
}

Json certificate_json(const DeviceCertificate& certificate, std::int64_t now_ms) {
  return Json{{"certificate_sha256", certificate.certificate_sha256},
              {"state", certificate_state(certificate, now_ms)},
              {"not_before_ms", nullable_ms(certificate.not_before_ms)},
              {"not_after_ms", nullable_ms(certificate.not_after_ms)},
              {"issuer_sha256",
               certificate.issuer_sha256.empty() ? Json(nullptr) : Json(certificate.issuer_sha256)},
              {"added_at_ms", certificate.added_at_ms},
              {"ended_at_ms", nullable_ms(certificate.ended_at_ms)}};
}

Json authority_json(const AuthorityFacts& authority) {
  return Json{{"certificate_sha256", authority.certificate_sha256},
              {"subject", authority.subject},
              {"not_before_ms", authority.not_before_ms},
              {"not_after_ms", authority.not_after_ms}};
}

bool is_sha256_text(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

IdentityHandlers::IdentityHandlers(DeviceRegistry& registry, DeviceEnrollment& enrollment,
                                   TrustedAuthorities& authorities,
                                   std::function<std::int64_t()> now_ms)
    : registry_(registry),
      enrollment_(enrollment),
      authorities_(authorities),
      now_ms_(std::move(now_ms)) {}

ApiResponse IdentityHandlers::set_enabled(std::string_view id, bool enabled) {
  if (id == kHubServiceId) {
    return error_response(
        make_error(ErrorCode::conflict, "the hub's service identity 'hubd' cannot be disabled"));
  }
  const Status changed =
      registry_.set_status(id, enabled ? DeviceStatus::enabled : DeviceStatus::disabled);
  if (!changed) return error_response(changed.error());
  auto device = registry_.find(id);
  if (!device) return error_response(device.error());
  return json_response(200, device_json(*device));
}

ApiResponse IdentityHandlers::list_certificates(std::string_view id) const {
  auto certificates = registry_.certificates(id);
  if (!certificates) return error_response(certificates.error());
  const std::int64_t now = now_ms_();
  Json list = Json::array();
  for (const DeviceCertificate& certificate : *certificates) {
    list.push_back(certificate_json(certificate, now));
  }
  return json_response(200, Json{{"device", std::string(id)}, {"certificates", std::move(list)}});
}

ApiResponse IdentityHandlers::add_certificate(std::string_view id, std::string_view body) {
  auto request = parse_json_object_body(body.empty() ? std::string_view("{}") : body);
  if (!request) return error_response(request.error());
  auto choice = certificate_choice(*request);
  if (!choice) return error_response(choice.error());
  auto issued = enrollment_.add_certificate(id, choice->source, choice->pem);
  if (!issued) return error_response(issued.error());
  Json answer{{"device", std::string(id)},
              {"certificate_sha256", issued->certificate_sha256},
              {"certificate_pem", issued->certificate_pem},
              {"ca_certificate_pem", enrollment_.ca_certificate_pem()}};
  if (!issued->private_key_pem.empty()) answer["private_key_pem"] = issued->private_key_pem;
  return json_response(201, answer);
}

ApiResponse IdentityHandlers::end_certificate(std::string_view id,
                                              std::string_view certificate_sha256) {
  if (Status ended = registry_.end_certificate(id, certificate_sha256); !ended) {
    return error_response(ended.error());
  }
  return list_certificates(id);
}

ApiResponse IdentityHandlers::list_authorities() const {
  try {
    Json list = Json::array();
    for (const AuthorityFacts& authority : authorities_.list()) {
      Json shown = authority_json(authority);
      auto in_use = registry_.count_open_certificates_issued_by(authority.certificate_sha256);
      if (!in_use) return error_response(in_use.error());
      shown["device_certificates"] = *in_use;
      list.push_back(std::move(shown));
    }
    return json_response(200, Json{{"cas", std::move(list)}});
  } catch (const std::exception& failure) {
    return error_response(make_error(ErrorCode::internal, failure.what()));
  }
}

ApiResponse IdentityHandlers::add_authority(std::string_view body) {
  auto request = parse_json_object_body(body);
  if (!request) return error_response(request.error());
  const auto pem = request->find("certificate_pem");
  if (pem == request->end() || !pem->is_string()) {
    return error_response(invalid_request("field 'certificate_pem' (string, PEM) is required"));
  }
  try {
    AuthorityFacts stored;
    const bool added = authorities_.add(pem->get<std::string>(), stored);
    return json_response(added ? 201 : 200, authority_json(stored));
  } catch (const std::invalid_argument& refused) {
    return error_response(
        invalid_request(std::string("CA certificate refused: ") + refused.what()));
  } catch (const std::exception& failure) {
    return error_response(make_error(ErrorCode::internal, failure.what()));
  }
}

ApiResponse IdentityHandlers::remove_authority(std::string_view certificate_sha256) {
  if (!is_sha256_text(certificate_sha256)) {
    return error_response(
        invalid_request("a CA is named by its sha256 (64 lower-case hex digits)"));
  }
  auto in_use = registry_.count_open_certificates_issued_by(certificate_sha256);
  if (!in_use) return error_response(in_use.error());
  if (*in_use > 0) {
    return error_response(make_error(
        ErrorCode::conflict,
        std::to_string(*in_use) +
            " registered device certificate(s) chain to this CA: end them or remove their "
            "devices first"));
  }
  try {
    if (!authorities_.remove(certificate_sha256)) {
      return error_response(make_error(
          ErrorCode::not_found, "no trusted CA with sha256 " + std::string(certificate_sha256)));
    }
    return ApiResponse{204, ""};
  } catch (const std::exception& failure) {
    return error_response(make_error(ErrorCode::internal, failure.what()));
  }
}

}  // namespace edgehub::hub
