#include "exports/export_identity_headers.h"

#include <doctest/doctest.h>

using edgehub::hub::export_identity_headers;
using edgehub::hub::export_message_id;
using edgehub::hub::ExportHeader;
using edgehub::hub::ExportRecord;

namespace {

ExportRecord record() {
  ExportRecord r;
  r.site_id = "plant-7";
  r.stream = "telemetry";
  r.offset = 18446744073709551615ULL;
  r.device_id = "pump.3";
  r.seq = 42;
  r.received_at_ms = 1764979200123;
  r.payload = "{}";
  return r;
}

}  // namespace

TEST_CASE("the message id is site, stream and offset: the same on every resend") {
  CHECK(export_message_id(record()) == "plant-7:telemetry:18446744073709551615");
  ExportRecord other_site = record();
  other_site.site_id = "plant-8";
  CHECK(export_message_id(other_site) != export_message_id(record()));
}

TEST_CASE("the identity headers carry every field of the record's identity") {
  const std::vector<ExportHeader> expected{{"Edgehub-Site", "plant-7"},
                                           {"Edgehub-Stream", "telemetry"},
                                           {"Edgehub-Offset", "18446744073709551615"},
                                           {"Edgehub-Device", "pump.3"},
                                           {"Edgehub-Seq", "42"},
                                           {"Edgehub-Received-At", "1764979200123"}};
  CHECK(export_identity_headers(record()) == expected);
}

TEST_CASE("a record without a device seq has no Edgehub-Seq header (not a made-up 0)") {
  ExportRecord without_seq = record();
  without_seq.seq.reset();
  for (const auto& [name, value] : export_identity_headers(without_seq)) {
    CHECK(name != "Edgehub-Seq");
  }
  CHECK(export_identity_headers(without_seq).size() == 5);
}
