// How big a twin may get (docs/protocol.md 4.4). A twin is read and rewritten
// whole at every report and patch, on the thread that receives every
// device's messages: its size bounds that cost. Pure decisions, no I/O.
#pragma once

#include <cstddef>
#include <string_view>

#include "edgehub/common/result.h"
#include "edgehub/protocol/payloads.h"

namespace edgehub::hub {

inline constexpr std::size_t kDefaultMaxTwinBytes = 64 * 1024;
inline constexpr std::size_t kDefaultMaxTwinKeys = 1000;

struct TwinLimits {
  // One devices/<id>/reported message, checked before it is parsed.
  std::size_t max_report_bytes = protocol::kDefaultMaxTwinReportBytes;
  // Desired and reported properties, each, as stored JSON text.
  std::size_t max_document_bytes = kDefaultMaxTwinBytes;
  // Object members at every level of each document ({"a":{"b":1}}: 2).
  std::size_t max_document_keys = kDefaultMaxTwinKeys;
};

// too_large "twin report too large: N bytes > L".
Status check_twin_report_size(std::size_t bytes, const TwinLimits& limits);

// A document as it would be stored: too_large "<what> would be N bytes > L"
// or "<what> would have N keys > L" (what: e.g. "reported properties of
// 'boiler-1'").
Status check_twin_document(std::string_view document_json, std::string_view what,
                           const TwinLimits& limits);

}  // namespace edgehub::hub
