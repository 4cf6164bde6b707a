// The HTTPS server's certificate and key (PEM files: the hub CA's server
// certificate by default, or the operator's), loaded into a TLS context that
// every new connection takes. reload() reads the files again (hubd calls it
// after a renewal and on SIGHUP): connections already open keep theirs. TLS
// 1.2 and 1.3 only. No OpenSSL type in this header.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "api/tls_session.h"
#include "edgehub/common/result.h"

namespace edgehub::hub {

class TlsServerContext {
 public:
  // Throws std::runtime_error naming the file when the certificate or key
  // cannot be loaded or do not match.
  TlsServerContext(std::filesystem::path certificate_file, std::filesystem::path key_file);
  ~TlsServerContext();
  TlsServerContext(const TlsServerContext&) = delete;
  TlsServerContext& operator=(const TlsServerContext&) = delete;

  // internal (and the old context kept) if the files cannot be loaded.
  Status reload();
  // A session for a connection just accepted on `socket` (made non-blocking
  // by the caller); nullptr if OpenSSL cannot make one.
  std::unique_ptr<TlsSession> open_session(int socket);

 private:
  struct Context;
  static Result<std::shared_ptr<Context>> load(const std::filesystem::path& certificate_file,
                                               const std::filesystem::path& key_file);

  std::filesystem::path certificate_file_;
  std::filesystem::path key_file_;
  std::mutex mutex_;
  std::shared_ptr<Context> current_;
};

}  // namespace edgehub::hub
