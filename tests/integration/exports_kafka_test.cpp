// The Kafka destination against librdkafka's mock cluster (rdkafka_mock.h:
// a real Kafka protocol endpoint on loopback inside the test process), driven
// by a loop that retries like the export runner: keys and identity headers
// arrive, and broker errors in the middle of a batch leave nothing skipped.
#include <doctest/doctest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <array>
#include <chrono>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

#include "edgehub/test/export_send_loop.h"
#include "exports/kafka_destination.h"

using edgehub::hub::ExportDestination;
using edgehub::hub::ExportRecord;
using edgehub::hub::make_kafka_destination;
using edgehub::test::ExportSendLoopOptions;
using edgehub::test::sample_export_records;
using edgehub::test::send_like_the_runner;
using namespace std::chrono_literals;

namespace {

constexpr int kPartitions = 4;
// Kafka's Produce request (kProduceApiKey is in librdkafka's private headers).
constexpr std::int16_t kProduceApiKey = 0;

// Three mock brokers; the topic "telemetry" with 4 partitions, replicated 3 times.
class MockKafka {
 public:
  MockKafka() {
    std::array<char, 256> error{};
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "3", error.data(), error.size());
    handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error.data(), error.size());
    if (handle_ == nullptr) throw std::runtime_error(error.data());
    cluster_ = rd_kafka_mock_cluster_new(handle_, 3);
    if (cluster_ == nullptr) throw std::runtime_error("rd_kafka_mock_cluster_new failed");
    rd_kafka_mock_topic_create(cluster_, "telemetry", kPartitions, 3);
  }
  ~MockKafka() {
    rd_kafka_mock_cluster_destroy(cluster_);
    rd_kafka_destroy(handle_);
  }
  MockKafka(const MockKafka&) = delete;
  MockKafka& operator=(const MockKafka&) = delete;

  std::string bootstraps() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }
  rd_kafka_mock_cluster_t* cluster() { return cluster_; }

 private:
  rd_kafka_t* handle_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

struct ConsumedMessage {
  std::string key;
  std::string value;
  std::map<std::string, std::string> headers;
  int partition = -1;
};

// Every message of the topic, read from the beginning of each partition
// until `expected` have arrived, or none for 3 s after the first, or
// `timeout` passed.
std::vector<ConsumedMessage> consume_all(const std::string& bootstraps, const std::string& topic,
                                         std::size_t expected, std::chrono::milliseconds timeout) {
  std::array<char, 256> error{};
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [name, value] :
       std::map<std::string, std::string>{{"bootstrap.servers", bootstraps},
                                          {"group.id", "readback"},
                                          {"enable.auto.commit", "false"},
                                          {"log_level", "3"}}) {
    rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error.data(), error.size());
  }
  rd_kafka_t* consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error.data(), error.size());
  REQUIRE(consumer != nullptr);
  rd_kafka_topic_partition_list_t* partitions = rd_kafka_topic_partition_list_new(kPartitions);
  for (int partition = 0; partition < kPartitions; ++partition) {
    rd_kafka_topic_partition_list_add(partitions, topic.c_str(), partition)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(consumer, partitions);
  rd_kafka_topic_partition_list_destroy(partitions);

  std::vector<ConsumedMessage> messages;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto last_arrival = std::chrono::steady_clock::now();
  while (messages.size() < expected && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer, 200);
    if (message == nullptr) {
      if (!messages.empty() && std::chrono::steady_clock::now() - last_arrival > 3s) break;
      continue;
    }
    last_arrival = std::chrono::steady_clock::now();
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ConsumedMessage consumed;
      consumed.key.assign(static_cast<const char*>(message->key), message->key_len);
      consumed.value.assign(static_cast<const char*>(message->payload), message->len);
      consumed.partition = message->partition;
      rd_kafka_headers_t* headers = nullptr;
      if (rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name = nullptr;
        const void* value = nullptr;
        std::size_t size = 0;
        for (std::size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) ==
                                RD_KAFKA_RESP_ERR_NO_ERROR;
             ++i) {
          consumed.headers[name] = std::string(static_cast<const char*>(value), size);
        }
      }
      messages.push_back(std::move(consumed));
    }
    rd_kafka_message_destroy(message);
  }
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  return messages;
}

std::unique_ptr<ExportDestination> destination_for(const MockKafka& kafka,
                                                   std::int64_t ack_timeout_ms = 5000) {
  auto destination = make_kafka_destination(
      {{"bootstrap_servers", kafka.bootstraps()}, {"ack_timeout_ms", ack_timeout_ms}});
  REQUIRE_MESSAGE(destination, (destination ? "" : destination.error().message));
  return std::move(destination).value();
}

// Every record's offset is among the consumed messages (a resend may have
// added duplicates: the consumer drops them by site + stream + offset).
void check_every_record_present(const std::vector<ExportRecord>& records,
                                const std::vector<ConsumedMessage>& consumed) {
  std::set<std::string> offsets;
  for (const ConsumedMessage& message : consumed) {
    offsets.insert(message.headers.count("Edgehub-Offset") ? message.headers.at("Edgehub-Offset")
                                                           : "");
  }
  std::size_t missing = 0;
  for (const ExportRecord& record : records) {
    if (!offsets.count(std::to_string(record.offset))) ++missing;
  }
  CHECK(missing == 0);
  CHECK(offsets.size() == records.size());
}

}  // namespace

TEST_CASE("records arrive on the stream's topic with key = device id and the identity headers") {
  MockKafka kafka;
  const auto records = sample_export_records(1000, 8, 150);
  auto destination = destination_for(kafka);
  const auto sent = destination->send(records);
  CHECK(sent.acknowledged == records.size());
  CHECK(sent.error.empty());

  const auto consumed = consume_all(kafka.bootstraps(), "telemetry", records.size(), 30s);
  REQUIRE(consumed.size() == records.size());
  std::map<std::string, std::set<int>> partitions_of_device;
  std::map<std::string, std::uint64_t> last_seq_of_device;
  for (const ConsumedMessage& message : consumed) {
    const std::uint64_t offset = std::stoull(message.headers.at("Edgehub-Offset"));
    const ExportRecord& record = records.at(offset);
    CHECK(message.key == record.device_id);
    CHECK(message.value == record.payload);
    CHECK(message.headers.at("Edgehub-Site") == "site-a");
    CHECK(message.headers.at("Edgehub-Stream") == "telemetry");
    CHECK(message.headers.at("Edgehub-Device") == record.device_id);
    CHECK(message.headers.at("Edgehub-Seq") == std::to_string(*record.seq));
    CHECK(message.headers.at("Edgehub-Received-At") == std::to_string(record.received_at_ms));
    partitions_of_device[record.device_id].insert(message.partition);
    // A device's records keep their order: one key, one partition.
    CHECK(*record.seq > last_seq_of_device[record.device_id]);
    last_seq_of_device[record.device_id] = *record.seq;
  }
  for (const auto& [device, partitions] : partitions_of_device) CHECK(partitions.size() == 1);
}

TEST_CASE(
    "retriable broker errors in the middle of a batch: librdkafka retries, every record "
    "acknowledged once") {
  MockKafka kafka;
  const auto records = sample_export_records(20'000, 8, 150);
  auto destination = destination_for(kafka);
  // The first answers succeed, then the leader says it is not the leader and
  // times out: the idempotent producer retries without duplicating.
  rd_kafka_mock_push_request_errors(
      kafka.cluster(), kProduceApiKey, 6, RD_KAFKA_RESP_ERR_NO_ERROR, RD_KAFKA_RESP_ERR_NO_ERROR,
      RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
      RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND);
  ExportSendLoopOptions options;
  options.batch = 5000;
  options.backoff = 100ms;
  options.give_up_after = 60s;
  const auto result = send_like_the_runner(*destination, records, options);
  for (const std::string& error : result.errors) MESSAGE("short send: " << error);
  REQUIRE(result.acknowledged == records.size());
  const auto consumed = consume_all(kafka.bootstraps(), "telemetry", records.size() + 1, 30s);
  check_every_record_present(records, consumed);
  CHECK(consumed.size() == records.size());  // idempotence: no duplicate from the retries
}

TEST_CASE(
    "a broker error that fails part of a batch: the send says how far it got, the retry "
    "loop resends from there, nothing is skipped") {
  MockKafka kafka;
  const auto records = sample_export_records(20'000, 8, 150);
  auto destination = destination_for(kafka);
  // Not retriable by librdkafka: the messages of the failed request get a
  // delivery report with the error, the ones after it may succeed.
  rd_kafka_mock_push_request_errors(
      kafka.cluster(), kProduceApiKey, 4, RD_KAFKA_RESP_ERR_NO_ERROR, RD_KAFKA_RESP_ERR_NO_ERROR,
      RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
  ExportSendLoopOptions options;
  options.batch = 5000;
  options.backoff = 100ms;
  options.give_up_after = 60s;
  const auto result = send_like_the_runner(*destination, records, options);
  MESSAGE("sends: " << result.sends << ", short: " << result.short_sends);
  for (const std::string& error : result.errors) MESSAGE("short send: " << error);
  REQUIRE(result.acknowledged == records.size());
  CHECK(result.short_sends >= 1);
  CHECK(result.errors.at(0).find("Topic authorization failed") != std::string::npos);
  const auto consumed = consume_all(kafka.bootstraps(), "telemetry", records.size() * 2, 30s);
  MESSAGE("consumed " << consumed.size() << " messages for " << records.size() << " records");
  check_every_record_present(records, consumed);
}

TEST_CASE("with every broker down a send acknowledges nothing within its timeout, then resumes") {
  MockKafka kafka;
  const auto records = sample_export_records(2000, 4, 100);
  auto destination = destination_for(kafka, 1500);
  REQUIRE(destination->send(std::span(records).subspan(0, 1000)).acknowledged == 1000);

  for (int broker = 1; broker <= 3; ++broker)
    rd_kafka_mock_broker_set_down(kafka.cluster(), broker);
  const auto started = std::chrono::steady_clock::now();
  const auto during = destination->send(std::span(records).subspan(1000, 1000));
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(during.acknowledged == 0);
  CHECK_FALSE(during.error.empty());
  CHECK(took < 4s);  // the ack timeout and the purge, never for ever
  MESSAGE("during the outage: " << during.error);

  for (int broker = 1; broker <= 3; ++broker) rd_kafka_mock_broker_set_up(kafka.cluster(), broker);
  ExportSendLoopOptions options;
  options.batch = 1000;
  options.give_up_after = 60s;
  const auto rest = send_like_the_runner(*destination, std::span(records).subspan(1000), options);
  CHECK(rest.acknowledged == 1000);
  const auto consumed = consume_all(kafka.bootstraps(), "telemetry", records.size() * 2, 30s);
  check_every_record_present(records, consumed);
}
