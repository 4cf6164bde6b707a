// RegistryReader over registry.db with the raw SQLite C API (the plugin runs
// inside the broker: no extra libraries, one read-only connection, prepared
// statements reused for every CONNECT and poll).
#pragma once

#include <memory>
#include <string>

#include "mosquitto-plugin/registry_reader.h"

struct sqlite3;
struct sqlite3_stmt;

namespace edgehub::hub::mosquitto_auth {

class SqliteRegistryReader final : public RegistryReader {
 public:
  // Opens the file read-only (it must exist: hubd creates it) and prepares
  // the schema's queries, so a missing file or a foreign schema is reported
  // here. Throws std::runtime_error with the path and SQLite's reason.
  explicit SqliteRegistryReader(const std::string& path);
  ~SqliteRegistryReader() override;

  Result<std::optional<RegisteredIdentity>> find_identity(std::string_view id) override;
  Result<std::vector<Revocation>> revocations_after(std::int64_t after_id) override;
  Result<std::int64_t> last_revocation_id() override;

 private:
  struct CloseDatabase {
    void operator()(sqlite3* database) const noexcept;
  };
  struct FinalizeStatement {
    void operator()(sqlite3_stmt* statement) const noexcept;
  };
  using Statement = std::unique_ptr<sqlite3_stmt, FinalizeStatement>;

  Statement prepare(const std::string& path, const char* sql);
  std::string failure(const char* what) const;
  Status read_certificates(std::string_view id, RegisteredIdentity& identity);

  // Declared first: destroyed last, after the statements.
  std::unique_ptr<sqlite3, CloseDatabase> database_;
  Statement lookup_device_;
  Statement lookup_certificates_;
  Statement revocations_after_;
  Statement last_revocation_;
};

}  // namespace edgehub::hub::mosquitto_auth
