#include "exports/kafka_topic.h"

#include <doctest/doctest.h>

using edgehub::hub::escape_kafka_topic_value;
using edgehub::hub::ExportRecord;
using edgehub::hub::kafka_topic_for;
using edgehub::hub::validate_kafka_topic;
using edgehub::hub::validate_kafka_topic_template;

TEST_CASE("a value keeps Kafka's topic alphabet, everything else is escaped") {
  CHECK(escape_kafka_topic_value("telemetry") == "telemetry");
  CHECK(escape_kafka_topic_value("pump.3-a") == "pump.3-a");
  CHECK(escape_kafka_topic_value("a/b c") == "a_2Fb_20c");
  CHECK(escape_kafka_topic_value("") == "_");
}

TEST_CASE("'_' is doubled, so an escaped value never equals another value") {
  CHECK(escape_kafka_topic_value("a_2F") == "a__2F");
  CHECK(escape_kafka_topic_value("a/") != escape_kafka_topic_value("a_2F"));
}

TEST_CASE("the default topic is the stream's name") {
  ExportRecord record;
  record.stream = "telemetry";
  record.device_id = "pump/3";
  CHECK(kafka_topic_for("{stream}", record) == "telemetry");
  CHECK(kafka_topic_for("edge.{device}", record) == "edge.pump_2F3");
}

TEST_CASE("a topic Kafka would refuse is refused when the export is added") {
  CHECK(validate_kafka_topic("edge.telemetry"));
  CHECK_FALSE(validate_kafka_topic(""));
  CHECK_FALSE(validate_kafka_topic("."));
  CHECK_FALSE(validate_kafka_topic(".."));
  CHECK_FALSE(validate_kafka_topic("a/b"));
  CHECK_FALSE(validate_kafka_topic(std::string(250, 'a')));
  CHECK(validate_kafka_topic(std::string(249, 'a')));
  CHECK(validate_kafka_topic_template("edge-{site}.{stream}"));
  CHECK_FALSE(validate_kafka_topic_template("edge/{stream}"));
  CHECK_FALSE(validate_kafka_topic_template("{topic}"));
}
