#include "exports/export_template.h"

#include <array>
#include <utility>

namespace edgehub::hub {
namespace {

struct Placeholder {
  std::string_view name;  // with its braces
  std::string_view (*value)(const ExportRecord&);
};

constexpr std::array kPlaceholders{
    Placeholder{"{site}", [](const ExportRecord& r) -> std::string_view { return r.site_id; }},
    Placeholder{"{stream}", [](const ExportRecord& r) -> std::string_view { return r.stream; }},
    Placeholder{"{device}", [](const ExportRecord& r) -> std::string_view { return r.device_id; }},
};

const Placeholder* placeholder_at(std::string_view text, std::size_t at) {
  for (const Placeholder& placeholder : kPlaceholders) {
    if (text.substr(at, placeholder.name.size()) == placeholder.name) return &placeholder;
  }
  return nullptr;
}

}  // namespace

Status validate_export_template(std::string_view text) {
  if (text.empty()) return make_error(ErrorCode::invalid_argument, "the template is empty");
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (text[at] == '}') {
      return make_error(ErrorCode::invalid_argument,
                        "unmatched '}' in template \"" + std::string(text) + "\"");
    }
    if (text[at] != '{') continue;
    const Placeholder* placeholder = placeholder_at(text, at);
    if (placeholder == nullptr) {
      return make_error(ErrorCode::invalid_argument,
                        "unknown placeholder in template \"" + std::string(text) +
                            "\" (known: " + std::string(kExportTemplatePlaceholders) + ")");
    }
    at += placeholder->name.size() - 1;
  }
  return ok_status();
}

ExportRecord export_template_sample() {
  ExportRecord sample;
  sample.site_id = "site";
  sample.stream = "stream";
  sample.device_id = "device";
  return sample;
}

std::string render_export_template(std::string_view text, const ExportRecord& record,
                                   const EscapeValue& escape) {
  std::string result;
  result.reserve(text.size() + 32);
  for (std::size_t at = 0; at < text.size(); ++at) {
    const Placeholder* placeholder = text[at] == '{' ? placeholder_at(text, at) : nullptr;
    if (placeholder == nullptr) {
      result += text[at];
      continue;
    }
    result += escape(placeholder->value(record));
    at += placeholder->name.size() - 1;
  }
  return result;
}

}  // namespace edgehub::hub
