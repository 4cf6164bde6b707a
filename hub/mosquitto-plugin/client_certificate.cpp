#include "mosquitto-plugin/client_certificate.h"

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <cstring>
#include <ctime>
#include <memory>

namespace edgehub::hub::mosquitto_auth {
namespace {

Result<std::string> common_name_of(const X509& certificate) {
  const X509_NAME* subject = X509_get_subject_name(&certificate);
  if (subject == nullptr)
    return make_error(ErrorCode::invalid_argument, "certificate has no subject");
  const int first = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (first < 0) return make_error(ErrorCode::invalid_argument, "certificate subject has no CN");
  if (X509_NAME_get_index_by_NID(subject, NID_commonName, first) >= 0) {
    return make_error(ErrorCode::invalid_argument, "certificate subject has more than one CN");
  }
  const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, first));
  unsigned char* utf8 = nullptr;
  const int length = ASN1_STRING_to_UTF8(&utf8, value);
  if (length < 0) return make_error(ErrorCode::invalid_argument, "certificate CN is not text");
  const std::unique_ptr<unsigned char, void (*)(void*)> owned(
      utf8, [](void* memory) { OPENSSL_free(memory); });
  std::string name(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
  // A NUL inside would make the C strings handed to the broker mean
  // something else than what was checked.
  if (name.find('\0') != std::string::npos) {
    return make_error(ErrorCode::invalid_argument, "certificate CN contains a NUL character");
  }
  return name;
}

Result<std::int64_t> epoch_ms_of(const ASN1_TIME* time, const char* which) {
  std::tm parts{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &parts) != 1) {
    return make_error(ErrorCode::invalid_argument,
                      std::string("certificate ") + which + " is not a readable time");
  }
  return static_cast<std::int64_t>(timegm(&parts)) * 1000;
}

}  // namespace

Result<std::string> certificate_sha256_hex(const X509& certificate) {
  unsigned char* der = nullptr;
  const int der_length = i2d_X509(&certificate, &der);
  if (der_length <= 0) {
    return make_error(ErrorCode::invalid_argument, "certificate cannot be DER-encoded");
  }
  const std::unique_ptr<unsigned char, void (*)(void*)> owned(
      der, [](void* memory) { OPENSSL_free(memory); });
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  if (EVP_Digest(der, static_cast<std::size_t>(der_length), digest, &digest_length, EVP_sha256(),
                 nullptr) != 1) {
    return make_error(ErrorCode::internal, "SHA-256 of the certificate failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(digest_length * 2);
  for (unsigned int i = 0; i < digest_length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0x0f]);
  }
  return hex;
}

Result<PresentedCertificate> read_presented_certificate(const X509& certificate) {
  auto common_name = common_name_of(certificate);
  if (!common_name) return common_name.error();
  auto fingerprint = certificate_sha256_hex(certificate);
  if (!fingerprint) return fingerprint.error();
  auto not_before = epoch_ms_of(X509_get0_notBefore(&certificate), "notBefore");
  if (!not_before) return not_before.error();
  auto not_after = epoch_ms_of(X509_get0_notAfter(&certificate), "notAfter");
  if (!not_after) return not_after.error();
  return PresentedCertificate{std::move(common_name).value(), std::move(fingerprint).value(),
                              *not_before, *not_after};
}

}  // namespace edgehub::hub::mosquitto_auth
