// Export benchmark (tests/perf/export.sh; measures, asserts nothing): into
// one R3 JetStream cluster on loopback (tests/support/nats_cluster.h),
//   raw:            a bare libnats JetStream async publisher (js_PublishAsync,
//                   the same window) of the same payload size, no headers, no
//                   message id
//   raw message id: the same, each message with only its Nats-Msg-Id (the
//                   least exactly-once through the duplicate window needs)
//   raw identity:   the same, each message with what the destination sends
//                   (the six Edgehub-* headers and the Nats-Msg-Id), built
//                   before the clock starts
//   export:         the NATS destination (hub/exports/nats_destination.cpp)
//                   sending records built in memory in batches, the way the
//                   export runner does (tests/support: send_like_the_runner)
// alternating for --rounds rounds; each step's figures (messages/s and the
// cluster's CPU per message, all three nodes) are the medians of its rounds.
// The CPU figures say what the engine itself spends on a message with and
// without headers: the ceiling of any publisher that must send them. The
// last line printed is one JSON object.
#include <nats/nats.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "edgehub/test/export_send_loop.h"
#include "edgehub/test/nats_cluster.h"
#include "exports/export_identity_headers.h"
#include "exports/nats_destination.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Settings {
  std::size_t records = 100'000;
  std::size_t payload_bytes = 200;
  std::size_t devices = 10;
  std::size_t batch = 1000;
  int max_pending = 4096;
  int rounds = 3;
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// One step's figures in one round.
struct Measured {
  double per_second = 0;
  double cluster_cpu_us_per_message = 0;  // user + system of the three nodes
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

// What a bare async publisher's messages carry.
enum class Carried { payload_only, message_id, identity };

// Messages per second of a bare async publisher, every PubAck awaited; the
// messages (payload, headers, message id) are built before the clock starts,
// so that the figure is the engine's, without any destination code.
Measured raw_round(const edgehub::test::NatsCluster& cluster, const Settings& settings,
                   int round, Carried carried) {
  natsOptions* options = nullptr;
  natsOptions_Create(&options);
  const std::string url = cluster.url(round % cluster.options().nodes);
  natsOptions_SetURL(options, url.c_str());
  natsConnection* connection = nullptr;
  if (const natsStatus status = natsConnection_Connect(&connection, options); status != NATS_OK) {
    throw std::runtime_error(std::string() + "raw: cannot connect: " + natsStatus_GetText(status));
  }
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.PublishAsync.MaxPending = settings.max_pending;
  js_options.PublishAsync.StallWait = 10000;  // as the destination: wait, do not fail
  jsCtx* js = nullptr;
  natsConnection_JetStream(&js, connection, &js_options);
  const std::string payload(settings.payload_bytes, 'x');
  const char* const kind[] = {"raw", "rawid", "rawidentity"};
  const std::string subject = std::string("edgehub.") + kind[static_cast<int>(carried)] +
                              ".round" + std::to_string(round);
  std::vector<natsMsg*> messages;
  std::vector<std::string> message_ids;
  if (carried != Carried::payload_only) {
    // Each round and kind its own site id: distinct message ids, so that no
    // round is a run of duplicates the stream drops.
    const auto records = edgehub::test::sample_export_records(
        settings.records, settings.devices, settings.payload_bytes,
        std::string(kind[static_cast<int>(carried)]) + std::to_string(round));
    for (const auto& record : records) {
      natsMsg* message = nullptr;
      natsMsg_Create(&message, subject.c_str(), nullptr, record.payload.data(),
                     static_cast<int>(record.payload.size()));
      if (carried == Carried::identity) {
        for (const auto& [name, value] : edgehub::hub::export_identity_headers(record)) {
          natsMsgHeader_Set(message, name.c_str(), value.c_str());
        }
      }
      messages.push_back(message);
      message_ids.push_back(edgehub::hub::export_message_id(record));
    }
  }
  const double cpu_before = cluster.cpu_seconds();
  const auto start = Clock::now();
  for (std::size_t i = 0; i < settings.records; ++i) {
    natsStatus status = NATS_OK;
    if (carried != Carried::payload_only) {
      jsPubOptions publish_options;
      jsPubOptions_Init(&publish_options);
      publish_options.MsgId = message_ids[i].c_str();
      status = js_PublishMsgAsync(js, &messages[i], &publish_options);
    } else {
      status = js_PublishAsync(js, subject.c_str(), payload.data(),
                               static_cast<int>(payload.size()), nullptr);
    }
    if (status != NATS_OK) {
      throw std::runtime_error(std::string() + "raw: publish failed at " + std::to_string(i));
    }
  }
  jsPubOptions wait;
  jsPubOptions_Init(&wait);
  wait.MaxWait = 60'000;
  if (js_PublishAsyncComplete(js, &wait) != NATS_OK) {
    throw std::runtime_error("raw: PubAcks missing");
  }
  const Measured measured{static_cast<double>(settings.records) / seconds_since(start),
                          (cluster.cpu_seconds() - cpu_before) * 1e6 /
                              static_cast<double>(settings.records)};
  jsCtx_Destroy(js);
  natsConnection_Destroy(connection);
  natsOptions_Destroy(options);
  return measured;
}

// Records per second through the destination, every record acknowledged.
Measured export_round(const edgehub::test::NatsCluster& cluster, const Settings& settings,
                      int round) {
  // Each round its own site id: distinct message ids, so that no round is a
  // run of duplicates the stream drops.
  const auto records = edgehub::test::sample_export_records(
      settings.records, settings.devices, settings.payload_bytes, "bench" + std::to_string(round));
  auto destination = edgehub::hub::make_nats_destination(
      {{"url", cluster.urls()}, {"max_pending", settings.max_pending}});
  if (!destination) {
    throw std::runtime_error(std::string() + "export: " + destination.error().message);
  }
  // Connected first (it connects in the background), outside the timing.
  for (int i = 0;
       i < 100 && (*destination)->send(std::span(records).subspan(0, 1)).acknowledged == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  edgehub::test::ExportSendLoopOptions options;
  options.batch = settings.batch;
  const double cpu_before = cluster.cpu_seconds();
  const auto start = Clock::now();
  const auto result =
      edgehub::test::send_like_the_runner(**destination, std::span(records).subspan(1), options);
  const Measured measured{static_cast<double>(result.acknowledged) / seconds_since(start),
                          (cluster.cpu_seconds() - cpu_before) * 1e6 /
                              static_cast<double>(result.acknowledged)};
  if (result.acknowledged != records.size() - 1) {
    throw std::runtime_error("export: only " + std::to_string(result.acknowledged) +
                             " acknowledged");
  }
  return measured;
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const long value = std::strtol(argv[i + 1], nullptr, 10);
    if (name == "--records")
      settings.records = static_cast<std::size_t>(value);
    else if (name == "--payload-bytes")
      settings.payload_bytes = static_cast<std::size_t>(value);
    else if (name == "--batch")
      settings.batch = static_cast<std::size_t>(value);
    else if (name == "--max-pending")
      settings.max_pending = static_cast<int>(value);
    else if (name == "--rounds")
      settings.rounds = static_cast<int>(value);
    else {
      std::cerr << "usage: export_bench [--records N] [--payload-bytes B] [--batch N] "
                   "[--max-pending N] [--rounds N]\n";
      return 2;
    }
  }
  // Failures throw, so that the cluster's destructor stops the nodes and
  // removes their stores.
  try {
    edgehub::test::NatsClusterOptions cluster_options;
    cluster_options.duplicate_window = std::chrono::seconds(120);
    edgehub::test::NatsCluster cluster(cluster_options);
    std::cerr << "cluster " << cluster.urls() << "\n";

    // Per step: raw, raw with the message id, raw with the identity, export.
    const char* const steps[] = {"raw", "raw_message_id", "raw_identity", "export"};
    std::vector<std::vector<Measured>> measured(4);
    for (int round = 0; round < settings.rounds; ++round) {
      // Every other round in reverse order: the stream grows and each
      // message costs a little more round by round; no step is always last.
      for (int i = 0; i < 4; ++i) {
        const int step = round % 2 == 0 ? i : 3 - i;
        measured[step].push_back(step == 3 ? export_round(cluster, settings, round)
                                           : raw_round(cluster, settings, round,
                                                       static_cast<Carried>(step)));
      }
      std::fprintf(stderr, "round %d:", round + 1);
      for (int step = 0; step < 4; ++step) {
        std::fprintf(stderr, " %s %.0f msg/s (cluster %.1f us CPU/msg)%s", steps[step],
                     measured[step].back().per_second,
                     measured[step].back().cluster_cpu_us_per_message, step < 3 ? "," : "\n");
      }
    }
    double rate[4];
    double cpu[4];
    for (int step = 0; step < 4; ++step) {
      std::vector<double> rates;
      std::vector<double> cpus;
      for (const Measured& one : measured[step]) {
        rates.push_back(one.per_second);
        cpus.push_back(one.cluster_cpu_us_per_message);
      }
      rate[step] = median(rates);
      cpu[step] = median(cpus);
    }
    // raw CPU / identity (message id, export) CPU: the rate ratio a publisher
    // of those messages reaches at best while the cluster's CPU is the limit.
    std::printf(
        "{\"records\":%zu,\"payload_bytes\":%zu,\"batch\":%zu,\"max_pending\":%d,\"rounds\":%d,"
        "\"raw_jetstream_msgs_per_s\":%.0f,\"raw_message_id_msgs_per_s\":%.0f,"
        "\"raw_with_identity_msgs_per_s\":%.0f,\"export_nats_records_per_s\":%.0f,"
        "\"ratio\":%.3f,\"ratio_to_raw_with_identity\":%.3f,"
        "\"cluster_cpu_us_per_msg_raw\":%.1f,\"cluster_cpu_us_per_msg_message_id\":%.1f,"
        "\"cluster_cpu_us_per_msg_identity\":%.1f,\"cluster_cpu_us_per_msg_export\":%.1f,"
        "\"identity_cpu_ceiling\":%.3f,\"message_id_cpu_ceiling\":%.3f,"
        "\"export_cpu_ceiling\":%.3f}\n",
        settings.records, settings.payload_bytes, settings.batch, settings.max_pending,
        settings.rounds, rate[0], rate[1], rate[2], rate[3], rate[3] / rate[0], rate[3] / rate[2],
        cpu[0], cpu[1], cpu[2], cpu[3], cpu[0] / cpu[2], cpu[0] / cpu[1], cpu[0] / cpu[3]);
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "export_bench: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
