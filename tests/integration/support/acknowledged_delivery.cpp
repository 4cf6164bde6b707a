#include "support/acknowledged_delivery.h"

#include <doctest/doctest.h>

#include <set>
#include <sstream>
#include <thread>

#include "support/wait_until.h"

namespace edgehub::itest {

std::string DeliveryReport::describe() const {
  std::ostringstream out;
  out << acknowledged << " acknowledged, " << stored << " stored, " << missing << " missing, "
      << duplicates << " stored more than once, " << ack_log_repeats << " repeated acks";
  if (!offset_problem.empty()) out << "; offsets: " << offset_problem;
  for (const auto& example : examples) out << "\n  " << example;
  return out.str();
}

DeliveryReport check_acknowledged_delivery(const HubUnderTest& hub,
                                           const std::filesystem::path& ack_log,
                                           std::chrono::milliseconds drain) {
  DeliveryReport report;
  const std::vector<DeviceSeq> acks = read_ack_log(ack_log);
  const std::set<DeviceSeq> acknowledged(acks.begin(), acks.end());
  report.acknowledged = acknowledged.size();
  report.ack_log_repeats = acks.size() - acknowledged.size();

  std::vector<nlohmann::json> records;
  std::map<DeviceSeq, int> stored;
  wait_until(
      [&] {
        // Reading the whole stream is slow: only once there can be enough.
        if (hub.record_count("telemetry") < acknowledged.size() && records.size() > 0) return false;
        records = hub.read_stream("telemetry");
        stored = records_per_device_seq(records);
        report.missing = 0;
        for (const auto& key : acknowledged) report.missing += stored.count(key) == 0 ? 1 : 0;
        return report.missing == 0;
      },
      drain, std::chrono::milliseconds(250));
  report.stored = stored.size();
  for (const auto& key : acknowledged) {
    if (stored.count(key) == 0 && report.examples.size() < 10) {
      report.examples.push_back("missing: " + key.first + " seq " + std::to_string(key.second));
    }
  }
  for (const auto& [key, count] : stored) {
    if (count <= 1) continue;
    ++report.duplicates;
    if (report.examples.size() < 20) {
      report.examples.push_back("stored " + std::to_string(count) + " times: " + key.first +
                                " seq " + std::to_string(key.second));
    }
  }
  report.offset_problem = offset_gap_problem(records);
  return report;
}

bool wait_until_acknowledgements_stop(const std::filesystem::path& ack_log,
                                      std::chrono::milliseconds quiet,
                                      std::chrono::milliseconds timeout) {
  return wait_until(
      [&] {
        const std::size_t before = read_ack_log(ack_log).size();
        std::this_thread::sleep_for(quiet);
        return read_ack_log(ack_log).size() == before;
      },
      timeout, std::chrono::milliseconds(0));
}

void check_simulator_delivered_everything(const HubUnderTest& hub, Process& simulator,
                                          const std::filesystem::path& ack_log,
                                          std::size_t expected_acks,
                                          std::chrono::milliseconds finish,
                                          std::chrono::milliseconds drain) {
  const auto exit = simulator.wait_for_exit(finish);
  REQUIRE_MESSAGE(exit.has_value(), "firmware-sim did not finish in time");
  CHECK_MESSAGE(exit->exited_with(0), "firmware-sim " << exit->describe());
  const DeliveryReport report = check_acknowledged_delivery(hub, ack_log, drain);
  MESSAGE(report.describe());
  CHECK(report.acknowledged == expected_acks);
  CHECK(report.missing == 0);
  CHECK(report.duplicates == 0);
  CHECK(report.offset_problem == "");
}

}  // namespace edgehub::itest
