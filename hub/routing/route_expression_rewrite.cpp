#include "routing/route_expression_rewrite.h"

#include <cctype>

namespace edgehub::hub {
namespace {

bool is_identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

Error invalid_at(std::size_t position, std::string what) {
  return make_error(ErrorCode::invalid_argument,
                    what + " (at character " + std::to_string(position + 1) + ")");
}

// Length of the JSON path starting at text[start] == '$', or 0 if '$' does not
// start a path ('$name' is SQLite's parameter syntax).
std::size_t path_length(std::string_view text, std::size_t start) {
  std::size_t i = start + 1;
  while (i < text.size()) {
    if (text[i] == '.' && i + 1 < text.size() && is_identifier_char(text[i + 1])) {
      ++i;
      while (i < text.size() && is_identifier_char(text[i])) ++i;
    } else if (text[i] == '.' && i + 1 < text.size() && text[i + 1] == '"') {
      const std::size_t close = text.find('"', i + 2);
      if (close == std::string_view::npos) return 0;
      i = close + 1;
    } else if (text[i] == '[') {
      std::size_t j = i + 1;
      if (j < text.size() && text[j] == '#') {
        ++j;
        if (j < text.size() && text[j] == '-') ++j;
      }
      while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j])) != 0) ++j;
      if (j >= text.size() || text[j] != ']' || j == i + 1) break;
      i = j + 1;
    } else {
      break;
    }
  }
  if (i < text.size() && (is_identifier_char(text[i]) || text[i] == '$')) return 0;
  return i - start;
}

std::string sql_literal(std::string_view text) {
  std::string literal = "'";
  for (char c : text) {
    if (c == '\'') literal += '\'';
    literal += c;
  }
  return literal + "'";
}

// True (and the prefix removed from out) when out ends with the identifier
// "attributes." (any case).
bool take_attributes_prefix(std::string& out) {
  static constexpr std::string_view kPrefix = "attributes.";
  if (out.size() < kPrefix.size()) return false;
  const std::size_t at = out.size() - kPrefix.size();
  for (std::size_t i = 0; i < kPrefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(out[at + i])) != kPrefix[i]) return false;
  }
  if (at > 0 && (is_identifier_char(out[at - 1]) || out[at - 1] == '.')) return false;
  out.resize(at);
  return true;
}

}  // namespace

Result<std::string> rewrite_route_expression(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 2);
  int depth = 0;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '\'' || c == '"' || c == '`') {
      std::size_t j = i + 1;
      while (true) {
        j = text.find(c, j);
        if (j == std::string_view::npos) return invalid_at(i, "unterminated quote");
        if (j + 1 < text.size() && text[j + 1] == c) {
          j += 2;  // doubled quote inside the literal
          continue;
        }
        break;
      }
      out.append(text.substr(i, j + 1 - i));
      i = j + 1;
    } else if (c == ';') {
      return invalid_at(i, "';' is not allowed: a route expression is one SQL expression");
    } else if (c == '(') {
      ++depth;
      out += c;
      ++i;
    } else if (c == ')') {
      if (--depth < 0) return invalid_at(i, "unbalanced ')'");
      out += c;
      ++i;
    } else if (c == '$') {
      const std::size_t length = path_length(text, i);
      if (length == 0) {
        return invalid_at(i, "'$' must start a data path such as $.temperature or $.list[0]");
      }
      const bool attributes = take_attributes_prefix(out);
      out += "json_extract(";
      out += attributes ? "attributes" : "payload";
      out += ", " + sql_literal(text.substr(i, length)) + ")";
      i += length;
    } else if (c == '?' || c == ':' || c == '@') {
      return invalid_at(i, std::string("'") + c + "' is not allowed (no SQL parameters in routes)");
    } else {
      out += c;
      ++i;
    }
  }
  if (depth != 0) return invalid_at(text.size() - 1, "unbalanced '('");
  return out;
}

}  // namespace edgehub::hub
