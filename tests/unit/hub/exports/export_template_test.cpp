#include "exports/export_template.h"

#include <doctest/doctest.h>

#include <algorithm>

using edgehub::ErrorCode;
using edgehub::hub::ExportRecord;
using edgehub::hub::render_export_template;
using edgehub::hub::validate_export_template;

namespace {

ExportRecord record() {
  ExportRecord r;
  r.site_id = "plant-7";
  r.stream = "telemetry";
  r.device_id = "pump.3";
  return r;
}

std::string as_is(std::string_view value) { return std::string(value); }

std::string nats_token(std::string_view value) {
  std::string token(value);
  std::replace(token.begin(), token.end(), '.', '_');
  return token;
}

}  // namespace

TEST_CASE("a template names the record's site, stream and device") {
  CHECK(render_export_template("edge.{site}.{device}.{stream}", record(), as_is) ==
        "edge.plant-7.pump.3.telemetry");
  CHECK(render_export_template("{stream}", record(), as_is) == "telemetry");
  CHECK(render_export_template("fixed/topic", record(), as_is) == "fixed/topic");
}

TEST_CASE("each value goes through the engine's escaping, the template's own text does not") {
  CHECK(render_export_template("edge.{device}.{stream}", record(), nats_token) ==
        "edge.pump_3.telemetry");
}

TEST_CASE("a template is checked when an export is added") {
  CHECK(validate_export_template("edge.{site}.{device}.{stream}"));
  CHECK(validate_export_template("plain"));

  const auto empty = validate_export_template("");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code == ErrorCode::invalid_argument);

  const auto unknown = validate_export_template("edge.{devcie}");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message.find("edge.{devcie}") != std::string::npos);
  CHECK(unknown.error().message.find("{site} {stream} {device}") != std::string::npos);

  CHECK_FALSE(validate_export_template("edge.{device"));
  CHECK_FALSE(validate_export_template("edge.device}"));
}
