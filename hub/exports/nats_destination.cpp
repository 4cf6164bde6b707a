// The libnats glue of the JetStream destination. A batch is published
// asynchronously (at most max_pending in flight), then the send waits for
// every PubAck, at most ack_timeout_ms; what has no answer by then is taken
// back from libnats (js_PublishAsyncGetPendingList) so that no late answer
// can count for a later batch. The runner resends from the first record
// without a PubAck; Nats-Msg-Id makes a resend of a stored record a
// duplicate JetStream drops (and still acknowledges).
#include "exports/nats_destination.h"

#include <nats/nats.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "exports/export_identity_headers.h"
#include "exports/nats_options.h"
#include "exports/nats_subject.h"

namespace edgehub::hub {
namespace {

std::string nats_error_text(natsStatus status) {
  std::string text = natsStatus_GetText(status);
  natsStatus last = NATS_OK;
  const char* detail = nats_GetLastError(&last);
  if (detail != nullptr && *detail != '\0' && text.find(detail) == std::string::npos) {
    text += std::string(": ") + detail;
  }
  return text;
}

const char* connection_status_name(natsConnStatus status) {
  switch (status) {
    case NATS_CONN_STATUS_DISCONNECTED:
      return "disconnected";
    case NATS_CONN_STATUS_CONNECTING:
      return "connecting";
    case NATS_CONN_STATUS_CONNECTED:
      return "connected";
    case NATS_CONN_STATUS_CLOSED:
      return "closed";
    case NATS_CONN_STATUS_RECONNECTING:
      return "reconnecting";
    default:
      return "draining";
  }
}

Result<std::string> read_password_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    return make_error(ErrorCode::invalid_argument,
                      "nats options: cannot read password_file " + path);
  }
  std::string password;
  std::getline(file, password);
  while (!password.empty() && (password.back() == '\r' || password.back() == ' ')) {
    password.pop_back();
  }
  return password;
}

// Connection changes into the hub's log; sends report the state themselves.
void connected_in_background(natsConnection* connection, void*) {
  std::array<char, 256> url{};
  natsConnection_GetConnectedUrl(connection, url.data(), url.size());
  spdlog::info("export nats: connected to {}", url.data());
}
void disconnected(natsConnection* connection, void*) {
  if (natsConnection_IsClosed(connection)) return;  // the destination is going away
  spdlog::warn("export nats: disconnected, libnats reconnects");
}
void reconnected(natsConnection* connection, void*) {
  std::array<char, 256> url{};
  natsConnection_GetConnectedUrl(connection, url.data(), url.size());
  spdlog::info("export nats: reconnected to {}", url.data());
}

class NatsDestination final : public ExportDestination {
 public:
  explicit NatsDestination(NatsOptions options) : options_(std::move(options)) {}

  ~NatsDestination() override {
    if (connection_ != nullptr) natsConnection_Close(connection_);
    if (js_ != nullptr) jsCtx_Destroy(js_);
    if (connection_ != nullptr) natsConnection_Destroy(connection_);
    if (nats_options_ != nullptr) natsOptions_Destroy(nats_options_);
  }
  NatsDestination(const NatsDestination&) = delete;
  NatsDestination& operator=(const NatsDestination&) = delete;

  Status start() {
    natsStatus status = natsOptions_Create(&nats_options_);
    std::vector<const char*> urls;
    for (const std::string& url : options_.urls) urls.push_back(url.c_str());
    if (status == NATS_OK) {
      status = natsOptions_SetServers(nats_options_, urls.data(), static_cast<int>(urls.size()));
    }
    if (status == NATS_OK) status = natsOptions_SetName(nats_options_, "edgehub export");
    // libnats reconnects for ever; the runner's backoff only decides when to
    // try a batch again.
    if (status == NATS_OK) status = natsOptions_SetMaxReconnect(nats_options_, -1);
    if (status == NATS_OK) status = natsOptions_SetReconnectWait(nats_options_, 250);
    if (status == NATS_OK) {
      status = natsOptions_SetTimeout(nats_options_,
                                      std::min<std::int64_t>(options_.ack_timeout_ms, 2000));
    }
    if (status == NATS_OK) {
      status = natsOptions_SetRetryOnFailedConnect(nats_options_, true, connected_in_background,
                                                   nullptr);
    }
    if (status == NATS_OK)
      status = natsOptions_SetDisconnectedCB(nats_options_, disconnected, nullptr);
    if (status == NATS_OK)
      status = natsOptions_SetReconnectedCB(nats_options_, reconnected, nullptr);
    if (status == NATS_OK && options_.tls()) status = natsOptions_SetSecure(nats_options_, true);
    if (status == NATS_OK && options_.ca_file) {
      status = natsOptions_LoadCATrustedCertificates(nats_options_, options_.ca_file->c_str());
    }
    if (status == NATS_OK && options_.cert_file) {
      status = natsOptions_LoadCertificatesChain(nats_options_, options_.cert_file->c_str(),
                                                 options_.key_file->c_str());
    }
    if (status == NATS_OK && options_.credentials_file) {
      status = natsOptions_SetUserCredentialsFromFiles(nats_options_,
                                                       options_.credentials_file->c_str(), nullptr);
    }
    if (status == NATS_OK && options_.user) {
      auto password = read_password_file(*options_.password_file);
      if (!password) return password.error();
      status = natsOptions_SetUserInfo(nats_options_, options_.user->c_str(), password->c_str());
    }
    if (status != NATS_OK) {
      return make_error(ErrorCode::invalid_argument,
                        "nats options: " + nats_error_text(status) + " (" + describe() + ")");
    }

    status = natsConnection_Connect(&connection_, nats_options_);
    if (status != NATS_OK && status != NATS_NOT_YET_CONNECTED) {
      return make_error(ErrorCode::unavailable, "nats: " + nats_error_text(status));
    }
    jsOptions js_options;
    jsOptions_Init(&js_options);
    js_options.Wait = options_.ack_timeout_ms;
    js_options.PublishAsync.MaxPending = options_.max_pending;
    js_options.PublishAsync.StallWait = options_.ack_timeout_ms;
    js_options.PublishAsync.AckHandler = &NatsDestination::on_ack;
    js_options.PublishAsync.AckHandlerClosure = this;
    status = natsConnection_JetStream(&js_, connection_, &js_options);
    if (status != NATS_OK) {
      return make_error(ErrorCode::internal, "nats: JetStream context: " + nats_error_text(status));
    }
    return ok_status();
  }

  Sent send(std::span<const ExportRecord> records) override {
    if (records.empty()) return {};
    const natsConnStatus connection_status = natsConnection_Status(connection_);
    if (connection_status != NATS_CONN_STATUS_CONNECTED) {
      return {0, std::string("nats: not connected (") + connection_status_name(connection_status) +
                     "), libnats keeps reconnecting to " + servers()};
    }
    {
      std::lock_guard lock(mutex_);
      batch_first_token_ = next_token_;
      outcomes_.assign(records.size(), Outcome::waiting);
      first_failure_.clear();
    }
    std::string publish_error;
    for (const ExportRecord& record : records) {
      if (Status published = publish(record); !published) {
        publish_error = published.error().message;
        break;
      }
    }
    std::string wait_error = wait_for_acks();
    std::lock_guard lock(mutex_);
    Sent sent;
    while (sent.acknowledged < outcomes_.size() &&
           outcomes_[sent.acknowledged] == Outcome::acknowledged) {
      ++sent.acknowledged;
    }
    if (sent.acknowledged < records.size()) {
      const Outcome outcome = outcomes_[sent.acknowledged];
      sent.error = "nats: offset " + std::to_string(records[sent.acknowledged].offset) + ": ";
      if (outcome == Outcome::failed && !first_failure_.empty()) {
        sent.error += first_failure_;
      } else if (!publish_error.empty()) {
        sent.error += publish_error;
      } else if (!wait_error.empty()) {
        sent.error += wait_error;
      } else {
        sent.error += "not acknowledged";
      }
    }
    // Anything still registered belongs to this batch and was taken back:
    // forget it so the tokens cannot match again.
    for (auto it = in_flight_.begin(); it != in_flight_.end();) {
      it = it->second >= batch_first_token_ ? in_flight_.erase(it) : std::next(it);
    }
    outcomes_.clear();
    return sent;
  }

  std::string describe() const override {
    std::string text = servers() + " subject " + options_.subject_template;
    if (options_.tls()) text += " tls";
    if (options_.cert_file) text += " client-certificate";
    if (options_.credentials_file) text += " credentials-file";
    if (options_.user) text += " user " + *options_.user;
    return text;
  }

 private:
  enum class Outcome { waiting, acknowledged, failed };

  std::string servers() const {
    std::string text;
    for (const std::string& url : options_.urls) text += (text.empty() ? "" : ",") + url;
    return text;
  }

  Status publish(const ExportRecord& record) {
    const std::string subject = nats_subject_for(options_.subject_template, record);
    natsMsg* message = nullptr;
    natsStatus status = natsMsg_Create(&message, subject.c_str(), nullptr, record.payload.data(),
                                       static_cast<int>(record.payload.size()));
    for (const auto& [name, value] : export_identity_headers(record)) {
      if (status == NATS_OK) status = natsMsgHeader_Set(message, name.c_str(), value.c_str());
    }
    if (status != NATS_OK) {
      natsMsg_Destroy(message);
      return make_error(ErrorCode::internal, "building the message: " + nats_error_text(status));
    }
    const std::string message_id = export_message_id(record);
    jsPubOptions publish_options;
    jsPubOptions_Init(&publish_options);
    publish_options.MsgId = message_id.c_str();
    {
      // Registered first: the PubAck may arrive on libnats' thread before
      // js_PublishMsgAsync returns.
      std::lock_guard lock(mutex_);
      in_flight_[message] = next_token_++;
    }
    natsMsg* registered = message;
    status = js_PublishMsgAsync(js_, &message, &publish_options);
    if (status != NATS_OK) {
      std::lock_guard lock(mutex_);
      in_flight_.erase(registered);
      natsMsg_Destroy(message);  // still ours when the publish failed
      return make_error(ErrorCode::unavailable, "publish: " + nats_error_text(status));
    }
    return ok_status();
  }

  // Waits for every PubAck of the batch; returns why it stopped waiting
  // early ("" when all answered).
  std::string wait_for_acks() {
    jsPubOptions wait_options;
    jsPubOptions_Init(&wait_options);
    wait_options.MaxWait = options_.ack_timeout_ms;
    const natsStatus status = js_PublishAsyncComplete(js_, &wait_options);
    if (status == NATS_OK) return {};
    natsMsgList pending{};
    if (js_PublishAsyncGetPendingList(&pending, js_) == NATS_OK) {
      {
        std::lock_guard lock(mutex_);
        for (int i = 0; i < pending.Count; ++i) in_flight_.erase(pending.Msgs[i]);
      }
      natsMsgList_Destroy(&pending);
    }
    if (status == NATS_TIMEOUT) {
      return "no PubAck within " + std::to_string(options_.ack_timeout_ms) + " ms";
    }
    return "waiting for PubAcks: " + nats_error_text(status);
  }

  static void on_ack(jsCtx*, natsMsg* message, jsPubAck* ack, jsPubAckErr* ack_error,
                     void* closure) {
    auto* self = static_cast<NatsDestination*>(closure);
    {
      std::lock_guard lock(self->mutex_);
      const auto found = self->in_flight_.find(message);
      if (found != self->in_flight_.end()) {
        const std::uint64_t token = found->second;
        self->in_flight_.erase(found);
        if (token >= self->batch_first_token_ &&
            token - self->batch_first_token_ < self->outcomes_.size()) {
          Outcome& outcome = self->outcomes_[token - self->batch_first_token_];
          if (ack != nullptr) {
            outcome = Outcome::acknowledged;
          } else {
            outcome = Outcome::failed;
            if (self->first_failure_.empty() && ack_error != nullptr) {
              self->first_failure_ = ack_error->ErrText != nullptr && *ack_error->ErrText != '\0'
                                         ? std::string(ack_error->ErrText)
                                         : std::string(natsStatus_GetText(ack_error->Err));
            }
          }
        }
      }
    }
    natsMsg_Destroy(message);
  }

  NatsOptions options_;
  natsOptions* nats_options_ = nullptr;
  natsConnection* connection_ = nullptr;
  jsCtx* js_ = nullptr;

  std::mutex mutex_;  // what follows: written by send and by libnats' thread
  std::unordered_map<const natsMsg*, std::uint64_t> in_flight_;  // message -> token
  std::uint64_t next_token_ = 0;
  std::uint64_t batch_first_token_ = 0;  // the token of the batch's first record
  std::vector<Outcome> outcomes_;        // per record of the batch being sent
  std::string first_failure_;
};

}  // namespace

Result<std::unique_ptr<ExportDestination>> make_nats_destination(const nlohmann::json& options) {
  auto parsed = parse_nats_options(options);
  if (!parsed) return parsed.error();
  auto destination = std::make_unique<NatsDestination>(std::move(parsed).value());
  if (Status started = destination->start(); !started) return started.error();
  return std::unique_ptr<ExportDestination>(std::move(destination));
}

}  // namespace edgehub::hub
