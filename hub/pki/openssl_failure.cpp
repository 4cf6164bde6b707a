#include "pki/openssl_failure.h"

#include <openssl/err.h>

#include <stdexcept>

namespace edgehub::hub::openssl {

std::string take_errors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    char line[256];
    ERR_error_string_n(code, line, sizeof line);
    if (!text.empty()) text += "; ";
    text += line;
  }
  return text;
}

void throw_failure(std::string_view what) {
  std::string message(what);
  if (const std::string errors = take_errors(); !errors.empty()) message += ": " + errors;
  throw std::runtime_error(message);
}

}  // namespace edgehub::hub::openssl
