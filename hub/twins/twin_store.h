// Durable twins (<data-dir>/twins.db, SQLite WAL). Versions are checked in
// the same transaction as the write, so a stale update never lands.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>

#include "edgehub/common/result.h"
#include "twins/twin.h"
#include "twins/twin_limits.h"

namespace edgehub::hub {

class TwinStore {
 public:
  // ":memory:" for tests. Throws std::runtime_error if it cannot be opened.
  // Patches that would make a document exceed limits are refused.
  static std::unique_ptr<TwinStore> open(const std::filesystem::path& file, TwinLimits limits = {});
  ~TwinStore();

  // The twin, empty (versions 0) if nothing was ever set.
  Result<Twin> get(std::string_view device_id) const;
  // Applies a JSON merge patch (RFC 7386) to desired: version + 1. conflict
  // if expected_version is given and is not the current version;
  // invalid_argument for a patch that is not a JSON object or is nested
  // deeper than max_json_depth(); too_large (nothing changed) if the patch
  // is larger than a document may be or the merged document would exceed
  // the limits (twin_limits.h).
  Result<Twin> patch_desired(std::string_view device_id, std::string_view merge_patch_json,
                             std::optional<std::uint64_t> expected_version, std::int64_t now_ms);
  // Applies a device's report (merge patch) if version is newer than the
  // stored one; conflict (stale) otherwise; invalid_argument and too_large as
  // patch_desired. acknowledged: the desired version the device has applied,
  // if it said so.
  Result<Twin> apply_reported(std::string_view device_id, std::string_view merge_patch_json,
                              std::uint64_t version, std::optional<std::uint64_t> acknowledged,
                              std::int64_t now_ms);

 private:
  struct Impl;
  explicit TwinStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace edgehub::hub
