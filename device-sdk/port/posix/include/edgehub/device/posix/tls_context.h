// A device's TLS client identity for the POSIX port: the CA that signs the
// server's certificate, the device certificate and its private key. Loaded
// once, shared by every TlsConnection of that device.
#pragma once

#include <memory>
#include <string>

#include "edgehub/device/status.h"

namespace edgehub::device::posix {

struct TlsFiles {
  std::string ca_file;           // PEM, the hub's CA (<data-dir>/pki/ca.pem)
  std::string certificate_file;  // PEM, the device certificate (CN = device id)
  std::string private_key_file;  // PEM, its key
};

class TlsContext {
 public:
  TlsContext();
  ~TlsContext();
  TlsContext(TlsContext&&) noexcept;
  TlsContext& operator=(TlsContext&&) noexcept;

  // ok, or bad_parameter with error() naming the file and OpenSSL's reason
  // (missing file, not PEM, key does not match the certificate).
  Status load(const TlsFiles& files);
  // The trust only (CA file), for connections that each bring their own
  // identity (TlsConnection::set_identity): one context for many devices.
  Status load_trust(const std::string& ca_file);
  bool loaded() const noexcept;
  const std::string& error() const noexcept { return error_; }

  // The OpenSSL SSL_CTX*, for TlsConnection (kept out of this header).
  void* native_handle() const noexcept;

 private:
  Status load_files(const TlsFiles& files, bool with_identity);

  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string error_;
};

}  // namespace edgehub::device::posix
