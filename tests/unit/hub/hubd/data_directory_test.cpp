#include "hubd/data_directory.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>

#include "edgehub/test/temp_directory.h"

using namespace edgehub::hub;

namespace {

unsigned mode_of(const std::filesystem::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

}  // namespace

TEST_CASE("the data directory is created private on first start") {
  edgehub::test::TempDirectory temp;
  const DataDirectory layout(temp.path() / "nested" / "hub-data");
  layout.prepare();
  for (const auto& directory :
       {layout.root(), layout.pki_dir(), layout.broker_dir(), layout.broker_persistence_dir()}) {
    CHECK(std::filesystem::is_directory(directory));
    CHECK(mode_of(directory) == 0700);
  }
  layout.prepare();  // a second start finds it ready
  CHECK(std::filesystem::is_directory(layout.pki_dir()));
}

TEST_CASE("every path of the layout is absolute and under the data directory") {
  const DataDirectory layout("relative/hub-data/");
  CHECK(layout.root().is_absolute());
  CHECK(layout.root().filename() == "hub-data");
  CHECK(layout.broker_config() == layout.root() / "broker" / "mosquitto.conf");
  CHECK(layout.broker_pid_file() == layout.root() / "broker" / "mosquitto.pid");
  CHECK(layout.registry_db() == layout.root() / "registry.db");
  CHECK(layout.service_key() == layout.root() / "pki" / "hubd.key");
}

TEST_CASE("a data directory that is a file is a clear error") {
  edgehub::test::TempDirectory temp;
  std::ofstream(temp.path() / "file") << "x";
  const DataDirectory layout(temp.path() / "file");
  CHECK_THROWS_WITH_AS(layout.prepare(), doctest::Contains("not a directory"), std::runtime_error);
}

TEST_CASE("the API token is created once, private, and read back the same") {
  edgehub::test::TempDirectory temp;
  const auto file = temp.path() / "api-token";
  const std::string token = load_or_create_api_token(file);
  CHECK(token.size() == 64);
  CHECK(token.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(mode_of(file) == 0600);
  CHECK(load_or_create_api_token(file) == token);
  CHECK(load_or_create_api_token(temp.path() / "other-token") != token);
}

TEST_CASE("an operator's own token is used as written, trailing newline ignored") {
  edgehub::test::TempDirectory temp;
  const auto file = temp.path() / "api-token";
  std::ofstream(file) << "my-secret\n";
  CHECK(load_or_create_api_token(file) == "my-secret");
  std::ofstream(file, std::ios::trunc) << "\n";
  CHECK_THROWS_AS(load_or_create_api_token(file), std::runtime_error);
}

TEST_CASE("private files are written with their mode from the start") {
  edgehub::test::TempDirectory temp;
  const auto file = temp.path() / "secret.key";
  write_private_file(file, "one");
  CHECK(mode_of(file) == 0600);
  write_private_file(file, "two");
  CHECK(read_text_file(file) == "two");
  write_private_file(temp.path() / "public.pem", "cert", 0644);
  CHECK(mode_of(temp.path() / "public.pem") == 0644);
}
