#include "metrics/text_exposition.h"

#include <charconv>
#include <cmath>

namespace edgehub::hub {
namespace {

void append_labels(std::string& out, const MetricLabels& labels, const std::string* le = nullptr) {
  if (labels.empty() && le == nullptr) return;
  out += '{';
  bool first = true;
  for (const MetricLabel& label : labels) {
    if (!first) out += ',';
    first = false;
    out += label.name;
    out += "=\"";
    out += escape_label_value(label.value);
    out += '"';
  }
  if (le != nullptr) {
    if (!first) out += ',';
    out += "le=\"";
    out += *le;
    out += '"';
  }
  out += '}';
}

void append_line(std::string& out, std::string_view name, const MetricLabels& labels, double value,
                 const std::string* le = nullptr) {
  out += name;
  append_labels(out, labels, le);
  out += ' ';
  out += format_metric_value(value);
  out += '\n';
}

void append_histogram(std::string& out, const std::string& name, const HistogramSample& sample) {
  const std::string bucket = name + "_bucket";
  for (std::size_t i = 0; i < sample.upper_bounds.size(); ++i) {
    const std::string le = format_metric_value(sample.upper_bounds[i]);
    append_line(out, bucket, sample.labels, static_cast<double>(sample.bucket_counts[i]), &le);
  }
  const std::string infinity = "+Inf";
  append_line(out, bucket, sample.labels, static_cast<double>(sample.count), &infinity);
  append_line(out, name + "_sum", sample.labels, sample.sum);
  append_line(out, name + "_count", sample.labels, static_cast<double>(sample.count));
}

// The format's escapes: backslash and line feed, and in label values the
// double quote that would end them.
std::string escaped(std::string_view text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string format_metric_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Integers up to 2^53 are exact in a double: written as integers, so that
  // counters read 1000000 rather than 1e+06.
  if (value == std::trunc(value) && std::fabs(value) <= 9007199254740992.0) {
    return std::to_string(static_cast<long long>(value));
  }
  // Plain decimals where they stay short (le="0.0005" rather than "5e-04",
  // as the official clients write bucket bounds), else the exponent form.
  char buffer[64];
  const double magnitude = std::fabs(value);
  const auto format =
      magnitude >= 1e-6 && magnitude < 1e15 ? std::chars_format::fixed : std::chars_format::general;
  const auto written = std::to_chars(buffer, buffer + sizeof buffer, value, format);
  return std::string(buffer, written.ptr);
}

std::string escape_label_value(std::string_view value) { return escaped(value, true); }

std::string escape_help_text(std::string_view text) { return escaped(text, false); }

std::string render_text_exposition(std::span<const MetricFamily> families) {
  std::string out;
  for (const MetricFamily& family : families) {
    out += "# HELP " + family.name + " " + escape_help_text(family.help) + "\n";
    out += "# TYPE " + family.name + " " + to_string(family.type) + "\n";
    for (const MetricSample& sample : family.samples) {
      append_line(out, family.name, sample.labels, sample.value);
    }
    for (const HistogramSample& sample : family.histograms)
      append_histogram(out, family.name, sample);
  }
  return out;
}

}  // namespace edgehub::hub
