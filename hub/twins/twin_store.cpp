#include "twins/twin_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "edgehub/protocol/json_limits.h"
#include "sqlite/open_database.h"
#include "sqlite/wal_checkpointer.h"

namespace edgehub::hub {
namespace {

// Version 1; files written before versions were kept (version 0) have the
// same table.
constexpr const char* kCreateTwins = R"sql(
CREATE TABLE IF NOT EXISTS twins (
  device_id              TEXT PRIMARY KEY,
  desired                TEXT NOT NULL DEFAULT '{}',
  desired_version        INTEGER NOT NULL DEFAULT 0,
  desired_updated_at_ms  INTEGER NOT NULL DEFAULT 0,
  reported               TEXT NOT NULL DEFAULT '{}',
  reported_version       INTEGER NOT NULL DEFAULT 0,
  reported_updated_at_ms INTEGER NOT NULL DEFAULT 0,
  desired_acknowledged   INTEGER NOT NULL DEFAULT 0
);
)sql";

DatabaseSchema twin_database_schema() {
  return DatabaseSchema{"twin store", 1, {SchemaStep{0, 1, kCreateTwins}}};
}

Result<nlohmann::json> object_patch(std::string_view text) {
  if (Status shallow = protocol::check_json_depth(text); !shallow) {
    return make_error(ErrorCode::invalid_argument, "a twin patch: " + shallow.error().message);
  }
  nlohmann::json patch = nlohmann::json::parse(text, nullptr, false);
  if (patch.is_discarded() || !patch.is_object()) {
    return make_error(ErrorCode::invalid_argument, "a twin patch must be a JSON object");
  }
  return patch;
}

// A document this store wrote. One stored before there were limits may be
// nested too deep to merge and dump safely (both recurse): refused as
// invalid_argument, so a device's report is dead-lettered, not retried.
Result<nlohmann::json> stored_document(const std::string& text, std::string_view what) {
  if (!protocol::check_json_depth(text, protocol::kReadBackMaxJsonDepth)) {
    return make_error(ErrorCode::invalid_argument,
                      "the stored " + std::string(what) + " are nested too deep to be patched");
  }
  return nlohmann::json::parse(text);
}

// Merges patch into stored and checks the limits: the text to store, or why not.
Result<std::string> merged_document(const std::string& stored, const nlohmann::json& patch,
                                    const std::string& what, const TwinLimits& limits) {
  auto document = stored_document(stored, what);
  if (!document) return document.error();
  document->merge_patch(patch);
  std::string merged = document->dump();
  if (Status fits = check_twin_document(merged, what, limits); !fits) return fits.error();
  return merged;
}

template <typename Body>
auto internal_on_failure(Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& failure) {
    return make_error(ErrorCode::internal, std::string("twin store: ") + failure.what());
  }
}

}  // namespace

struct TwinStore::Impl {
  Impl(const std::filesystem::path& file, SQLite::Database opened, TwinLimits twin_limits)
      : limits(twin_limits), db(std::move(opened)) {
    if (file != ":memory:") checkpointer = std::make_unique<WalCheckpointer>(file, db.getHandle());
  }

  Twin read(std::string_view device_id) {
    Twin twin;
    twin.device_id = std::string(device_id);
    SQLite::Statement select(db,
                             "SELECT desired, desired_version, desired_updated_at_ms, reported, "
                             "reported_version, reported_updated_at_ms, desired_acknowledged "
                             "FROM twins WHERE device_id = ?1");
    select.bind(1, twin.device_id);
    if (select.executeStep()) {
      twin.desired = {select.getColumn(0).getString(),
                      static_cast<std::uint64_t>(select.getColumn(1).getInt64()),
                      select.getColumn(2).getInt64()};
      twin.reported = {select.getColumn(3).getString(),
                       static_cast<std::uint64_t>(select.getColumn(4).getInt64()),
                       select.getColumn(5).getInt64()};
      twin.desired_acknowledged_version =
          static_cast<std::uint64_t>(select.getColumn(6).getInt64());
    }
    return twin;
  }

  void write(const Twin& twin) {
    SQLite::Statement upsert(
        db,
        "INSERT OR REPLACE INTO twins (device_id, desired, desired_version, "
        "desired_updated_at_ms, reported, reported_version, reported_updated_at_ms, "
        "desired_acknowledged) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    upsert.bind(1, twin.device_id);
    upsert.bind(2, twin.desired.properties_json);
    upsert.bind(3, static_cast<std::int64_t>(twin.desired.version));
    upsert.bind(4, twin.desired.updated_at_ms);
    upsert.bind(5, twin.reported.properties_json);
    upsert.bind(6, static_cast<std::int64_t>(twin.reported.version));
    upsert.bind(7, twin.reported.updated_at_ms);
    upsert.bind(8, static_cast<std::int64_t>(twin.desired_acknowledged_version));
    upsert.exec();
  }

  TwinLimits limits;
  std::mutex mutex;
  SQLite::Database db;
  std::unique_ptr<WalCheckpointer> checkpointer;  // last: stopped before db closes
};

TwinStore::TwinStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TwinStore::~TwinStore() = default;

std::unique_ptr<TwinStore> TwinStore::open(const std::filesystem::path& file, TwinLimits limits) {
  Result<SQLite::Database> database = open_database(file, twin_database_schema());
  if (!database) throw std::runtime_error("cannot open " + database.error().message);
  return std::unique_ptr<TwinStore>(
      new TwinStore(std::make_unique<Impl>(file, std::move(database).value(), limits)));
}

Result<Twin> TwinStore::get(std::string_view device_id) const {
  return internal_on_failure([&]() -> Result<Twin> {
    std::lock_guard lock(impl_->mutex);
    return impl_->read(device_id);
  });
}

Result<Twin> TwinStore::patch_desired(std::string_view device_id, std::string_view merge_patch_json,
                                      std::optional<std::uint64_t> expected_version,
                                      std::int64_t now_ms) {
  // The patch travels to the device with the whole document: no larger
  // than a document may be.
  if (merge_patch_json.size() > impl_->limits.max_document_bytes) {
    return make_error(ErrorCode::too_large,
                      "desired patch too large: " + std::to_string(merge_patch_json.size()) +
                          " bytes > " + std::to_string(impl_->limits.max_document_bytes));
  }
  auto patch = object_patch(merge_patch_json);
  if (!patch) return patch.error();
  return internal_on_failure([&]() -> Result<Twin> {
    std::lock_guard lock(impl_->mutex);
    SQLite::Transaction transaction(impl_->db, SQLite::TransactionBehavior::IMMEDIATE);
    Twin twin = impl_->read(device_id);
    if (expected_version && *expected_version != twin.desired.version) {
      return make_error(ErrorCode::conflict,
                        "desired properties of '" + twin.device_id + "' are at version " +
                            std::to_string(twin.desired.version) + ", not " +
                            std::to_string(*expected_version) + " (stale update refused)");
    }
    auto merged = merged_document(twin.desired.properties_json, *patch,
                                  "desired properties of '" + twin.device_id + "'", impl_->limits);
    if (!merged) return merged.error();
    twin.desired.properties_json = std::move(*merged);
    twin.desired.version += 1;
    twin.desired.updated_at_ms = now_ms;
    impl_->write(twin);
    transaction.commit();
    return twin;
  });
}

Result<Twin> TwinStore::apply_reported(std::string_view device_id,
                                       std::string_view merge_patch_json, std::uint64_t version,
                                       std::optional<std::uint64_t> acknowledged,
                                       std::int64_t now_ms) {
  auto patch = object_patch(merge_patch_json);
  if (!patch) return patch.error();
  return internal_on_failure([&]() -> Result<Twin> {
    std::lock_guard lock(impl_->mutex);
    SQLite::Transaction transaction(impl_->db, SQLite::TransactionBehavior::IMMEDIATE);
    Twin twin = impl_->read(device_id);
    if (version <= twin.reported.version) {
      return make_error(ErrorCode::conflict, "stale reported version " + std::to_string(version) +
                                                 " from '" + twin.device_id +
                                                 "': the hub has version " +
                                                 std::to_string(twin.reported.version));
    }
    auto merged = merged_document(twin.reported.properties_json, *patch,
                                  "reported properties of '" + twin.device_id + "'", impl_->limits);
    if (!merged) return merged.error();
    twin.reported.properties_json = std::move(*merged);
    twin.reported.version = version;
    twin.reported.updated_at_ms = now_ms;
    if (acknowledged) twin.desired_acknowledged_version = *acknowledged;
    impl_->write(twin);
    transaction.commit();
    return twin;
  });
}

}  // namespace edgehub::hub
