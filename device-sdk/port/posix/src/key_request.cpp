#include "edgehub/device/posix/key_request.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "openssl_errors.h"

namespace edgehub::device::posix {
namespace {

struct KeyFree {
  void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};
struct RequestFree {
  void operator()(X509_REQ* request) const noexcept { X509_REQ_free(request); }
};
struct FileClose {
  void operator()(std::FILE* file) const noexcept { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileClose>;

// Opens path for writing, created with mode; exclusive: an existing file is
// an error.
FilePtr create_file(const std::string& path, mode_t mode, bool exclusive, std::string& error) {
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (exclusive ? O_EXCL : O_TRUNC);
  const int descriptor = ::open(path.c_str(), flags, mode);
  if (descriptor < 0) {
    error = "cannot create " + path + ": " + std::strerror(errno);
    return nullptr;
  }
  FilePtr file(::fdopen(descriptor, "w"));
  if (!file) {
    ::close(descriptor);
    error = "cannot open " + path;
  }
  return file;
}

}  // namespace

Status make_key_and_request(const std::string& device_id, const KeyRequestFiles& files,
                            std::string& error) {
  if (device_id.empty() || device_id.size() > 64) {
    error = "device id must be 1-64 characters";
    return Status::bad_parameter;
  }
  std::unique_ptr<EVP_PKEY, KeyFree> key(EVP_EC_gen("P-256"));
  std::unique_ptr<X509_REQ, RequestFree> request(X509_REQ_new());
  X509_NAME* subject = request ? X509_REQ_get_subject_name(request.get()) : nullptr;
  if (!key || !request || X509_REQ_set_version(request.get(), 0) != 1 ||
      X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(device_id.data()),
                                 static_cast<int>(device_id.size()), -1, 0) != 1 ||
      X509_REQ_set_pubkey(request.get(), key.get()) != 1 ||
      X509_REQ_sign(request.get(), key.get(), EVP_sha256()) <= 0) {
    error = detail::take_openssl_errors("cannot make a key and certificate request");
    return Status::bad_parameter;
  }
  FilePtr key_file = create_file(files.private_key_file, 0600, true, error);
  if (!key_file) return Status::bad_parameter;
  const bool key_written = PEM_write_PKCS8PrivateKey(key_file.get(), key.get(), nullptr, nullptr, 0,
                                                     nullptr, nullptr) == 1 &&
                           std::fflush(key_file.get()) == 0 &&
                           ::fsync(::fileno(key_file.get())) == 0;
  key_file.reset();
  FilePtr request_file =
      key_written ? create_file(files.request_file, 0644, false, error) : nullptr;
  const bool request_written = request_file &&
                               PEM_write_X509_REQ(request_file.get(), request.get()) == 1 &&
                               std::fflush(request_file.get()) == 0;
  request_file.reset();
  if (!key_written || !request_written) {
    if (error.empty()) error = detail::take_openssl_errors("cannot write the key or request");
    ::unlink(files.private_key_file.c_str());
    return Status::bad_parameter;
  }
  return Status::ok;
}

}  // namespace edgehub::device::posix
