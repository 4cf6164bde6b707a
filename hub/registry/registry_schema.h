// The SQLite schema of registry.db: the contract between hubd (writer) and
// the mosquitto plugin (reader). Both include this header; change it only
// together with hub/mosquitto-plugin.
#pragma once

namespace edgehub::hub::registry_schema {

// 1: devices (one certificate each), revocations.
// 2: device_certificates: every certificate a device may present, with its
//    validity, issuer and when the operator ended it (rotation).
inline constexpr int kVersion = 2;

inline constexpr const char* kCreateVersion1 = R"sql(
CREATE TABLE IF NOT EXISTS devices (
  id              TEXT PRIMARY KEY,
  role            TEXT NOT NULL CHECK (role IN ('device', 'service')),
  status          TEXT NOT NULL CHECK (status IN ('enabled', 'disabled')),
  cert_sha256     TEXT NOT NULL,
  created_at_ms   INTEGER NOT NULL,
  attributes      TEXT NOT NULL DEFAULT '{}'
);
-- Appended whenever a device is removed, disabled or gets a certificate
-- ended. The plugin polls it and disconnects the named client at once.
CREATE TABLE IF NOT EXISTS revocations (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  device_id       TEXT NOT NULL,
  revoked_at_ms   INTEGER NOT NULL
);
)sql";

// devices.cert_sha256 stays: the newest certificate, what version-1 readers
// and GET /devices show. The plugin admits by device_certificates.
inline constexpr const char* kUpgrade1To2 = R"sql(
CREATE TABLE device_certificates (
  device_id       TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  cert_sha256     TEXT NOT NULL,
  not_before_ms   INTEGER NOT NULL DEFAULT 0,
  not_after_ms    INTEGER NOT NULL DEFAULT 0,
  issuer_sha256   TEXT NOT NULL DEFAULT '',
  added_at_ms     INTEGER NOT NULL,
  ended_at_ms     INTEGER,
  PRIMARY KEY (device_id, cert_sha256)
);
INSERT INTO device_certificates (device_id, cert_sha256, added_at_ms)
  SELECT id, cert_sha256, created_at_ms FROM devices;
)sql";

// What the plugin asks at CONNECT: one row or none.
inline constexpr const char* kLookupDevice =
    "SELECT role, status, cert_sha256 FROM devices WHERE id = ?1";
// ... and the certificates the device may present (ended_at_ms NULL: open).
inline constexpr const char* kLookupCertificates =
    "SELECT cert_sha256, ended_at_ms FROM device_certificates WHERE device_id = ?1";

// What the plugin polls: revocations newer than the last one it handled.
inline constexpr const char* kRevocationsAfter =
    "SELECT id, device_id FROM revocations WHERE id > ?1 ORDER BY id";
inline constexpr const char* kLastRevocation = "SELECT coalesce(max(id), 0) FROM revocations";

}  // namespace edgehub::hub::registry_schema
