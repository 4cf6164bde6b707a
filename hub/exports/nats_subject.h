// NATS subjects for exported records: the template's values escaped so that
// a device id like "pump.3" stays one subject token and can never act as a
// wildcard.
#pragma once

#include <string>
#include <string_view>

#include "edgehub/common/result.h"
#include "exports/export_destination.h"

namespace edgehub::hub {

inline constexpr std::string_view kDefaultNatsSubjectTemplate = "edgehub.{site}.{device}.{stream}";

// One value as one subject token: '.', '*', '>', white space, control bytes
// and '%' itself become %XX (upper-case hex), so distinct values stay
// distinct subjects; an empty value becomes "%" (a token may not be empty).
std::string escape_nats_token(std::string_view value);

// A subject a publisher may use: not empty, no empty token, no wildcard
// token, no white space.
Status validate_nats_publish_subject(std::string_view subject);

// The record's subject under a template already validated.
std::string nats_subject_for(std::string_view subject_template, const ExportRecord& record);

// Checks a subject template when an export is added: the template language
// (validate_export_template) and the subject it renders to.
Status validate_nats_subject_template(std::string_view subject_template);

}  // namespace edgehub::hub
