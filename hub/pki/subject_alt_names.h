// subjectAltName entries of a server certificate: each text is an IPv4/IPv6
// address (-> IP:) or a DNS name (-> DNS:).
#pragma once

#include <string>
#include <vector>

#include "pki/openssl_handles.h"

namespace edgehub::hub::openssl {

// Throws std::invalid_argument naming the first entry that is neither an IP
// address nor a DNS name (letters, digits, '-', '.'-separated labels of 1-63
// characters, optionally "*." first).
GeneralNamesPtr subject_alt_names_from(const std::vector<std::string>& names);

// true if subject_alt_names_from takes the text (an IP address or a DNS name).
bool is_subject_alt_name(const std::string& text);

}  // namespace edgehub::hub::openssl
