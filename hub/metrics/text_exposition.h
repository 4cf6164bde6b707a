// The Prometheus text exposition format, version 0.0.4: "# HELP" and
// "# TYPE" per family, one line per sample, histograms as _bucket{le=...}
// (cumulative, ending in le="+Inf"), _sum and _count. Pure.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "metrics/metric_family.h"

namespace edgehub::hub {

// The Content-Type of a scrape in this format.
inline constexpr std::string_view kTextExpositionContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// The families in the order given. Families must pass check_metric_family.
std::string render_text_exposition(std::span<const MetricFamily> families);

// How the format writes a sample value: integers without a fraction or
// exponent, "+Inf", "-Inf", "NaN", other numbers in their shortest form.
std::string format_metric_value(double value);
// A label value between its quotes: backslash, double quote and line feed escaped.
std::string escape_label_value(std::string_view value);
// HELP text: backslash and line feed escaped (quotes stay).
std::string escape_help_text(std::string_view text);

}  // namespace edgehub::hub
