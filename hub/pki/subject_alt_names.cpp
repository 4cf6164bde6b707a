#include "pki/subject_alt_names.h"

#include <openssl/err.h>

#include <stdexcept>
#include <string_view>

#include "pki/openssl_failure.h"

namespace edgehub::hub::openssl {
namespace {

constexpr std::size_t kMaxDnsNameLength = 253;
constexpr std::size_t kMaxDnsLabelLength = 63;

bool is_dns_label(std::string_view label) {
  if (label.empty() || label.size() > kMaxDnsLabelLength) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  for (char c : label) {
    const bool allowed =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!allowed) return false;
  }
  return true;
}

bool is_dns_name(std::string_view name) {
  if (name.starts_with("*.")) name.remove_prefix(2);
  if (name.empty() || name.size() > kMaxDnsNameLength) return false;
  while (true) {
    const std::size_t dot = name.find('.');
    if (!is_dns_label(name.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    name.remove_prefix(dot + 1);
  }
}

GeneralNamePtr ip_address_name(const std::string& text) {
  ASN1_OCTET_STRING* address = a2i_IPADDRESS(text.c_str());
  ERR_clear_error();  // "not an address" is an answer here, not a failure
  if (address == nullptr) return nullptr;
  GeneralNamePtr name(GENERAL_NAME_new());
  if (!name) {
    ASN1_OCTET_STRING_free(address);
    throw_failure("cannot allocate a subjectAltName");
  }
  GENERAL_NAME_set0_value(name.get(), GEN_IPADD, address);
  return name;
}

GeneralNamePtr dns_name(const std::string& text) {
  GeneralNamePtr name(GENERAL_NAME_new());
  ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
  if (!name || dns == nullptr ||
      ASN1_STRING_set(dns, text.data(), static_cast<int>(text.size())) != 1) {
    ASN1_IA5STRING_free(dns);
    throw_failure("cannot allocate a subjectAltName");
  }
  GENERAL_NAME_set0_value(name.get(), GEN_DNS, dns);
  return name;
}

}  // namespace

bool is_subject_alt_name(const std::string& text) {
  return ip_address_name(text) != nullptr || is_dns_name(text);
}

GeneralNamesPtr subject_alt_names_from(const std::vector<std::string>& names) {
  GeneralNamesPtr general_names(sk_GENERAL_NAME_new_null());
  if (!general_names) throw_failure("cannot allocate subjectAltNames");
  for (const std::string& text : names) {
    GeneralNamePtr name = ip_address_name(text);
    if (!name && is_dns_name(text)) name = dns_name(text);
    if (!name) {
      throw std::invalid_argument("subject alternative name '" + text +
                                  "' is neither an IP address nor a DNS name");
    }
    if (sk_GENERAL_NAME_push(general_names.get(), name.get()) == 0) {
      throw_failure("cannot add a subjectAltName");
    }
    name.release();  // owned by general_names now
  }
  return general_names;
}

}  // namespace edgehub::hub::openssl
