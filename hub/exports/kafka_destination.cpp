// The librdkafka glue of the Kafka destination. A batch is produced, then
// flushed for at most ack_timeout_ms; whatever librdkafka still holds after
// that is purged, so that it is not delivered behind the runner's back after
// send returned (the runner resends it). Delivery reports are served on the
// sending thread (rd_kafka_flush/poll), so no lock is needed; each message
// carries a token so that a report of an earlier batch never counts.
#include "exports/kafka_destination.h"

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "exports/export_identity_headers.h"
#include "exports/kafka_options.h"
#include "exports/kafka_topic.h"

namespace edgehub::hub {
namespace {

using Clock = std::chrono::steady_clock;

// librdkafka's own log (broker connections going down and up, retries) into
// the hub's log instead of stderr. Syslog levels; librdkafka's "errors" (3)
// are mostly a broker that is down, which the export's own state already
// says (last error, lag): warnings here.
void log_from_librdkafka(const rd_kafka_t*, int level, const char* facility, const char* text) {
  if (level <= 2) {
    spdlog::error("export kafka: {}: {}", facility, text);
  } else if (level <= 4) {
    spdlog::warn("export kafka: {}: {}", facility, text);
  } else if (level <= 6) {
    spdlog::info("export kafka: {}: {}", facility, text);
  } else {
    spdlog::debug("export kafka: {}: {}", facility, text);
  }
}

class KafkaDestination final : public ExportDestination {
 public:
  explicit KafkaDestination(KafkaOptions options) : options_(std::move(options)) {}
  ~KafkaDestination() override { destroy_producer(); }
  KafkaDestination(const KafkaDestination&) = delete;
  KafkaDestination& operator=(const KafkaDestination&) = delete;

  Status start() {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    std::string servers;
    for (const std::string& server : options_.bootstrap_servers) {
      servers += (servers.empty() ? "" : ",") + server;
    }
    std::vector<std::pair<std::string, std::string>> settings{
        {"bootstrap.servers", servers},
        {"client.id", "edgehub-export"},
        {"enable.idempotence", "true"},
        {"acks", "all"},
        {"message.timeout.ms", std::to_string(options_.ack_timeout_ms)},
        {"linger.ms", "5"},
        {"security.protocol", options_.security_protocol()},
    };
    if (options_.ca_file) settings.emplace_back("ssl.ca.location", *options_.ca_file);
    if (options_.cert_file) {
      settings.emplace_back("ssl.certificate.location", *options_.cert_file);
      settings.emplace_back("ssl.key.location", *options_.key_file);
    }
    if (options_.sasl_mechanism) {
      std::ifstream file(*options_.sasl_password_file);
      std::string password;
      if (!file || !std::getline(file, password)) {
        rd_kafka_conf_destroy(conf);
        return make_error(
            ErrorCode::invalid_argument,
            "kafka options: cannot read sasl_password_file " + *options_.sasl_password_file);
      }
      while (!password.empty() && (password.back() == '\r' || password.back() == ' ')) {
        password.pop_back();
      }
      settings.emplace_back("sasl.mechanisms", *options_.sasl_mechanism);
      settings.emplace_back("sasl.username", *options_.sasl_user);
      settings.emplace_back("sasl.password", password);
    }
    std::array<char, 512> error{};
    for (const auto& [name, value] : settings) {
      if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error.data(), error.size()) !=
          RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(conf);
        return make_error(ErrorCode::invalid_argument,
                          "kafka options: " + name + ": " + std::string(error.data()));
      }
    }
    rd_kafka_conf_set_log_cb(conf, log_from_librdkafka);
    rd_kafka_conf_set_dr_msg_cb(conf, &KafkaDestination::on_delivery);
    rd_kafka_conf_set_opaque(conf, this);
    // rd_kafka_new takes the configuration only when it succeeds.
    producer_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error.data(), error.size());
    if (producer_ == nullptr) {
      rd_kafka_conf_destroy(conf);
      return make_error(ErrorCode::invalid_argument, "kafka: " + std::string(error.data()));
    }
    return ok_status();
  }

  Sent send(std::span<const ExportRecord> records) override {
    if (records.empty()) return {};
    if (producer_ == nullptr) {
      // The previous producer hit a fatal error (an idempotence guarantee it
      // could no longer keep): a new one starts a new producer id.
      if (Status started = start(); !started) return {0, started.error().message};
    }
    batch_first_token_ = next_token_;
    outcomes_.assign(records.size(), Outcome::waiting);
    first_failure_.clear();
    const auto deadline = Clock::now() + std::chrono::milliseconds(options_.ack_timeout_ms);

    std::string produce_error;
    for (const ExportRecord& record : records) {
      if (Status produced = produce(record, deadline); !produced) {
        produce_error = produced.error().message;
        break;
      }
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    rd_kafka_flush(producer_, static_cast<int>(std::max<std::int64_t>(left.count(), 0)) + 1000);
    if (rd_kafka_outq_len(producer_) > 0) {
      rd_kafka_purge(producer_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
      rd_kafka_flush(producer_, 1000);  // serves the purged messages' reports
    }

    Sent sent;
    while (sent.acknowledged < outcomes_.size() &&
           outcomes_[sent.acknowledged] == Outcome::delivered) {
      ++sent.acknowledged;
    }
    if (sent.acknowledged < records.size()) {
      sent.error = "kafka: offset " + std::to_string(records[sent.acknowledged].offset) + ": ";
      if (!first_failure_.empty()) {
        sent.error += first_failure_;
      } else if (!produce_error.empty()) {
        sent.error += produce_error;
      } else {
        sent.error +=
            "no delivery report within " + std::to_string(options_.ack_timeout_ms) + " ms";
      }
    }
    std::array<char, 512> fatal{};
    if (rd_kafka_fatal_error(producer_, fatal.data(), fatal.size()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      sent.error += std::string(sent.error.empty() ? "kafka: " : "; ") +
                    "producer failed, a new one is started: " + fatal.data();
      destroy_producer();
    }
    outcomes_.clear();
    return sent;
  }

  std::string describe() const override {
    std::string text;
    for (const std::string& server : options_.bootstrap_servers) {
      text += (text.empty() ? "" : ",") + server;
    }
    text += " topic " + options_.topic_template + " " + options_.security_protocol();
    if (options_.cert_file) text += " client-certificate";
    if (options_.sasl_mechanism)
      text += " sasl " + *options_.sasl_mechanism + " user " + *options_.sasl_user;
    return text;
  }

 private:
  enum class Outcome { waiting, delivered, failed };

  void destroy_producer() {
    if (producer_ == nullptr) return;
    rd_kafka_purge(producer_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_flush(producer_, 1000);
    rd_kafka_destroy(producer_);
    producer_ = nullptr;
  }

  Status produce(const ExportRecord& record, Clock::time_point deadline) {
    const std::string topic = kafka_topic_for(options_.topic_template, record);
    const std::uintptr_t token = next_token_++;
    while (true) {
      rd_kafka_headers_t* headers = rd_kafka_headers_new(6);
      for (const auto& [name, value] : export_identity_headers(record)) {
        rd_kafka_header_add(headers, name.c_str(), static_cast<ssize_t>(name.size()), value.data(),
                            static_cast<ssize_t>(value.size()));
      }
      // The hub's records outlive the call only until send returns, so
      // librdkafka copies them (RD_KAFKA_MSG_F_COPY).
      const rd_kafka_resp_err_t error = rd_kafka_producev(
          producer_, RD_KAFKA_V_TOPIC(topic.c_str()),
          RD_KAFKA_V_KEY(record.device_id.data(), record.device_id.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(record.payload.data()), record.payload.size()),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(headers),
          RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(token)), RD_KAFKA_V_END);
      if (error == RD_KAFKA_RESP_ERR_NO_ERROR) return ok_status();
      rd_kafka_headers_destroy(headers);  // still ours when producev failed
      if (error != RD_KAFKA_RESP_ERR__QUEUE_FULL || Clock::now() >= deadline) {
        return make_error(ErrorCode::unavailable,
                          "produce to " + topic + ": " + rd_kafka_err2str(error));
      }
      rd_kafka_poll(producer_, 50);  // the local queue is full: let deliveries drain it
    }
  }

  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
    auto* self = static_cast<KafkaDestination*>(opaque);
    const auto token = reinterpret_cast<std::uintptr_t>(message->_private);
    if (token < self->batch_first_token_ ||
        token - self->batch_first_token_ >= self->outcomes_.size()) {
      return;  // a report of an earlier batch, already given up on
    }
    Outcome& outcome = self->outcomes_[token - self->batch_first_token_];
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      outcome = Outcome::delivered;
      return;
    }
    outcome = Outcome::failed;
    if (self->first_failure_.empty()) self->first_failure_ = rd_kafka_err2str(message->err);
  }

  KafkaOptions options_;
  rd_kafka_t* producer_ = nullptr;
  std::uintptr_t next_token_ = 0;
  std::uintptr_t batch_first_token_ = 0;  // the token of the batch's first record
  std::vector<Outcome> outcomes_;         // per record of the batch being sent
  std::string first_failure_;
};

}  // namespace

Result<std::unique_ptr<ExportDestination>> make_kafka_destination(const nlohmann::json& options) {
  auto parsed = parse_kafka_options(options);
  if (!parsed) return parsed.error();
  auto destination = std::make_unique<KafkaDestination>(std::move(parsed).value());
  if (Status started = destination->start(); !started) return started.error();
  return std::unique_ptr<ExportDestination>(std::move(destination));
}

}  // namespace edgehub::hub
