#include "registry/sqlite_device_registry.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>

#include "registry/device_record_strings.h"
#include "registry/device_record_validation.h"
#include "registry/registry_errors.h"
#include "registry/registry_schema.h"
#include "sqlite/open_database.h"
#include "sqlite/statement_use.h"

namespace edgehub::hub {
namespace {

constexpr const char* kSelectDevice =
    "SELECT id, role, status, cert_sha256, created_at_ms, attributes FROM devices";

constexpr const char* kSelectCertificates =
    "SELECT cert_sha256, not_before_ms, not_after_ms, issuer_sha256, added_at_ms, "
    "coalesce(ended_at_ms, 0) FROM device_certificates WHERE device_id = ?1 "
    "ORDER BY added_at_ms, rowid";

constexpr const char* kInsertCertificate =
    "INSERT INTO device_certificates (device_id, cert_sha256, not_before_ms, not_after_ms, "
    "issuer_sha256, added_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

constexpr const char* kInsertRevocation =
    "INSERT INTO revocations (device_id, revoked_at_ms) VALUES (?1, ?2)";

Result<DeviceRecord> device_from_row(const SQLite::Statement& row) {
  DeviceRecord device;
  device.id = row.getColumn(0).getString();
  const std::string role = row.getColumn(1).getString();
  const std::string status = row.getColumn(2).getString();
  const auto parsed_role = parse_device_role(role);
  const auto parsed_status = parse_device_status(status);
  if (!parsed_role || !parsed_status) {
    return make_error(ErrorCode::internal, "registry holds unknown role '" + role +
                                               "' or status '" + status + "' for device '" +
                                               device.id + "'");
  }
  device.role = *parsed_role;
  device.status = *parsed_status;
  device.certificate_sha256 = row.getColumn(3).getString();
  device.created_at_ms = row.getColumn(4).getInt64();
  device.attributes_json = row.getColumn(5).getString();
  return device;
}

// Runs body, turning a database failure at run time into ErrorCode::internal.
template <typename Body>
auto returning_internal_on_failure(std::string_view what, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& failure) {
    return make_error(ErrorCode::internal,
                      "device registry: " + std::string(what) + " failed: " + failure.what());
  }
}

DatabaseSchema registry_database_schema() {
  return DatabaseSchema{"device registry",
                        registry_schema::kVersion,
                        {SchemaStep{0, 1, registry_schema::kCreateVersion1},
                         SchemaStep{1, 2, registry_schema::kUpgrade1To2}}};
}

// Tables created by someone else with other columns fail here, at start-up.
void check_queries(SQLite::Database& database) {
  for (const char* query :
       {kSelectDevice, kInsertRevocation, kSelectCertificates, kInsertCertificate,
        registry_schema::kLookupDevice, registry_schema::kLookupCertificates,
        registry_schema::kRevocationsAfter}) {
    SQLite::Statement compiles(database, query);
  }
}

}  // namespace

struct SqliteDeviceRegistry::Impl {
  Impl(SQLite::Database opened, const Clock& clock_in)
      : database(std::move(opened)),
        clock(clock_in),
        find(database, std::string(kSelectDevice) + " WHERE id = ?1") {}

  void record_revocation(std::string_view id) {
    SQLite::Statement insert(database, kInsertRevocation);
    insert.bind(1, std::string(id));
    insert.bind(2, static_cast<std::int64_t>(clock.now_ms()));
    insert.exec();
  }

  void insert_certificate(std::string_view id, const DeviceCertificate& certificate) {
    SQLite::Statement insert(database, kInsertCertificate);
    insert.bind(1, std::string(id));
    insert.bind(2, certificate.certificate_sha256);
    insert.bind(3, static_cast<std::int64_t>(certificate.not_before_ms));
    insert.bind(4, static_cast<std::int64_t>(certificate.not_after_ms));
    insert.bind(5, certificate.issuer_sha256);
    insert.bind(6, static_cast<std::int64_t>(certificate.added_at_ms));
    insert.exec();
  }

  std::vector<DeviceCertificate> certificates_of(std::string_view id) {
    SQLite::Statement select(database, kSelectCertificates);
    select.bind(1, std::string(id));
    std::vector<DeviceCertificate> certificates;
    while (select.executeStep()) {
      certificates.push_back(
          DeviceCertificate{select.getColumn(0).getString(), select.getColumn(1).getInt64(),
                            select.getColumn(2).getInt64(), select.getColumn(3).getString(),
                            select.getColumn(4).getInt64(), select.getColumn(5).getInt64()});
    }
    return certificates;
  }

  bool device_exists(std::string_view id) {
    SQLite::Statement select(database, "SELECT 1 FROM devices WHERE id = ?1");
    select.bind(1, std::string(id));
    return select.executeStep();
  }

  SQLite::Database database;
  const Clock& clock;
  SQLite::Statement find;
  std::mutex mutex;
};

std::unique_ptr<SqliteDeviceRegistry> SqliteDeviceRegistry::open(const std::filesystem::path& file,
                                                                 const Clock& clock) {
  // The plugin reads while hubd writes; a writer holds the lock for
  // microseconds, so waiting (the default busy timeout) beats failing.
  Result<SQLite::Database> database = open_database(file, registry_database_schema());
  if (!database) throw std::runtime_error("cannot open " + database.error().message);
  try {
    check_queries(*database);
    return std::unique_ptr<SqliteDeviceRegistry>(
        new SqliteDeviceRegistry(std::make_unique<Impl>(std::move(database).value(), clock)));
  } catch (const std::exception& failure) {
    throw std::runtime_error("cannot open device registry " + file.string() + ": " +
                             failure.what());
  }
}

SqliteDeviceRegistry::SqliteDeviceRegistry(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteDeviceRegistry::~SqliteDeviceRegistry() = default;

Result<DeviceRecord> SqliteDeviceRegistry::add(const DeviceRecord& device) {
  if (Status valid = validate_new_device(device); !valid) return valid.error();
  std::lock_guard lock(impl_->mutex);
  return returning_internal_on_failure("add", [&]() -> Result<DeviceRecord> {
    DeviceRecord stored = device;
    if (stored.created_at_ms == 0) stored.created_at_ms = impl_->clock.now_ms();
    SQLite::Transaction transaction(impl_->database, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement insert(impl_->database,
                             "INSERT INTO devices (id, role, status, cert_sha256, created_at_ms, "
                             "attributes) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    insert.bind(1, stored.id);
    insert.bind(2, to_string(stored.role));
    insert.bind(3, to_string(stored.status));
    insert.bind(4, stored.certificate_sha256);
    insert.bind(5, static_cast<std::int64_t>(stored.created_at_ms));
    insert.bind(6, stored.attributes_json);
    try {
      insert.exec();
    } catch (const SQLite::Exception& failure) {
      if (failure.getExtendedErrorCode() == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return device_already_registered(stored.id);
      }
      throw;
    }
    for (const DeviceCertificate& certificate :
         initial_certificates(stored, impl_->clock.now_ms())) {
      impl_->insert_certificate(stored.id, certificate);
    }
    transaction.commit();
    stored.certificates.clear();
    return stored;
  });
}

Result<DeviceRecord> SqliteDeviceRegistry::find(std::string_view id) const {
  std::lock_guard lock(impl_->mutex);
  return returning_internal_on_failure("find", [&]() -> Result<DeviceRecord> {
    StatementUse select(impl_->find);  // every command and enrolment looks a device up
    select->bind(1, std::string(id));
    if (!select->executeStep()) return device_not_found(id);
    return device_from_row(*select);
  });
}

Result<std::vector<DeviceRecord>> SqliteDeviceRegistry::list() const {
  std::lock_guard lock(impl_->mutex);
  return returning_internal_on_failure("list", [&]() -> Result<std::vector<DeviceRecord>> {
    SQLite::Statement select(impl_->database, std::string(kSelectDevice) + " ORDER BY id");
    std::vector<DeviceRecord> devices;
    while (select.executeStep()) {
      Result<DeviceRecord> device = device_from_row(select);
      if (!device) return device.error();
      devices.push_back(std::move(device).value());
    }
    return devices;
  });
}

Result<std::vector<DeviceRecord>> SqliteDeviceRegistry::list_page(
    std::string_view after, std::size_t limit, std::optional<DeviceStatus> status) const {
  std::lock_guard lock(impl_->mutex);
  return returning_internal_on_failure("list_page", [&]() -> Result<std::vector<DeviceRecord>> {
    // ?3 NULL: any status. The primary key's index gives the range in order.
    SQLite::Statement select(impl_->database,
                             std::string(kSelectDevice) +
                                 " WHERE id > ?1 AND (?3 IS NULL OR status = ?3) ORDER BY id "
                                 "LIMIT ?2");
    select.bind(1, std::string(after));
    select.bind(2, static_cast<std::int64_t>(
                       std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max())));
    if (status) {
      select.bind(3, to_string(*status));
    } else {
      select.bind(3);
    }
    std::vector<DeviceRecord> devices;
    devices.reserve(std::min<std::size_t>(limit, 1024));
    while (select.executeStep()) {
      Result<DeviceRecord> device = device_from_row(select);
      if (!device) return device.error();
      devices.push_back(std::move(device).value());
    }
    return devices;
  });
}

Status SqliteDeviceRegistry::remove(std::string_view id) {
  std::lock_guard lock(impl_->mutex);
  return returning_internal_on_failure("remove", [&]() -> Status {
    SQLite::Transaction transaction(impl_->database, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement erase(impl_->database, "DELETE FROM devices WHERE id = ?1");
    erase.bind(1, std::string(id));
    if (erase.exec() == 0) return device_not_found(id);
    SQLite::Statement erase_certificates(impl_->database,
                                         "DELETE FROM device_certificates WHERE device_id = ?1");
    erase_certificates.bind(1, std::string(id));
    erase_certificates.exec();
    impl_->record_revocation(id);
    transaction.commit();
    return ok_status();
  });
}

Status SqliteDeviceRegistry::set_status(std::string_view id, DeviceStatus status) {
  std::lock_guard lock(impl_->mutex);
  return returning_internal_on_failure("set_status", [&]() -> Status {
    SQLite::Transaction transaction(impl_->database, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement update(impl_->database, "UPDATE devices SET status = ?2 WHERE id = ?1");
    update.bind(1, std::string(id));
    update.bind(2, to_string(status));
    if (update.exec() == 0) return device_not_found(id);
    if (status == DeviceStatus::disabled) impl_->record_revocation(id);
    transaction.commit();
    return ok_status();
  });
}

Status SqliteDeviceRegistry::set_certificate(std::string_view id,
                                             std::string_view certificate_sha256) {
  if (Status valid = validate_certificate_sha256(certificate_sha256); !valid) return valid;
  std::lock_guard lock(impl_->mutex);
  return returning_internal_on_failure("set_certificate", [&]() -> Status {
    SQLite::Transaction transaction(impl_->database, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement select(impl_->database, "SELECT cert_sha256 FROM devices WHERE id = ?1");
    select.bind(1, std::string(id));
    if (!select.executeStep()) return device_not_found(id);
    if (select.getColumn(0).getString() == certificate_sha256) return ok_status();
    SQLite::Statement update(impl_->database, "UPDATE devices SET cert_sha256 = ?2 WHERE id = ?1");
    update.bind(1, std::string(id));
    update.bind(2, std::string(certificate_sha256));
    update.exec();
    const std::int64_t now = impl_->clock.now_ms();
    SQLite::Statement end_all(impl_->database,
                              "UPDATE device_certificates SET ended_at_ms = ?2 "
                              "WHERE device_id = ?1 AND ended_at_ms IS NULL");
    end_all.bind(1, std::string(id));
    end_all.bind(2, static_cast<std::int64_t>(now));
    end_all.exec();
    SQLite::Statement forget(impl_->database,
                             "DELETE FROM device_certificates WHERE device_id = ?1 AND "
                             "cert_sha256 = ?2");
    forget.bind(1, std::string(id));
    forget.bind(2, std::string(certificate_sha256));
    forget.exec();
    impl_->insert_certificate(id,
                              DeviceCertificate{std::string(certificate_sha256), 0, 0, "", now, 0});
    impl_->record_revocation(id);
    transaction.commit();
    return ok_status();
  });
}

Result<std::vector<DeviceCertificate>> SqliteDeviceRegistry::certificates(
    std::string_view id) const {
  std::lock_guard lock(impl_->mutex);
  return returning_internal_on_failure("certificates",
                                       [&]() -> Result<std::vector<DeviceCertificate>> {
                                         if (!impl_->device_exists(id)) return device_not_found(id);
                                         return impl_->certificates_of(id);
                                       });
}

Status SqliteDeviceRegistry::add_certificate(std::string_view id,
                                             const DeviceCertificate& certificate) {
  if (Status valid = validate_device_certificate(certificate); !valid) return valid;
  std::lock_guard lock(impl_->mutex);
  return returning_internal_on_failure("add_certificate", [&]() -> Status {
    SQLite::Transaction transaction(impl_->database, SQLite::TransactionBehavior::IMMEDIATE);
    if (!impl_->device_exists(id)) return device_not_found(id);
    DeviceCertificate added = certificate;
    added.added_at_ms = impl_->clock.now_ms();
    try {
      impl_->insert_certificate(id, added);
    } catch (const SQLite::Exception& failure) {
      if (failure.getExtendedErrorCode() == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return certificate_already_accepted(id, certificate.certificate_sha256);
      }
      throw;
    }
    SQLite::Statement update(impl_->database, "UPDATE devices SET cert_sha256 = ?2 WHERE id = ?1");
    update.bind(1, std::string(id));
    update.bind(2, certificate.certificate_sha256);
    update.exec();
    transaction.commit();
    return ok_status();
  });
}

Status SqliteDeviceRegistry::end_certificate(std::string_view id,
                                             std::string_view certificate_sha256) {
  std::lock_guard lock(impl_->mutex);
  return returning_internal_on_failure("end_certificate", [&]() -> Status {
    SQLite::Transaction transaction(impl_->database, SQLite::TransactionBehavior::IMMEDIATE);
    if (!impl_->device_exists(id)) return device_not_found(id);
    const std::vector<DeviceCertificate> known = impl_->certificates_of(id);
    const auto ending = std::find_if(known.begin(), known.end(), [&](const auto& certificate) {
      return certificate.certificate_sha256 == certificate_sha256;
    });
    if (ending == known.end()) return certificate_not_found(id, certificate_sha256);
    if (ending->ended_at_ms != 0) return certificate_already_ended(id, certificate_sha256);
    const auto open = std::count_if(known.begin(), known.end(), [](const auto& certificate) {
      return certificate.ended_at_ms == 0;
    });
    if (open == 1) return last_certificate(id);
    SQLite::Statement update(impl_->database,
                             "UPDATE device_certificates SET ended_at_ms = ?3 "
                             "WHERE device_id = ?1 AND cert_sha256 = ?2");
    update.bind(1, std::string(id));
    update.bind(2, std::string(certificate_sha256));
    update.bind(3, static_cast<std::int64_t>(impl_->clock.now_ms()));
    update.exec();
    impl_->record_revocation(id);
    transaction.commit();
    return ok_status();
  });
}

Result<std::size_t> SqliteDeviceRegistry::count_open_certificates_issued_by(
    std::string_view issuer_sha256) const {
  std::lock_guard lock(impl_->mutex);
  return returning_internal_on_failure(
      "count_open_certificates_issued_by", [&]() -> Result<std::size_t> {
        SQLite::Statement count(impl_->database,
                                "SELECT count(*) FROM device_certificates WHERE "
                                "issuer_sha256 = ?1 AND ended_at_ms IS NULL");
        count.bind(1, std::string(issuer_sha256));
        count.executeStep();
        return static_cast<std::size_t>(count.getColumn(0).getInt64());
      });
}

}  // namespace edgehub::hub
