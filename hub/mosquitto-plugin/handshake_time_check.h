// Moves the validity-period check of client certificates from the TLS
// handshake to the plugin's CONNECT decision (certificate_validity.h).
//
// Why: mosquitto 2.0.11 verifies client certificates with OpenSSL's default
// callback; an expired one fails the handshake and the broker log says only
// "certificate verify failed" (ERR_error_string, without the verify
// result), so an operator cannot tell an expired certificate from one of an
// unknown CA. The plugin cannot reach mosquitto's SSL_CTX, but OpenSSL looks
// up the parameters of a server verifying a client by the name "ssl_client"
// in a process-wide table (X509_STORE_CTX_set_default), which a program may
// extend (X509_VERIFY_PARAM_add0_table). The entry added here is OpenSSL's
// own "ssl_client" plus X509_V_FLAG_NO_CHECK_TIME: the chain and its
// signatures are still verified in the handshake, and the plugin, which
// admits every client (no client is admitted without it), refuses a leaf
// outside its validity period with the reason in the log. Only verification
// of client certificates changes ("ssl_server", used by bridges, does not).
// Weakness: the validity of the CA certificates in the chain is no longer
// checked at the handshake (hubd refuses to trust an expired CA; see
// docs/security.md).
#pragma once

#include "edgehub/common/result.h"

namespace edgehub::hub::mosquitto_auth {

// Installs the "ssl_client" entry (again: idempotent). internal if OpenSSL
// refuses.
Status leave_client_certificate_times_to_plugin();

// True if a verification as a TLS server verifying a client skips times now.
bool client_certificate_times_left_to_plugin();

}  // namespace edgehub::hub::mosquitto_auth
