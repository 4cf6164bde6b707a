#include "operators/operator_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "sqlite/open_database.h"

using namespace edgehub;
using namespace edgehub::hub;

namespace {

struct TempFile {
  TempFile()
      : path(std::filesystem::temp_directory_path() /
             ("operators-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
              ".db")) {}
  ~TempFile() {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path.string() + suffix);
    }
  }
  std::filesystem::path path;
  static inline int counter = 0;
};

}  // namespace

TEST_CASE("an_added_operator_is_authenticated_by_its_token_with_its_role") {
  TempFile file;
  auto store = OperatorStore::open(file.path);
  auto alice = store->add("alice", Role::viewer, 1000);
  REQUIRE(alice.ok());
  CHECK(alice->token.size() == 64);
  auto who = store->authenticate(alice->token);
  REQUIRE(who);
  CHECK(who->name == "alice");
  CHECK(who->role == Role::viewer);
  CHECK_FALSE(store->authenticate("not-a-token"));
  CHECK_FALSE(store->authenticate(""));
}

TEST_CASE("the_token_itself_is_not_stored_only_its_sha256") {
  TempFile file;
  std::string token;
  {
    auto store = OperatorStore::open(file.path);
    token = store->add("bob", Role::operator_, 1)->token;
  }
  SQLite::Database raw(file.path.string());
  SQLite::Statement row(raw, "SELECT token_sha256 FROM operators WHERE name = 'bob'");
  REQUIRE(row.executeStep());
  CHECK(row.getColumn(0).getBytes() == 32);
  const std::string stored(static_cast<const char*>(row.getColumn(0).getBlob()), 32);
  CHECK(stored.find(token.substr(0, 16)) == std::string::npos);
  const TokenDigest digest = token_digest(token);
  CHECK(std::equal(digest.begin(), digest.end(),
                   reinterpret_cast<const std::uint8_t*>(stored.data())));
  // And it survives a restart.
  auto reopened = OperatorStore::open(file.path);
  CHECK(reopened->authenticate(token)->name == "bob");
}

TEST_CASE("revoking_an_operator_refuses_its_token_at_once_and_keeps_it_listed") {
  TempFile file;
  auto store = OperatorStore::open(file.path);
  REQUIRE(store->add("root", Role::admin, 1).ok());
  const std::string token = store->add("carol", Role::operator_, 2)->token;
  REQUIRE(store->authenticate(token));
  REQUIRE(store->revoke("carol", 3).ok());
  CHECK_FALSE(store->authenticate(token));
  auto listed = store->list();
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  CHECK((*listed)[0].name == "carol");
  CHECK((*listed)[0].revoked_at_ms == 3);
  CHECK_FALSE((*listed)[1].revoked_at_ms);
  CHECK(store->revoke("carol", 4).error().code == ErrorCode::not_found);
  CHECK(store->revoke("nobody", 4).error().code == ErrorCode::not_found);
  // A revoked name can be given again, with a new token; the old one stays refused.
  auto again = store->add("carol", Role::viewer, 5);
  REQUIRE(again.ok());
  CHECK(again->token != token);
  CHECK_FALSE(store->authenticate(token));
  CHECK(store->authenticate(again->token)->role == Role::viewer);
}

TEST_CASE("an_active_name_cannot_be_added_twice_and_names_are_checked") {
  TempFile file;
  auto store = OperatorStore::open(file.path);
  REQUIRE(store->add("dave", Role::viewer, 1).ok());
  CHECK(store->add("dave", Role::admin, 2).error().code == ErrorCode::conflict);
  CHECK(store->add("", Role::viewer, 1).error().code == ErrorCode::invalid_argument);
  CHECK(store->add("a/b", Role::viewer, 1).error().code == ErrorCode::invalid_argument);
  CHECK(store->add("-x", Role::viewer, 1).error().code == ErrorCode::invalid_argument);
  CHECK(store->add(std::string(65, 'a'), Role::viewer, 1).error().code ==
        ErrorCode::invalid_argument);
  CHECK(store->add("x", Role::none, 1).error().code == ErrorCode::invalid_argument);
  CHECK(store->add("ok.name_1-2", Role::viewer, 1).ok());
}

TEST_CASE("the_last_admin_cannot_be_revoked") {
  TempFile file;
  auto store = OperatorStore::open(file.path);
  REQUIRE(store->add("admin", Role::admin, 1).ok());
  CHECK(store->revoke("admin", 2).error().code == ErrorCode::conflict);
  REQUIRE(store->add("second", Role::admin, 3).ok());
  CHECK(store->revoke("admin", 4).ok());
  CHECK(store->revoke("second", 5).error().code == ErrorCode::conflict);
}

TEST_CASE("adopt_token_makes_the_api_token_file_the_admin_operators_token") {
  TempFile file;
  auto store = OperatorStore::open(file.path);
  REQUIRE(store->adopt_token("admin", Role::admin, "file-token-1", 1).ok());
  CHECK(store->authenticate("file-token-1")->role == Role::admin);
  // A new token file (the old one deleted) replaces the token at the next start.
  REQUIRE(store->adopt_token("admin", Role::admin, "file-token-2", 2).ok());
  CHECK_FALSE(store->authenticate("file-token-1"));
  CHECK(store->authenticate("file-token-2")->name == "admin");
  // A revoked admin stays revoked whatever the file holds.
  REQUIRE(store->add("other", Role::admin, 3).ok());
  REQUIRE(store->revoke("admin", 4).ok());
  REQUIRE(store->adopt_token("admin", Role::admin, "file-token-3", 5).ok());
  CHECK_FALSE(store->authenticate("file-token-3"));
  CHECK_FALSE(store->authenticate("file-token-2"));
}
