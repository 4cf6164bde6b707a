// ingest_bench: the load tool behind tests/perf/ingest.sh (a benchmark, not a
// test). One subcommand per measurement; each prints its figures and, as its
// last line, one JSON object.
//
//   fill     append N records to a stream of a streams.db (hubd stopped)
//   subscribe  the raw path's plain Paho subscriber (as hubd: client id hubd,
//            QoS 1, persistent session, same TLS), in its own process
//   publish  the publishers alone (raw path)
//   hub      publishers -> mosquitto -> hubd -> telemetry stream; records/s
//            visible through the REST API
//   latency  publishers paced at --rate; device publish -> record visible in
//            the stream (REST tail), p50/p99 in ms
//   replay   read a stream through the REST API (NDJSON pages of 100000, each
//            record taken apart as it arrives); records/s
//   route-eval  the routing engine alone (RouteTable::route), messages/s
//   summary  merge key=value figures into the final JSON line
//
// Publishers are libmosquitto clients, one thread each, as cheap as a device's
// client (device_publisher.h), with the device certificates written by
// `hubctl devices add`, QoS 1, a window of --window unacknowledged publishes
// each. The same publisher code drives the raw and the hub runs; the raw
// path's subscriber is a Paho C++ client like hubd's.
#include <httplib.h>
#include <mqtt/async_client.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "device_publisher.h"
#include "record_line.h"
#include "routing/route_store.h"
#include "routing/route_table.h"
#include "streams/sqlite_stream_store.h"

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// --name value pairs.
struct Arguments {
  std::map<std::string, std::string> values;
  std::string get(const std::string& name, const std::string& fallback = "") const {
    const auto found = values.find(name);
    if (found != values.end()) return found->second;
    if (fallback.empty()) throw std::runtime_error("missing --" + name);
    return fallback;
  }
  long number(const std::string& name, const std::string& fallback = "") const {
    return std::stol(get(name, fallback));
  }
};

Arguments parse(int argc, char** argv, int first) {
  Arguments arguments;
  for (int i = first; i + 1 < argc; i += 2) {
    std::string name = argv[i];
    if (name.rfind("--", 0) != 0) throw std::runtime_error("expected --option, got " + name);
    arguments.values[name.substr(2)] = argv[i + 1];
  }
  return arguments;
}

mqtt::connect_options tls_options(const std::string& ca, const std::string& certificate,
                                  const std::string& key, bool clean_session) {
  auto ssl = mqtt::ssl_options_builder()
                 .trust_store(ca)
                 .key_store(certificate)
                 .private_key(key)
                 .enable_server_cert_auth(true)
                 .finalize();
  return mqtt::connect_options_builder()
      .mqtt_version(MQTTVERSION_3_1_1)
      .clean_session(clean_session)
      .keep_alive_interval(std::chrono::seconds(30))
      .connect_timeout(std::chrono::seconds(10))
      .max_inflight(1000)
      .ssl(std::move(ssl))
      .finalize();
}

std::string uri(const Arguments& arguments) { return "ssl://127.0.0.1:" + arguments.get("port"); }

// The simulated devices, one DevicePublisher (libmosquitto) each, with the
// certificates `hubctl devices add` wrote to --devices-dir.
struct Fleet {
  std::vector<std::unique_ptr<edgehub::bench::DevicePublisher>> publishers;
  explicit Fleet(const Arguments& arguments) {
    const long devices = arguments.number("devices", "4");
    const std::string dir = arguments.get("devices-dir");
    for (long i = 0; i < devices; ++i) {
      edgehub::bench::DevicePublisherSettings settings;
      settings.device_id = arguments.get("device-prefix", "bench-") + std::to_string(i);
      settings.port = static_cast<int>(arguments.number("port"));
      settings.ca_file = arguments.get("ca");
      settings.certificate_file = dir + "/" + settings.device_id + ".pem";
      settings.key_file = dir + "/" + settings.device_id + ".key";
      settings.window = arguments.number("window", "100");
      publishers.push_back(std::make_unique<edgehub::bench::DevicePublisher>(settings));
    }
    threads_wanted =
        static_cast<std::size_t>(std::max(1L, arguments.number("publisher-threads", "4")));
  }
  // All publishers at once, spread over --publisher-threads threads (default:
  // one per device up to 4), each serving its devices with one poll();
  // returns when every publish is acknowledged. Sequence numbers start at the
  // current time in us, so that each round's messages are new to the hub.
  std::size_t threads_wanted = 4;
  void publish(long per_device, double total_rate) {
    const std::uint64_t first_seq = static_cast<std::uint64_t>(now_us());
    const std::size_t thread_count = std::min(threads_wanted, publishers.size());
    std::vector<std::vector<edgehub::bench::DevicePublisher*>> groups(thread_count);
    for (std::size_t i = 0; i < publishers.size(); ++i) {
      groups[i % thread_count].push_back(publishers[i].get());
    }
    std::vector<std::thread> threads;
    std::vector<std::exception_ptr> failures(thread_count);
    const double rate = total_rate > 0 ? total_rate / static_cast<double>(publishers.size()) : 0;
    for (std::size_t t = 0; t < thread_count; ++t) {
      threads.emplace_back([&, t] {
        try {
          edgehub::bench::DevicePublisher::run_group(groups[t], per_device, rate, first_seq);
        } catch (...) {
          failures[t] = std::current_exception();
        }
      });
    }
    for (auto& thread : threads) thread.join();
    for (const auto& failure : failures) {
      if (failure) std::rethrow_exception(failure);
    }
  }
};

httplib::Client rest_client(const Arguments& arguments) {
  httplib::Client client("127.0.0.1", static_cast<int>(arguments.number("http-port")));
  client.set_bearer_token_auth(arguments.get("token"));
  client.set_keep_alive(true);
  client.set_read_timeout(60, 0);
  return client;
}

std::uint64_t record_count(httplib::Client& client, const std::string& stream) {
  auto answer = client.Get("/api/v1/streams");
  if (!answer || answer->status != 200) throw std::runtime_error("GET /api/v1/streams failed");
  const json listed = json::parse(answer->body);
  for (const auto& info : listed["streams"]) {
    if (info["name"] == stream) return info["next_offset"].get<std::uint64_t>();
  }
  return 0;
}

int fill(const Arguments& arguments) {
  auto store = edgehub::hub::SqliteStreamStore::open(arguments.get("streams-db"));
  const long count = arguments.number("count", "1000000");
  const std::string stream = arguments.get("stream", "replay");
  const auto start = Clock::now();
  const long batch_size = arguments.number("batch", "10000");
  std::vector<edgehub::hub::NewRecord> batch;
  for (long done = 0; done < count;) {
    batch.clear();
    for (long i = 0; i < batch_size && done < count; ++i, ++done) {
      edgehub::hub::NewRecord record;
      record.stream = stream;
      record.received_at_ms = now_us() / 1000;
      record.device_id = "replay-device";
      record.seq = static_cast<std::uint64_t>(done);
      record.topic = "devices/replay-device/telemetry";
      record.payload = "{\"temperature\":21.5,\"i\":" + std::to_string(done) + "}";
      batch.push_back(std::move(record));
    }
    auto appended = store->append_batch(batch);
    if (!appended) throw std::runtime_error("fill: " + appended.error().message);
  }
  const double elapsed = seconds_since(start);
  std::cout << "fill: " << count << " records in " << elapsed
            << " s = " << static_cast<long>(static_cast<double>(count) / elapsed) << " records/s, "
            << batch_size << " per transaction\n"
            << json{{"fill_records", count}, {"fill_s", elapsed}}.dump() << "\n";
  return 0;
}

// CPU time (user + system, all threads) this process has used so far.
double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// The raw path's subscriber, in its own process like hubd: prints "subscribed"
// once it is, then counts until --expect messages arrived (or --idle-s of
// silence) and reports the system time of the last arrival.
double percentile(std::vector<double>& values, double p) {
  if (values.empty()) return -1;
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
  return values[index];
}

int subscribe(const Arguments& arguments) {
  std::atomic<long> received{0};
  std::atomic<std::int64_t> last_arrival_us{0};
  mqtt::async_client subscriber(uri(arguments), "hubd",
                                static_cast<mqtt::iclient_persistence*>(nullptr));
  // With --latency-warmup-ms W: publish -> arrival of each message sent W ms
  // or more after the first one (its "sent_us"): the raw path's latency at
  // the publishers' --rate, measured like the hub's (after a warm-up).
  const std::int64_t latency_warmup_us = arguments.number("latency-warmup-ms", "-1") * 1000;
  const bool measure_latency = latency_warmup_us >= 0;
  std::int64_t latency_from_us = 0;  // set from the first message
  std::vector<double> latencies_ms;
  std::mutex latencies_mutex;
  subscriber.set_message_callback([&](mqtt::const_message_ptr message) {
    const std::int64_t arrived_us = now_us();
    last_arrival_us = arrived_us;
    ++received;
    if (!measure_latency) return;
    const std::string& payload = message->get_payload_str();
    const std::size_t at = payload.find("\"sent_us\":");
    if (at == std::string::npos) return;
    const std::int64_t sent_us = std::strtoll(payload.c_str() + at + 10, nullptr, 10);
    std::lock_guard lock(latencies_mutex);
    if (latency_from_us == 0) latency_from_us = sent_us + latency_warmup_us;
    if (sent_us < latency_from_us) return;
    latencies_ms.push_back(static_cast<double>(arrived_us - sent_us) / 1000.0);
  });
  subscriber
      .connect(tls_options(arguments.get("ca"), arguments.get("service-cert"),
                           arguments.get("service-key"), false))
      ->wait();
  subscriber.subscribe("devices/+/telemetry", 1)->wait();
  std::cout << "subscribed" << std::endl;
  const long expect = arguments.number("expect");
  const auto idle = std::chrono::seconds(arguments.number("idle-s", "30"));
  long seen = 0;
  auto last_progress = Clock::now();
  while (received < expect && Clock::now() - last_progress < idle) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (received != seen) {
      seen = received;
      last_progress = Clock::now();
    }
  }
  subscriber.disconnect()->wait();
  // Leave no session behind: what it still holds would reach hubd later and
  // be counted in the hub run.
  subscriber
      .connect(tls_options(arguments.get("ca"), arguments.get("service-cert"),
                           arguments.get("service-key"), true))
      ->wait();
  subscriber.disconnect()->wait();
  std::lock_guard lock(latencies_mutex);
  const double p50 = percentile(latencies_ms, 0.50);
  const double p99 = percentile(latencies_ms, 0.99);
  std::cout << "subscriber: " << received << "/" << expect << " messages";
  if (measure_latency) {
    std::cout << "; publish -> arrival p50 " << p50 << " ms, p99 " << p99 << " ms ("
              << latencies_ms.size() << " messages)";
  }
  std::cout << "\n"
            << json{{"raw_received", received.load()},
                    {"raw_p50_ms", p50},
                    {"raw_p99_ms", p99},
                    {"last_arrival_us", last_arrival_us.load()},
                    {"cpu_s", process_cpu_seconds()}}
                   .dump()
            << std::endl;
  return received >= expect ? 0 : 1;
}

// Publishers only (the raw path): reports the system time they started.
int publish(const Arguments& arguments) {
  Fleet fleet(arguments);
  const long per_device = arguments.number("messages", "20000");
  const std::int64_t start_us = now_us();
  fleet.publish(per_device, static_cast<double>(arguments.number("rate", "0")));
  const double elapsed = static_cast<double>(now_us() - start_us) / 1e6;
  const long total = per_device * static_cast<long>(fleet.publishers.size());
  std::cout
      << "publishers: " << total << " messages acknowledged by the broker in " << elapsed << " s\n"
      << json{{"published", total}, {"start_us", start_us}, {"cpu_s", process_cpu_seconds()}}.dump()
      << std::endl;
  return 0;
}

int hub(const Arguments& arguments) {
  httplib::Client rest = rest_client(arguments);
  const std::uint64_t before = record_count(rest, "telemetry");
  Fleet fleet(arguments);
  const long per_device = arguments.number("messages", "20000");
  const long total = per_device * static_cast<long>(fleet.publishers.size());
  const auto start = Clock::now();
  double acknowledged_s = 0;  // when the broker had acknowledged every publish
  std::thread publishing([&] {
    fleet.publish(per_device, 0);
    acknowledged_s = seconds_since(start);
  });
  std::uint64_t stored = 0;
  while (seconds_since(start) < 120) {
    stored = record_count(rest, "telemetry") - before;
    if (stored >= static_cast<std::uint64_t>(total)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const double elapsed = seconds_since(start);
  publishing.join();
  const double rate = static_cast<double>(stored) / elapsed;
  std::cout << "hub: " << stored << "/" << total << " records persisted in " << elapsed
            << " s = " << static_cast<long>(rate) << " records/s; every publish acknowledged after "
            << acknowledged_s << " s\n"
            << json{{"hub_msgs_per_s", rate},
                    {"stored_s", elapsed},
                    {"acknowledged_s", acknowledged_s},
                    {"hub_persisted", stored},
                    {"hub_sent", total},
                    // the publishers' CPU, and the REST polling of the record count (10 ms)
                    {"cpu_s", process_cpu_seconds()}}
                   .dump()
            << "\n";
  return stored == static_cast<std::uint64_t>(total) ? 0 : 1;
}

// Publish -> visible in the stream, paced to --rate. The first --warmup-s
// seconds of sends are measured apart: the first messages of freshly
// connected publishers take up to about 100 ms to reach the hub (seen with
// hubd's arrival times; the backlog clears within about 200 ms), which would
// otherwise be the p99 of a 5 s run.
int latency(const Arguments& arguments) {
  httplib::Client rest = rest_client(arguments);
  std::uint64_t next = record_count(rest, "telemetry");
  Fleet fleet(arguments);
  const double rate = static_cast<double>(arguments.number("rate"));
  const double seconds = static_cast<double>(arguments.number("seconds", "5"));
  const double warmup = static_cast<double>(arguments.number("warmup-s", "1"));
  const long per_device = std::max(
      1L,
      static_cast<long>(rate * (warmup + seconds) / static_cast<double>(fleet.publishers.size())));
  const long total = per_device * static_cast<long>(fleet.publishers.size());
  const std::int64_t first_send_us = now_us();
  const std::int64_t measured_from_us = first_send_us + static_cast<std::int64_t>(warmup * 1e6);
  std::thread publisher([&] { fleet.publish(per_device, rate); });
  std::vector<double> latencies_ms;
  std::vector<double> warmup_ms;
  std::vector<double> to_broker_ms;
  std::vector<double> after_broker_ms;
  const auto start = Clock::now();
  while (static_cast<long>(latencies_ms.size() + warmup_ms.size()) < total &&
         seconds_since(start) < warmup + seconds + 60) {
    // A long poll, as a live consumer reads: hubd answers as soon as a
    // commit makes records readable (polling in a loop instead cost both
    // sides CPU the pipeline under test then lacked).
    auto answer = rest.Get("/api/v1/streams/telemetry/records?from=" + std::to_string(next) +
                           "&limit=10000&wait_ms=1000");
    const std::int64_t seen_us = now_us();
    if (!answer || answer->status != 200) throw std::runtime_error("tail read failed");
    const json page = json::parse(answer->body);
    for (const auto& record : page["records"]) {
      const auto& data = record["payload"];
      if (data.is_object() && data.contains("sent_us")) {
        const auto sent_us = data["sent_us"].get<std::int64_t>();
        const double ms = static_cast<double>(seen_us - sent_us) / 1000.0;
        (sent_us < measured_from_us ? warmup_ms : latencies_ms).push_back(ms);
        if (sent_us >= measured_from_us) {
          // The broker's receive time (the plugin's clock, whole ms) splits
          // the path: publisher -> broker, broker -> readable.
          const auto received_us = record["received_at_ms"].get<std::int64_t>() * 1000;
          to_broker_ms.push_back(static_cast<double>(received_us - sent_us) / 1000.0);
          after_broker_ms.push_back(static_cast<double>(seen_us - received_us) / 1000.0);
        }
      }
    }
    next = page["next_offset"].get<std::uint64_t>();
  }
  publisher.join();
  const std::size_t seen = latencies_ms.size() + warmup_ms.size();
  const double p50 = percentile(latencies_ms, 0.50);
  const double p99 = percentile(latencies_ms, 0.99);
  const double warmup_p99 = percentile(warmup_ms, 0.99);
  const double warmup_max = warmup_ms.empty() ? -1 : warmup_ms.back();  // sorted by percentile()
  std::cout << "latency at " << rate << " msg/s: " << seen << "/" << total
            << " records seen; publish -> visible in the stream, after the first " << warmup
            << " s: p50 " << p50 << " ms, p99 " << p99 << " ms; first " << warmup << " s: p99 "
            << warmup_p99 << " ms, max " << warmup_max << " ms; publish -> broker p99 "
            << percentile(to_broker_ms, 0.99) << " ms, broker -> visible p99 "
            << percentile(after_broker_ms, 0.99) << " ms\n"
            << json{{"latency_rate", rate},
                    {"to_broker_p99_ms", percentile(to_broker_ms, 0.99)},
                    {"after_broker_p99_ms", percentile(after_broker_ms, 0.99)},
                    {"warmup_p99_ms", warmup_p99},
                    {"warmup_max_ms", warmup_max},
                    {"p50_ms", p50},
                    {"p99_ms", p99},
                    {"latency_records", seen}}
                   .dump()
            << "\n";
  return static_cast<long>(seen) == total ? 0 : 1;
}

// The consumer's checks: every record once, offsets contiguous from 0.
struct ReplayTally {
  long records = 0;
  std::uint64_t expected_offset = 0;
  std::uint64_t payload_bytes = 0;  // what the consumer handed on, so that nothing is skipped
  std::uint64_t seq_sum = 0;
  std::int64_t last_received_at_ms = 0;

  void take(std::uint64_t offset, const std::string& device, std::optional<std::uint64_t> seq,
            std::int64_t received_at_ms, std::string_view payload) {
    if (offset != expected_offset) {
      throw std::runtime_error("replay: offset " + std::to_string(offset) + " where " +
                               std::to_string(expected_offset) + " was expected");
    }
    if (device.empty() || payload.empty()) throw std::runtime_error("replay: empty record");
    ++expected_offset;
    ++records;
    payload_bytes += payload.size();
    seq_sum += seq.value_or(0);
    last_received_at_ms = received_at_ms;
  }
};

// One NDJSON page (GET ...?format=ndjson), parsed line by line as it arrives;
// returns the next offset from its last line.
std::uint64_t replay_ndjson_page(httplib::Client& rest, const std::string& path, ReplayTally& tally,
                                 bool parse_records) {
  std::string pending;  // an incomplete line carried to the next chunk
  std::string key;
  edgehub::bench::RecordLine line;
  std::optional<std::uint64_t> next_offset;
  std::string error_body;
  int status = 0;
  const auto take_line = [&](std::string_view text) {
    if (!parse_records) {  // transfer alone: lines counted, not parsed
      if (text.starts_with("{\"next_offset\":")) {
        next_offset = std::stoull(std::string(text.substr(15)));
      } else if (text.starts_with("{\"offset\":")) {
        ++tally.records;
        ++tally.expected_offset;
      } else {
        throw std::runtime_error("replay: unexpected line " + std::string(text));
      }
      return;
    }
    edgehub::bench::parse_record_line(text, line, key);
    if (line.has_offset) {
      tally.take(line.offset, line.device, line.seq, line.received_at_ms, line.payload);
    } else if (line.next_offset) {
      next_offset = line.next_offset;
    } else {
      throw std::runtime_error("replay: stream ended with " + std::string(text));
    }
  };
  auto answer = rest.Get(
      path, httplib::Headers{},
      [&](const httplib::Response& response) {
        status = response.status;
        return true;
      },
      [&](const char* data, std::size_t size) {
        if (status != 200) {
          error_body.append(data, size);
          return true;
        }
        std::string_view chunk(data, size);
        if (!pending.empty()) {
          const auto newline = chunk.find('\n');
          if (newline == std::string_view::npos) {
            pending.append(chunk);
            return true;
          }
          pending.append(chunk.substr(0, newline));
          take_line(pending);
          pending.clear();
          chunk.remove_prefix(newline + 1);
        }
        for (auto newline = chunk.find('\n'); newline != std::string_view::npos;
             newline = chunk.find('\n')) {
          take_line(chunk.substr(0, newline));
          chunk.remove_prefix(newline + 1);
        }
        pending.assign(chunk);
        return true;
      });
  if (!answer || status != 200) {
    throw std::runtime_error("replay read failed: " + std::to_string(status) + " " + error_body);
  }
  if (!pending.empty() || !next_offset) throw std::runtime_error("replay: truncated answer");
  return *next_offset;
}

// One page of the JSON object (the default format), parsed with nlohmann.
std::uint64_t replay_json_page(httplib::Client& rest, const std::string& path, ReplayTally& tally) {
  auto answer = rest.Get(path);
  if (!answer || answer->status != 200) throw std::runtime_error("replay read failed");
  const json page = json::parse(answer->body);
  for (const auto& record : page["records"]) {
    tally.take(
        record["offset"].get<std::uint64_t>(), record["device"].get<std::string>(),
        record["seq"].is_null() ? std::nullopt : std::optional(record["seq"].get<std::uint64_t>()),
        record["received_at_ms"].get<std::int64_t>(), record["payload"].dump());
  }
  return page["next_offset"].get<std::uint64_t>();
}

// Reads the stream from offset 0 in pages of --page records, as NDJSON
// (default, each line taken apart by record_line.h) or as the JSON object
// (--format json); --parse 0 only counts lines (transfer alone).
int replay(const Arguments& arguments) {
  httplib::Client rest = rest_client(arguments);
  const std::string stream = arguments.get("stream", "replay");
  const long count = arguments.number("count", "1000000");
  const bool parse_records = arguments.number("parse", "1") != 0;
  const std::string format = arguments.get("format", "ndjson");
  const long page = arguments.number("page", format == "ndjson" ? "100000" : "10000");
  ReplayTally tally;
  std::uint64_t next = 0;
  const auto start = Clock::now();
  while (tally.records < count) {
    const std::string path = "/api/v1/streams/" + stream + "/records?from=" + std::to_string(next) +
                             "&limit=" + std::to_string(page) + "&format=" + format;
    const std::uint64_t following = format == "ndjson"
                                        ? replay_ndjson_page(rest, path, tally, parse_records)
                                        : replay_json_page(rest, path, tally);
    if (following == next) break;
    if (following != tally.expected_offset) {
      throw std::runtime_error("replay: next_offset " + std::to_string(following) + " after " +
                               std::to_string(tally.records) + " records");
    }
    next = following;
  }
  const double elapsed = seconds_since(start);
  const long read = tally.records;
  const double rate = static_cast<double>(read) / elapsed;
  std::cout << "replay (" << format << ", pages of " << page
            << (parse_records ? "" : ", not parsed") << "): " << read << " records in " << elapsed
            << " s = " << static_cast<long>(rate) << " records/s; " << tally.payload_bytes
            << " payload bytes\n"
            << json{{"replay_records_per_s", rate}, {"replay_records", read}}.dump() << "\n";
  return read == count ? 0 : 1;
}

// The routing engine alone: evaluations of one route per second (no store).
int route_eval(const Arguments& arguments) {
  auto store = edgehub::hub::make_memory_route_store();
  edgehub::hub::RouteTable table(
      *store, [](std::string_view) { return std::string(R"js({"room":"cellar"})js"); });
  auto added = table.add(edgehub::hub::RouteDefinition{
      "bench", arguments.get("condition", "$.temperature > 30 AND device LIKE 'boiler-%'"),
      arguments.get("projection", "json_object('t', $.temperature, 'room', attributes.$.room)"),
      "bench-out", 0});
  if (!added) throw std::runtime_error(added.error().message);
  const long count = arguments.number("count", "200000");
  const std::string data = R"js({"temperature":31.5,"sent_us":1732631234000123})js";
  long matched = 0;
  const auto start = Clock::now();
  for (long i = 0; i < count; ++i) {
    auto outcome = table.route(
        edgehub::hub::RouteMessage{"boiler-1", static_cast<std::uint64_t>(i), 0, data, "{}"});
    matched += static_cast<long>(outcome.copies.size());
  }
  const double elapsed = seconds_since(start);
  std::cout << "route-eval: " << count << " messages (" << matched << " matched) in " << elapsed
            << " s = " << static_cast<long>(static_cast<double>(count) / elapsed) << " messages/s, "
            << elapsed / static_cast<double>(count) * 1e6 << " us each\n"
            << json{{"route_evals_per_s", static_cast<double>(count) / elapsed}}.dump() << "\n";
  return 0;
}

int summary(int argc, char** argv) {
  json result = json::object();
  for (int i = 2; i < argc; ++i) {
    const std::string pair = argv[i];
    const auto equals = pair.find('=');
    if (equals == std::string::npos) continue;
    const std::string value = pair.substr(equals + 1);
    if (value.find(',') == std::string::npos) {
      result[pair.substr(0, equals)] = std::stod(value);
      continue;
    }
    json list = json::array();  // per-round figures: a,b,c
    for (std::size_t at = 0; at <= value.size();) {
      const std::size_t comma = std::min(value.find(',', at), value.size());
      list.push_back(std::stod(value.substr(at, comma - at)));
      at = comma + 1;
    }
    result[pair.substr(0, equals)] = list;
  }
  if (result.contains("raw_messages") && result.contains("raw_elapsed_us")) {
    result["raw_msgs_per_s"] =
        result["raw_messages"].get<double>() / (result["raw_elapsed_us"].get<double>() / 1e6);
    result.erase("raw_messages");
    result.erase("raw_elapsed_us");
  }
  if (result.contains("hub_msgs_per_s") && result.contains("raw_msgs_per_s")) {
    result["ratio"] =
        result["hub_msgs_per_s"].get<double>() / result["raw_msgs_per_s"].get<double>();
  }
  std::cout << result.dump() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: ingest_bench fill|subscribe|publish|hub|latency|replay|summary --option "
                 "value ...\n";
    return 2;
  }
  const std::string command = argv[1];
  try {
    if (command == "summary") return summary(argc, argv);
    const Arguments arguments = parse(argc, argv, 2);
    if (command == "fill") return fill(arguments);
    if (command == "subscribe") return subscribe(arguments);
    if (command == "publish") return publish(arguments);
    if (command == "hub") return hub(arguments);
    if (command == "latency") return latency(arguments);
    if (command == "replay") return replay(arguments);
    if (command == "route-eval") return route_eval(arguments);
  } catch (const std::exception& failure) {
    std::cerr << "ingest_bench " << command << ": " << failure.what() << "\n";
    return 1;
  }
  std::cerr << "ingest_bench: unknown command " << command << "\n";
  return 2;
}
