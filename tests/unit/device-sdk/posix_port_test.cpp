// The POSIX port without network: clock and TLS identity loading errors.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "edgehub/device/posix/monotonic_clock.h"
#include "edgehub/device/posix/tls_connection.h"
#include "edgehub/device/posix/tls_context.h"

using namespace edgehub::device;
using namespace edgehub::device::posix;

namespace {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sdk-posix-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::filesystem::path file(const std::string& name, const std::string& content) const {
    std::ofstream(path_ / name) << content;
    return path_ / name;
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace

TEST_CASE("the monotonic clock never goes backwards") {
  const Clock clock = monotonic_clock();
  const std::uint32_t first = clock.now_ms(clock.context);
  const std::uint32_t second = clock.now_ms(clock.context);
  CHECK(elapsed_ms(first, second) < 1000);
}

TEST_CASE("loading a TLS identity names the file that is missing") {
  TempDir dir;
  TlsContext context;
  TlsFiles files{(dir.path() / "missing-ca.pem").string(), (dir.path() / "d.pem").string(),
                 (dir.path() / "d.key").string()};
  CHECK(context.load(files) == Status::bad_parameter);
  CHECK_FALSE(context.loaded());
  CHECK(context.error().find("missing-ca.pem") != std::string::npos);
}

TEST_CASE("loading a TLS identity refuses files that are not PEM") {
  TempDir dir;
  TlsContext context;
  const auto not_pem = dir.file("ca.pem", "this is not a certificate\n");
  TlsFiles files{not_pem.string(), not_pem.string(), not_pem.string()};
  CHECK(context.load(files) == Status::bad_parameter);
  CHECK(context.error().find("ca.pem") != std::string::npos);
}

TEST_CASE("a connection needs a loaded identity") {
  TlsContext context;
  TlsConnection connection(context);
  CHECK(connection.start("127.0.0.1", 1, 1000) == Status::bad_parameter);
  CHECK_FALSE(connection.last_error().empty());
  CHECK(connection.advance() == Status::wrong_state);
  CHECK(connection.poll_events(true) == 0);
}
