#include "hubd/data_directory.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

TEST_CASE("the site id is the given one, else made once and kept in the data directory") {
  edgehub::test::TempDirectory temp;
  const auto file = temp.path() / "site-id";
  CHECK(site_id_or_stored("plant-7", file) == "plant-7");
  CHECK_FALSE(std::filesystem::exists(file));  // nothing written for a given id
  const std::string made = site_id_or_stored("", file);
  CHECK(made.size() == 20);  // "hub-" and 16 hex digits
  CHECK(made.rfind("hub-", 0) == 0);
  CHECK(mode_of(file) == 0600);
  CHECK(site_id_or_stored("", file) == made);  // stable across restarts
}

TEST_CASE("private files are written with their mode from the start") {
  const mode_t previous = ::umask(022);  // prepare() elsewhere in this process sets 077
  edgehub::test::TempDirectory temp;
  const auto file = temp.path() / "secret.key";
  write_private_file(file, "one");
  CHECK(mode_of(file) == 0600);
  write_private_file(file, "two");
  CHECK(read_text_file(file) == "two");
  write_private_file(temp.path() / "public.pem", "cert", 0644);
  CHECK(mode_of(temp.path() / "public.pem") == 0644);
  ::umask(previous);
}

TEST_CASE("a data directory that existed open to everyone is tightened to owner-only") {
  edgehub::test::TempDirectory temp;
  const DataDirectory layout(temp.path() / "hub-data");
  const mode_t previous = ::umask(0);
  std::filesystem::create_directories(layout.root() / "journal");
  std::filesystem::create_directories(layout.pki_dir());
  std::ofstream(layout.streams_db()) << "db";
  std::ofstream(layout.root() / "streams.db-wal") << "wal";
  std::ofstream(layout.root() / "journal" / "00000000000000000001.journal") << "entries";
  std::ofstream(layout.ca_certificate()) << "cert";
  for (const auto& directory : {layout.root(), layout.root() / "journal", layout.pki_dir()}) {
    std::filesystem::permissions(directory, std::filesystem::perms::all);  // 0777
  }
  for (const auto& file :
       {layout.streams_db(), layout.root() / "streams.db-wal", layout.ca_certificate()}) {
    std::filesystem::permissions(file, static_cast<std::filesystem::perms>(0644));
  }
  // A link to something outside is neither followed nor changed.
  std::ofstream(temp.path() / "outside") << "x";
  std::filesystem::permissions(temp.path() / "outside", static_cast<std::filesystem::perms>(0644));
  std::filesystem::create_symlink(temp.path() / "outside", layout.root() / "link");

  layout.prepare();
  ::umask(previous);

  for (const auto& directory : {layout.root(), layout.root() / "journal", layout.pki_dir(),
                                layout.broker_dir(), layout.broker_persistence_dir()}) {
    CAPTURE(directory);
    CHECK(mode_of(directory) == 0700);
  }
  for (const auto& file :
       {layout.streams_db(), layout.root() / "streams.db-wal",
        layout.root() / "journal" / "00000000000000000001.journal", layout.ca_certificate()}) {
    CAPTURE(file);
    CHECK(mode_of(file) == 0600);
  }
  CHECK(mode_of(temp.path() / "outside") == 0644);
}

TEST_CASE("after prepare, files hubd or SQLite create are owner-only (umask 077)") {
  edgehub::test::TempDirectory temp;
  const DataDirectory layout(temp.path() / "hub-data");
  const mode_t previous = ::umask(0);
  layout.prepare();
  const auto file = layout.root() / "streams.db-shm";
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT, 0666);  // what SQLite asks for
  REQUIRE(fd >= 0);
  ::close(fd);
  CHECK(mode_of(file) == 0600);
  ::umask(previous);
}

TEST_CASE("a parent directory every user may write to, without the sticky bit, is refused") {
  edgehub::test::TempDirectory temp;
  const auto parent = temp.path() / "shared";
  std::filesystem::create_directories(parent);
  std::filesystem::permissions(parent, std::filesystem::perms::all);  // 0777
  const DataDirectory layout(parent / "hub-data");
  CHECK_THROWS_WITH_AS(layout.prepare(), doctest::Contains("writable by every user"),
                       std::runtime_error);
  CHECK_FALSE(std::filesystem::exists(layout.root()));  // nothing created there

  // With the sticky bit (like /tmp) nobody else can rename it away: fine.
  std::filesystem::permissions(parent, static_cast<std::filesystem::perms>(01777));
  layout.prepare();
  CHECK(mode_of(layout.root()) == 0700);
}

TEST_CASE("a data directory, or a file in it, owned by another user is refused") {
  if (::geteuid() != 0) {
    MESSAGE("skipped: only root can give a file to another user");
    return;
  }
  edgehub::test::TempDirectory temp;
  const DataDirectory layout(temp.path() / "hub-data");
  layout.prepare();
  std::ofstream(layout.streams_db()) << "db";
  REQUIRE(::chown(layout.streams_db().c_str(), 4242, 4242) == 0);
  CHECK_THROWS_WITH_AS(layout.prepare(), doctest::Contains("owned by user 4242"),
                       std::runtime_error);
  REQUIRE(::chown(layout.streams_db().c_str(), 0, 0) == 0);
  REQUIRE(::chown(layout.root().c_str(), 4242, 4242) == 0);
  CHECK_THROWS_WITH_AS(layout.prepare(), doctest::Contains("owned by user 4242"),
                       std::runtime_error);
  REQUIRE(::chown(layout.root().c_str(), 0, 0) == 0);
}
