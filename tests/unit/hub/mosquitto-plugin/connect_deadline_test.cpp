#include "mosquitto-plugin/connect_deadline.h"

#include <doctest/doctest.h>

using namespace edgehub::hub::mosquitto_auth;
using std::chrono::milliseconds;

namespace {
const SteadyTime kStart{std::chrono::seconds(100)};
}

TEST_CASE("a connection not admitted within the deadline is named once; an admitted one never") {
  ConnectDeadline deadline(milliseconds(10000));
  const ObservedSocket idle{7, 1001};
  const ObservedSocket device{8, 1002};
  CHECK(deadline.observe({idle, device}, kStart).empty());
  deadline.admitted(device.inode, kStart + milliseconds(300));
  CHECK(deadline.observe({idle, device}, kStart + milliseconds(9999)).empty());
  CHECK(deadline.observe({idle, device}, kStart + milliseconds(10000)) ==
        std::vector<ObservedSocket>{idle});
  CHECK(deadline.observe({idle, device}, kStart + milliseconds(11000)).empty());  // once
  CHECK(deadline.observe({device}, kStart + milliseconds(99000)).empty());
  CHECK(deadline.tracked() == 1);
}

TEST_CASE("a socket admitted before any scan saw it is never named") {
  ConnectDeadline deadline(milliseconds(1000));
  deadline.admitted(55, kStart);
  CHECK(deadline.observe({{9, 55}}, kStart + milliseconds(100)).empty());
  CHECK(deadline.observe({{9, 55}}, kStart + milliseconds(5000)).empty());
}

TEST_CASE("a reused descriptor number with a new socket starts a new clock") {
  ConnectDeadline deadline(milliseconds(1000));
  CHECK(deadline.observe({{9, 1}}, kStart).empty());
  // Socket 1 closed; descriptor 9 now holds socket 2.
  CHECK(deadline.observe({{9, 2}}, kStart + milliseconds(900)).empty());
  CHECK(deadline.observe({{9, 2}}, kStart + milliseconds(1800)).empty());
  CHECK(deadline.observe({{9, 2}}, kStart + milliseconds(1900)) ==
        std::vector<ObservedSocket>{{9, 2}});
}

TEST_CASE("the scan interval is a tenth of the deadline within 250 ms .. 1 s") {
  CHECK(ConnectDeadline(milliseconds(10000)).scan_interval() == milliseconds(1000));
  CHECK(ConnectDeadline(milliseconds(60000)).scan_interval() == milliseconds(1000));
  CHECK(ConnectDeadline(milliseconds(5000)).scan_interval() == milliseconds(500));
  CHECK(ConnectDeadline(milliseconds(1000)).scan_interval() == milliseconds(250));
}

TEST_CASE("a costly scan spaces the next one out to a tenth of the time, at most the deadline") {
  const ConnectDeadline deadline(milliseconds(10000));
  CHECK(deadline.next_scan_after(std::chrono::microseconds(500)) == milliseconds(1000));
  CHECK(deadline.next_scan_after(milliseconds(200)) == milliseconds(2000));
  CHECK(deadline.next_scan_after(milliseconds(5000)) == milliseconds(10000));
  const ConnectDeadline short_deadline(milliseconds(100));
  CHECK(short_deadline.next_scan_after(milliseconds(1)) == milliseconds(250));
}
