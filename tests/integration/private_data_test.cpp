// A data directory someone made open to everyone (or one that existed before
// the first start) is tightened to owner-only when hubd starts: directories
// 0700, databases and everything else 0600.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include "support/hub_under_test.h"

using namespace edgehub::itest;

namespace {

unsigned mode_of(const std::filesystem::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

}  // namespace

TEST_CASE("hubd tightens an open data directory and its databases to owner-only") {
  HubUnderTest hub({.name = "private-data", .log_level = "info"});
  hub.register_device("d-1");
  hub.kill_hard();
  // What an operator's mkdir/cp with a loose umask leaves behind.
  const auto data = hub.data_dir();
  ::chmod(data.c_str(), 0777);
  ::chmod((data / "pki").c_str(), 0755);
  const std::vector<std::filesystem::path> files = {data / "registry.db", data / "streams.db",
                                                    data / "api-token", data / "pki" / "ca.pem"};
  for (const auto& file : files) {
    REQUIRE(std::filesystem::exists(file));
    ::chmod(file.c_str(), 0644);
  }
  hub.restart();
  CHECK(mode_of(data) == 0700);
  CHECK(mode_of(data / "pki") == 0700);
  CHECK(mode_of(data / "journal") == 0700);
  for (const auto& file : files) {
    CAPTURE(file);
    CHECK(mode_of(file) == 0600);
  }
  // What hubd and SQLite create while running is owner-only too.
  for (const auto& item : std::filesystem::recursive_directory_iterator(data)) {
    if (item.is_symlink()) continue;
    CAPTURE(item.path());
    CHECK((mode_of(item.path()) & 077) == 0);
  }
}
