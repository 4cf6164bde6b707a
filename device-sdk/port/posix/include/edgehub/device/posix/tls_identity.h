// A device's client certificate (with any intermediates) and private key for
// the POSIX port, apart from the trust (TlsContext::load_trust): one process
// driving many devices shares one SSL_CTX, and each connection presents its
// own identity (TlsConnection::set_identity). A context per device would
// hold a CA store and settings per device; this holds only the parsed
// certificate and key.
#pragma once

#include <memory>
#include <string>

#include "edgehub/device/status.h"

namespace edgehub::device::posix {

class TlsIdentity {
 public:
  TlsIdentity();
  ~TlsIdentity();
  TlsIdentity(TlsIdentity&&) noexcept;
  TlsIdentity& operator=(TlsIdentity&&) noexcept;

  // ok, or bad_parameter with error() naming the file and OpenSSL's reason
  // (missing file, not PEM, key does not match the certificate).
  Status load(const std::string& certificate_file, const std::string& private_key_file);
  bool loaded() const noexcept;
  const std::string& error() const noexcept { return error_; }

  struct Impl;
  // The OpenSSL objects, for TlsConnection (kept out of this header).
  const Impl* native() const noexcept { return impl_.get(); }

 private:
  std::unique_ptr<Impl> impl_;
  std::string error_;
};

}  // namespace edgehub::device::posix
