#include "pki/subject_name.h"

#include <openssl/crypto.h>

#include <memory>
#include <stdexcept>

namespace edgehub::hub::openssl {

std::string single_common_name(const X509_NAME* subject) {
  const int first =
      subject == nullptr ? -1 : X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (first < 0) throw std::invalid_argument("the subject has no CN");
  if (X509_NAME_get_index_by_NID(subject, NID_commonName, first) >= 0) {
    throw std::invalid_argument("the subject has more than one CN");
  }
  unsigned char* utf8 = nullptr;
  const int length =
      ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, first)));
  if (length < 0) throw std::invalid_argument("the subject's CN is not text");
  const std::unique_ptr<unsigned char, void (*)(void*)> owned(
      utf8, [](void* memory) { OPENSSL_free(memory); });
  return std::string(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
}

}  // namespace edgehub::hub::openssl
