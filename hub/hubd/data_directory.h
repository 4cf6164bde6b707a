// The layout of hubd's --data-dir, and creating or tightening it to
// owner-only (directories 0700, files 0600) at every start.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace edgehub::hub {

class DataDirectory {
 public:
  // root is made absolute: paths end up in mosquitto.conf and identify our
  // broker in /proc/<pid>/cmdline.
  explicit DataDirectory(const std::filesystem::path& root);

  // Sets the process umask to 077 (whatever hubd, SQLite (-wal, -shm) and
  // the broker it starts create later is owner-only), creates root, pki/,
  // broker/ and broker/persistence/ where missing, and tightens what exists:
  // every directory under root 0700, every other file 0600 (symbolic links
  // are left alone, not followed). Throws std::runtime_error naming the path
  // and what to fix when the directory is not hubd's alone: root or anything
  // in it owned by another user, root still writable by others after chmod
  // (a file system without Unix modes), or a parent that other users may
  // write to without the sticky bit (they could replace the directory).
  void prepare() const;

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path registry_db() const { return root_ / "registry.db"; }
  std::filesystem::path streams_db() const { return root_ / "streams.db"; }
  // The ingest journal's segment files (journal/file_journal.h).
  std::filesystem::path journal_dir() const { return root_ / "journal"; }
  // Written by the broker plugin (device telemetry before the PUBACK).
  std::filesystem::path broker_journal_dir() const { return journal_dir() / "broker"; }
  // The broker plugin's presence events, journaled by hubd's receive thread
  // (presence/presence_inbox.h).
  std::filesystem::path presence_journal_dir() const { return journal_dir() / "presence"; }
  std::filesystem::path api_token_file() const { return root_ / "api-token"; }
  // The hub's site id for exports when --site-id is not given.
  std::filesystem::path site_id_file() const { return root_ / "site-id"; }

  std::filesystem::path pki_dir() const { return root_ / "pki"; }
  std::filesystem::path ca_certificate() const { return pki_dir() / "ca.pem"; }
  std::filesystem::path server_certificate() const { return pki_dir() / "server.pem"; }
  // CAs the operator trusts for device certificates (the broker's capath).
  std::filesystem::path trusted_cas_dir() const { return pki_dir() / "trusted-cas"; }
  std::filesystem::path server_key() const { return pki_dir() / "server.key"; }
  // The subject alternative names server.pem was issued for, one per line.
  std::filesystem::path server_names() const { return pki_dir() / "server.names"; }
  std::filesystem::path service_certificate() const { return pki_dir() / "hubd.pem"; }
  std::filesystem::path service_key() const { return pki_dir() / "hubd.key"; }

  std::filesystem::path broker_dir() const { return root_ / "broker"; }
  std::filesystem::path broker_config() const { return broker_dir() / "mosquitto.conf"; }
  std::filesystem::path broker_pid_file() const { return broker_dir() / "mosquitto.pid"; }
  std::filesystem::path broker_log() const { return broker_dir() / "mosquitto.log"; }
  std::filesystem::path broker_persistence_dir() const { return broker_dir() / "persistence"; }

 private:
  std::filesystem::path root_;
};

// Replaces file atomically with content, created with mode 0600 (or the
// given mode) from the first byte. Throws std::runtime_error.
void write_private_file(const std::filesystem::path& file, std::string_view content,
                        unsigned mode = 0600);
// Throws std::runtime_error if it cannot be read.
std::string read_text_file(const std::filesystem::path& file);

// The REST API token: <data-dir>/api-token, created (32 random bytes as hex,
// mode 0600) if missing. Throws std::runtime_error (unreadable, empty).
std::string load_or_create_api_token(const std::filesystem::path& file);

// The hub's site id (the identity of its exported records): given (not
// empty) it is used as is; else read from file, created once as
// "hub-<16 hex digits>" so that it stays the same across restarts. Throws
// std::runtime_error (unreadable, empty).
std::string site_id_or_stored(const std::string& given, const std::filesystem::path& file);

}  // namespace edgehub::hub
