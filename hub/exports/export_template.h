// Destination names built from a record: "edge.{site}.{device}.{stream}"
// (NATS subject), "edge/{site}/{device}" (MQTT topic), "{stream}" (Kafka
// topic). Shared by every destination so that one template language holds.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "edgehub/common/result.h"
#include "exports/export_destination.h"

namespace edgehub::hub {

// The placeholders a template may use.
inline constexpr std::string_view kExportTemplatePlaceholders = "{site} {stream} {device}";

// Checks a template once, when an export is added: braces balanced, only
// known placeholders, not empty.
Status validate_export_template(std::string_view text);

// The template with each placeholder replaced by the record's value passed
// through escape (an engine's rules: a NATS subject token may not contain
// '.', '*', '>' or white space; an MQTT topic level may not contain '/',
// '+', '#'). A template that failed validation renders as is.
using EscapeValue = std::function<std::string(std::string_view value)>;

// A record whose site, stream and device are plain words: a template
// rendered with it shows what the template's own text does to an engine's
// name rules (each engine checks that result once, when an export is added).
ExportRecord export_template_sample();
std::string render_export_template(std::string_view text, const ExportRecord& record,
                                   const EscapeValue& escape);

}  // namespace edgehub::hub
