#include "exports/nats_subject.h"

#include "exports/export_template.h"

namespace edgehub::hub {
namespace {

bool needs_escape(unsigned char byte) {
  return byte == '.' || byte == '*' || byte == '>' || byte == '%' || byte <= ' ' || byte == 0x7f;
}

}  // namespace

std::string escape_nats_token(std::string_view value) {
  if (value.empty()) return "%";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string token;
  token.reserve(value.size());
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (!needs_escape(byte)) {
      token += c;
      continue;
    }
    token += '%';
    token += kHex[byte >> 4];
    token += kHex[byte & 0x0f];
  }
  return token;
}

Status validate_nats_publish_subject(std::string_view subject) {
  const auto refuse = [&](std::string_view why) -> Status {
    return make_error(ErrorCode::invalid_argument,
                      "NATS subject \"" + std::string(subject) + "\" " + std::string(why));
  };
  if (subject.empty()) return refuse("is empty");
  std::size_t token_start = 0;
  while (true) {
    const std::size_t dot = subject.find('.', token_start);
    const std::string_view token =
        subject.substr(token_start, dot == std::string_view::npos ? dot : dot - token_start);
    if (token.empty()) return refuse("has an empty token (two dots, or a dot at an end)");
    if (token == "*" || token == ">") return refuse("has a wildcard token: a publisher may not");
    for (const char c : token) {
      if (static_cast<unsigned char>(c) <= ' ') return refuse("contains white space");
    }
    if (dot == std::string_view::npos) break;
    token_start = dot + 1;
  }
  return ok_status();
}

std::string nats_subject_for(std::string_view subject_template, const ExportRecord& record) {
  return render_export_template(subject_template, record, escape_nats_token);
}

Status validate_nats_subject_template(std::string_view subject_template) {
  if (Status valid = validate_export_template(subject_template); !valid) return valid;
  // Every value renders to one non-empty token without wildcards, so the
  // template's own text decides whether the subject is valid.
  return validate_nats_publish_subject(
      nats_subject_for(subject_template, export_template_sample()));
}

}  // namespace edgehub::hub
