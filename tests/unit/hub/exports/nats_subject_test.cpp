#include "exports/nats_subject.h"

#include <doctest/doctest.h>

using edgehub::hub::escape_nats_token;
using edgehub::hub::ExportRecord;
using edgehub::hub::kDefaultNatsSubjectTemplate;
using edgehub::hub::nats_subject_for;
using edgehub::hub::validate_nats_publish_subject;
using edgehub::hub::validate_nats_subject_template;

TEST_CASE("a value with a subject separator or a wildcard stays one literal token") {
  CHECK(escape_nats_token("pump-3") == "pump-3");
  CHECK(escape_nats_token("pump.3") == "pump%2E3");
  CHECK(escape_nats_token("*") == "%2A");
  CHECK(escape_nats_token(">") == "%3E");
  CHECK(escape_nats_token("a b\tc") == "a%20b%09c");
  CHECK(escape_nats_token("") == "%");
}

TEST_CASE("the escape character itself is escaped, so two values never share a subject") {
  CHECK(escape_nats_token("a%2Eb") == "a%252Eb");
  CHECK(escape_nats_token("a.b") != escape_nats_token("a%2Eb"));
}

TEST_CASE("the default subject names site, device and stream, one token each") {
  ExportRecord record;
  record.site_id = "plant.7";
  record.stream = "telemetry";
  record.device_id = "pump.3";
  const std::string subject = nats_subject_for(kDefaultNatsSubjectTemplate, record);
  CHECK(subject == "edgehub.plant%2E7.pump%2E3.telemetry");
  CHECK(validate_nats_publish_subject(subject));
}

TEST_CASE("a subject a publisher may not use is refused, naming why") {
  CHECK_FALSE(validate_nats_publish_subject(""));
  CHECK(validate_nats_publish_subject("a..b").error().message.find("empty token") !=
        std::string::npos);
  CHECK_FALSE(validate_nats_publish_subject(".a"));
  CHECK_FALSE(validate_nats_publish_subject("a."));
  CHECK(validate_nats_publish_subject("a.*.b").error().message.find("wildcard") !=
        std::string::npos);
  CHECK_FALSE(validate_nats_publish_subject("a.>"));
  CHECK_FALSE(validate_nats_publish_subject("a b"));
  CHECK(validate_nats_publish_subject("a.b*c.d"));  // '*' inside a token is literal
}

TEST_CASE("a subject template is checked by the template language and by the subject it makes") {
  CHECK(validate_nats_subject_template("edge.{site}.{device}.{stream}"));
  CHECK(validate_nats_subject_template("edge.{device}-{stream}"));
  CHECK_FALSE(validate_nats_subject_template("edge.{devices}"));
  CHECK_FALSE(validate_nats_subject_template("edge..{device}"));
  CHECK_FALSE(validate_nats_subject_template("edge.>"));
  CHECK_FALSE(validate_nats_subject_template(""));
}
