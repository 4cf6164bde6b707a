#include "hubctl/api_token.h"

#include <doctest/doctest.h>

#include <fstream>

#include "edgehub/test/temp_directory.h"

using namespace edgehub::hubctl;
using edgehub::test::TempDirectory;

namespace {
void write(const std::filesystem::path& path, const std::string& content) {
  std::ofstream(path) << content;
}
}  // namespace

TEST_CASE("--token wins over every other source") {
  ApiTokenSources sources;
  sources.token_option = "from-option";
  sources.token_variable = "from-environment";
  sources.data_directory = "/nonexistent";
  CHECK(resolve_api_token(sources).value() == "from-option");
}

TEST_CASE("--data-dir reads DIR/api-token without its trailing newline") {
  TempDirectory directory;
  write(directory.path() / "api-token", "s3cr3t\n");
  ApiTokenSources sources;
  sources.data_directory = directory.path().string();
  sources.token_variable = "from-environment";  // an explicit --data-dir beats the environment
  CHECK(resolve_api_token(sources).value() == "s3cr3t");
}

TEST_CASE("HUBCTL_TOKEN is used when neither --token nor --data-dir is given") {
  ApiTokenSources sources;
  sources.token_variable = "from-environment";
  CHECK(resolve_api_token(sources).value() == "from-environment");
}

TEST_CASE("a missing token file is reported with its path and what to do") {
  TempDirectory directory;
  ApiTokenSources sources;
  sources.data_directory = (directory.path() / "nope").string();
  const auto token = resolve_api_token(sources);
  REQUIRE_FALSE(token.ok());
  CHECK(token.error().message.find((directory.path() / "nope" / "api-token").string()) !=
        std::string::npos);
  CHECK(token.error().message.find("--token") != std::string::npos);
}

TEST_CASE("an empty token file or empty --token is refused") {
  TempDirectory directory;
  write(directory.path() / "api-token", " \n");
  ApiTokenSources from_file;
  from_file.data_directory = directory.path().string();
  CHECK(resolve_api_token(from_file).error().message.find("is empty") != std::string::npos);
  ApiTokenSources from_option;
  from_option.token_option = "";
  CHECK_FALSE(resolve_api_token(from_option).ok());
}
