// A device's own key and a certificate signing request (CSR) for it, on a
// host with OpenSSL: the key never leaves the device; the CSR goes to the
// operator (hubctl devices enroll <id> --csr <file>) and the certificate the
// hub signs comes back. Firmware on a microcontroller does the same with its
// crypto library (or secure element); see device-sdk/README.md.
#pragma once

#include <string>

#include "edgehub/device/status.h"

namespace edgehub::device::posix {

struct KeyRequestFiles {
  std::string private_key_file;  // written: PKCS#8 PEM, mode 0600
  std::string request_file;      // written: PEM "CERTIFICATE REQUEST"
};

// Generates an ECDSA P-256 key and a CSR with subject CN=device_id, signed
// with that key (SHA-256). Refuses (bad_parameter) to replace an existing
// key file: a device that loses its key loses its identity. On failure,
// error names the file or OpenSSL's reason and no key file is left behind.
Status make_key_and_request(const std::string& device_id, const KeyRequestFiles& files,
                            std::string& error);

}  // namespace edgehub::device::posix
