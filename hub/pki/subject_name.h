// The one CN of a subject name, as the broker plugin reads it
// (hub/mosquitto-plugin/client_certificate.cpp): a subject with no CN, or
// with two, names no device.
#pragma once

#include <openssl/x509.h>

#include <string>

namespace edgehub::hub::openssl {

// The CN as UTF-8. Throws std::invalid_argument if there is none, more
// than one, or it is not text.
std::string single_common_name(const X509_NAME* subject);

}  // namespace edgehub::hub::openssl
