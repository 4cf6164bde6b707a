#include "hubctl/hub_url.h"

#include <doctest/doctest.h>

using namespace edgehub::hubctl;

TEST_CASE("an http URL gives the base and the host") {
  auto url = parse_hub_url("http://127.0.0.1:8080/");
  REQUIRE(url.ok());
  CHECK(url->base == "http://127.0.0.1:8080");
  CHECK(url->host == "127.0.0.1");
  CHECK(parse_hub_url("http://localhost").value().host == "localhost");
  CHECK(parse_hub_url("http://[::1]:8080").value().host == "::1");
}

TEST_CASE("https urls are the default kind and keep their scheme") {
  auto url = parse_hub_url("https://hub.example:8443");
  REQUIRE(url.ok());
  CHECK(url->base == "https://hub.example:8443");
  CHECK(url->https);
  CHECK(url->host == "hub.example");
  CHECK_FALSE(parse_hub_url("http://127.0.0.1:8080").value().https);
  CHECK(parse_hub_url(kDefaultHubUrl).value().https);
}

TEST_CASE("other schemes, paths and empty hosts are refused with the expected form") {
  for (const char* bad : {"https://", "https://h/x", "127.0.0.1:8080", "ftp://x", "http://",
                          "http://host:8080/api", "http://:8080"}) {
    CAPTURE(bad);
    const auto url = parse_hub_url(bad);
    REQUIRE_FALSE(url.ok());
    CHECK(url.error().message.find("expected https://host:port") != std::string::npos);
  }
}
