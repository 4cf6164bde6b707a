// libFuzzer target: whatever a broker (or an attacker in its place) sends.
// The input is split into a byte stream for the device and a chunk size; the
// stream goes through the MQTT packet reader, the deserializers, the client's
// dispatch and the hub protocol (command parsing, the JSON scanner) of a
// connected HubClient, twin documents (reported back at once; bit 6 of the
// first byte turns twins off, so that desired also arrives at a client that
// did not subscribe to it) and flow notices included. Each whole packet in
// the input also goes through decode_packet and every deserializer directly.
// Sanitizers turn any read outside a buffer, overflow or undefined behaviour
// into a crash.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "edgehub/device/hub/hub_client.h"
#include "edgehub/device/mqtt/deserializer.h"
#include "edgehub/device/reliability/memory_storage.h"
#include "support/fake_transport.h"

using namespace edgehub::device;

namespace {

void decode_every_way(const std::uint8_t* data, std::size_t size) {
  mqtt::Packet packet;
  std::size_t used = 0;
  while (size > 0 && mqtt::decode_packet(data, size, &packet, &used) == Status::ok) {
    mqtt::Connack connack;
    (void)mqtt::deserialize_connack(packet, &connack);
    mqtt::PublishInfo publish;
    std::uint16_t id = 0;
    (void)mqtt::deserialize_publish(packet, &publish, &id);
    (void)mqtt::deserialize_ack(packet, &id);
    mqtt::Suback suback;
    if (mqtt::deserialize_suback(packet, &suback) == Status::ok) {
      volatile std::uint8_t sink = 0;
      for (std::size_t i = 0; i < suback.return_code_count; ++i)
        sink = sink + suback.return_codes[i];
    }
    (void)mqtt::deserialize_pingresp(packet);
    data += used;
    size -= used;
  }
}

void command_reply(void*, const hub::Command& command, hub::CommandReply& reply) {
  // Echo the payload back when it fits: exercises the response path.
  const std::string_view payload = command.payload();
  if (payload.size() <= reply.capacity) {
    for (std::size_t i = 0; i < payload.size(); ++i) reply.payload[i] = payload[i];
    reply.length = payload.size();
  }
}

hub::HubClient* fuzzed_client = nullptr;

void on_desired(void*, std::uint64_t version, std::string_view desired) {
  (void)fuzzed_client->report_properties(desired, version, nullptr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  decode_every_way(data + 1, size - 1);

  testing::FakeTransport net;
  testing::FakeClock clock;
  net.max_recv_per_call = 1 + data[0] % 64;
  const bool twins = (data[0] & 0x40) == 0;
  std::vector<std::uint8_t> send(512), receive(256), offline_memory(1024);
  std::vector<char> telemetry(128), response(192), report(160);
  reliability::OfflineBuffer offline(
      reliability::memory_storage(offline_memory.data(), offline_memory.size()),
      reliability::OverflowPolicy::drop_oldest);
  (void)offline.open();
  hub::HubClientBuffers buffers;
  buffers.mqtt = {send.data(), send.size(), receive.data(), receive.size()};
  buffers.telemetry = telemetry.data();
  buffers.telemetry_capacity = telemetry.size();
  buffers.response = response.data();
  buffers.response_capacity = response.size();
  buffers.offline = &offline;
  buffers.report = report.data();
  buffers.report_capacity = report.size();
  hub::HubCallbacks callbacks;
  callbacks.on_command = &command_reply;
  if (twins) callbacks.on_desired = &on_desired;
  hub::HubClient client("fuzz-device", net.transport(), clock.clock(), buffers, callbacks);
  fuzzed_client = &client;
  if (client.connect(hub::HubConnectOptions{}) != Status::ok) return 0;
  // A valid CONNACK first, so that everything after it reaches the connected
  // client; then the fuzzer's bytes.
  net.push({0x20, 0x02, 0x00, 0x00});
  net.inbound.insert(net.inbound.end(), data + 1, data + size);
  std::uint64_t seq = 0;
  (void)client.send_telemetry("{\"t\":1}", 1, &seq);
  for (int round = 0; round < 4096 && client.state() != hub::HubState::disconnected; ++round) {
    if (client.process() != Status::ok) break;
    if (round % 8 == 0) (void)client.send_telemetry("{\"t\":2}", 1, &seq);  // paused or not
    clock.advance(100);
    net.outbound.clear();
    if (net.inbound.empty()) break;
  }
  return 0;
}
