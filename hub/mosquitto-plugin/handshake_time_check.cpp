#include "mosquitto-plugin/handshake_time_check.h"

#include <openssl/x509_vfy.h>

namespace edgehub::hub::mosquitto_auth {
namespace {

constexpr const char* kClientVerification = "ssl_client";

}  // namespace

Status leave_client_certificate_times_to_plugin() {
  if (client_certificate_times_left_to_plugin()) return ok_status();
  const X509_VERIFY_PARAM* current = X509_VERIFY_PARAM_lookup(kClientVerification);
  X509_VERIFY_PARAM* replacement = X509_VERIFY_PARAM_new();
  if (replacement == nullptr || current == nullptr ||
      X509_VERIFY_PARAM_set1(replacement, current) != 1 ||
      X509_VERIFY_PARAM_set1_name(replacement, kClientVerification) != 1 ||
      X509_VERIFY_PARAM_set_flags(replacement, X509_V_FLAG_NO_CHECK_TIME) != 1) {
    X509_VERIFY_PARAM_free(replacement);
    return make_error(ErrorCode::internal,
                      "cannot prepare OpenSSL's client verification parameters");
  }
  // The table takes ownership (and replaces an entry of the same name).
  if (X509_VERIFY_PARAM_add0_table(replacement) != 1) {
    X509_VERIFY_PARAM_free(replacement);
    return make_error(ErrorCode::internal,
                      "cannot install OpenSSL's client verification parameters");
  }
  return ok_status();
}

bool client_certificate_times_left_to_plugin() {
  const X509_VERIFY_PARAM* current = X509_VERIFY_PARAM_lookup(kClientVerification);
  return current != nullptr &&
         (X509_VERIFY_PARAM_get_flags(current) & X509_V_FLAG_NO_CHECK_TIME) != 0;
}

}  // namespace edgehub::hub::mosquitto_auth
