// The names the Prometheus data model allows, and the rules this hub adds
// (counters end in _total). A family that breaks them is a bug in the code
// that built it: the registry refuses it at registration or scrape. Pure.
#pragma once

#include <string_view>

#include "edgehub/common/result.h"
#include "metrics/metric_family.h"

namespace edgehub::hub {

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool is_valid_metric_name(std::string_view name) noexcept;
// [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" (reserved), and not "le"
// on a histogram (the format's bucket label).
bool is_valid_label_name(std::string_view name) noexcept;

// invalid_argument naming what is wrong: the family's name, a counter not
// ending in _total, a label name, a histogram's bounds (not increasing, or
// as many bucket counts as bounds missing).
Status check_metric_family(const MetricFamily& family);

}  // namespace edgehub::hub
