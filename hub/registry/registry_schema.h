// The SQLite schema of registry.db: the contract between hubd (writer) and
// the mosquitto plugin (reader). Both include this header; change it only
// together with hub/mosquitto-plugin.
#pragma once

namespace edgehub::hub::registry_schema {

inline constexpr int kVersion = 1;

inline constexpr const char* kCreateStatements = R"sql(
CREATE TABLE IF NOT EXISTS devices (
  id              TEXT PRIMARY KEY,
  role            TEXT NOT NULL CHECK (role IN ('device', 'service')),
  status          TEXT NOT NULL CHECK (status IN ('enabled', 'disabled')),
  cert_sha256     TEXT NOT NULL,
  created_at_ms   INTEGER NOT NULL,
  attributes      TEXT NOT NULL DEFAULT '{}'
);
-- Appended whenever a device is removed, disabled or gets a new certificate.
-- The plugin polls it and disconnects the named client at once.
CREATE TABLE IF NOT EXISTS revocations (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  device_id       TEXT NOT NULL,
  revoked_at_ms   INTEGER NOT NULL
);
)sql";

// What the plugin asks at CONNECT: one row or none.
inline constexpr const char* kLookupDevice =
    "SELECT role, status, cert_sha256 FROM devices WHERE id = ?1";

// What the plugin polls: revocations newer than the last one it handled.
inline constexpr const char* kRevocationsAfter =
    "SELECT id, device_id FROM revocations WHERE id > ?1 ORDER BY id";
inline constexpr const char* kLastRevocation = "SELECT coalesce(max(id), 0) FROM revocations";

}  // namespace edgehub::hub::registry_schema
