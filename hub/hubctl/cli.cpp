#include "hubctl/cli.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>

#include "hubctl/api_token.h"
#include "hubctl/command_failure.h"
#include "hubctl/commands.h"
#include "hubctl/commands_cli.h"
#include "hubctl/device_files.h"
#include "hubctl/exports_cli.h"
#include "hubctl/hub_ca.h"
#include "hubctl/hub_url.h"
#include "hubctl/identity_cli.h"
#include "hubctl/operators_cli.h"
#include "hubctl/streams_cli.h"
#include "hubctl/twin_cli.h"

namespace edgehub::hubctl {
namespace {

struct GlobalOptions {
  std::string hub_url;
  std::string token;
  std::string data_directory;
  std::string ca_file;
  bool json = false;
  double http_timeout_seconds = 10;
};

struct ParsedCommandLine {
  GlobalOptions global;
  DevicesAddOptions devices_add;
  DevicesListOptions devices_list;
  std::string device_to_remove;
  SendOptions send;
  std::string send_payload;
  StreamsReadOptions streams_read;
  RoutesAddOptions routes_add;
  std::string route_to_remove;
  RoutesTestOptions routes_test;
  std::string route_projection;
  std::string route_test_name;
  std::string route_test_condition;
};

// The CLI11 description of hubctl, filled into parsed.
struct CommandLine {
  explicit CommandLine(ParsedCommandLine& parsed);
  void add_routes_commands(ParsedCommandLine& parsed);

  CLI::App app{"hubctl: operate an edgehub hub through its REST API", "hubctl"};
  CLI::Option* token = nullptr;
  CLI::Option* data_directory = nullptr;
  CLI::Option* ca_file = nullptr;
  CLI::Option* payload = nullptr;
  CLI::App* devices_add = nullptr;
  CLI::App* devices_list = nullptr;
  CLI::App* devices_remove = nullptr;
  CLI::App* send = nullptr;
  std::unique_ptr<StreamsCommandLine> streams_commands;
  std::unique_ptr<CommandsCommandLine> commands_commands;
  std::unique_ptr<TwinCommandLine> twin_commands;
  std::unique_ptr<IdentityCommandLine> identity_commands;
  std::unique_ptr<OperatorsCommandLine> operators_commands;
  std::unique_ptr<ExportsCommandLine> exports_commands;
  CLI::App* routes_add = nullptr;
  CLI::App* routes_list = nullptr;
  CLI::App* routes_remove = nullptr;
  CLI::App* routes_test = nullptr;
  CLI::Option* route_projection = nullptr;
  CLI::Option* route_test_projection = nullptr;
  CLI::Option* route_test_name = nullptr;
  CLI::Option* route_test_condition = nullptr;
};

CommandLine::CommandLine(ParsedCommandLine& parsed) {
  GlobalOptions& global = parsed.global;
  app.fallthrough();  // global options may follow the command
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("hubctl ") + EDGEHUB_VERSION,
                       "Print the version and exit");
  app.footer(exit_codes_help() +
             "\nEnvironment: HUBCTL_URL (default for --hub), HUBCTL_TOKEN (API token when"
             " neither --token\nnor --data-dir is given), HUBCTL_CA (default for --ca-file)\n"
             "\nThe hub serves HTTPS: hubctl checks that its certificate comes from the CA\n"
             "(--ca-file; else the hub's own DIR/pki/ca.pem of --data-dir or ./hub-data) and\n"
             "names the --hub host. http:// only for a hub started with --http-plain.\n");
  app.add_option("--hub", global.hub_url,
                 std::string("hub REST API URL (default ") + kDefaultHubUrl + ", env HUBCTL_URL)");
  token = app.add_option("--token", global.token, "API token (env HUBCTL_TOKEN)");
  data_directory = app.add_option("--data-dir", global.data_directory,
                                  "hubd's data directory: the token is read from DIR/api-token"
                                  " (default ./hub-data)");
  token->excludes(data_directory);
  ca_file = app.add_option("--ca-file", global.ca_file,
                           "CA certificate (PEM) the hub's HTTPS certificate must come from "
                           "(env HUBCTL_CA; default: DIR/pki/ca.pem of --data-dir or ./hub-data "
                           "if present, else the system's CAs)");
  app.add_flag("--json", global.json, "print the API's JSON instead of text");
  app.add_option("--timeout", global.http_timeout_seconds,
                 "seconds to wait for the hub's HTTP answer (default 10; send waits longer)")
      ->check(CLI::PositiveNumber);

  CLI::App* devices = app.add_subcommand(
      "devices", "register, list, remove, disable and enable devices; their certificates");
  devices->require_subcommand(1);
  devices_add = devices->add_subcommand(
      "add", "register a device and write its certificate, key and the hub CA to --out");
  devices_add->add_option("id", parsed.devices_add.id, "device id")->required();
  parsed.devices_add.directory = kDefaultDeviceDirectory;
  devices_add->add_option("--out", parsed.devices_add.directory,
                          "directory for <id>.pem, <id>.key (mode 0600) and ca.pem"
                          " (default ./devices)");
  devices_add->add_option("--attr", parsed.devices_add.attributes,
                          "attribute key=value (repeatable)");
  devices_add->add_option("--hub-address", parsed.devices_add.hub_address,
                          "HOST[:PORT] the device connects to (a name in the broker's "
                          "certificate; port default 8883): written to <out>/hub.conf");
  devices_list = devices->add_subcommand(
      "list", "list registered devices in id order (every page, or one with --limit)");
  devices_list
      ->add_option("--limit", parsed.devices_list.limit,
                   "one page of at most N devices (1-5000); without it every device is listed, "
                   "page after page")
      ->check(CLI::Range(1, 5000));
  devices_list->add_option("--after", parsed.devices_list.after,
                           "start after this device id (a page's last one)");
  devices_list
      ->add_option("--state", parsed.devices_list.state,
                   "only connected (enabled, connected now), offline (enabled, not connected) "
                   "or disabled devices")
      ->check(CLI::IsMember({"connected", "offline", "disabled"}));
  devices_remove = devices->add_subcommand("remove", "remove a device (disconnects it at once)");
  devices_remove->add_option("id", parsed.device_to_remove, "device id")->required();
  identity_commands = std::make_unique<IdentityCommandLine>(app, *devices);

  send = app.add_subcommand("send", "send a command to a device and wait for its answer");
  send->add_option("id", parsed.send.id, "device id")->required();
  send->add_option("command", parsed.send.command, "command name, e.g. ping")->required();
  payload = send->add_option("--payload", parsed.send_payload, "command payload as JSON");
  send->add_option("--timeout", parsed.send.timeout_seconds,
                   "seconds to wait for the device (default 10, at most 300)");
  commands_commands = std::make_unique<CommandsCommandLine>(app, *send, parsed.send);
  twin_commands = std::make_unique<TwinCommandLine>(app);

  CLI::App* streams = app.add_subcommand(
      "streams", "list, create, configure, read and tail streams; consumer group commits");
  streams->require_subcommand(1);
  streams_commands = std::make_unique<StreamsCommandLine>(*streams);
  add_routes_commands(parsed);
  operators_commands = std::make_unique<OperatorsCommandLine>(app);
  exports_commands = std::make_unique<ExportsCommandLine>(app);
}

void CommandLine::add_routes_commands(ParsedCommandLine& parsed) {
  CLI::App* routes =
      app.add_subcommand("routes", "copy telemetry matching a SQL condition into named streams");
  routes->require_subcommand(1);
  routes_add = routes->add_subcommand("add",
                                      "add a route (refused with SQLite's message if it "
                                      "does not compile)");
  routes_add->add_option("name", parsed.routes_add.name, "route name")->required();
  routes_add
      ->add_option("--condition", parsed.routes_add.condition,
                   "SQL condition, e.g. \"$.temperature > 30 AND device LIKE 'boiler-%'\"")
      ->required();
  routes_add->add_option("--stream", parsed.routes_add.stream, "target stream")->required();
  route_projection = routes_add->add_option(
      "--projection", parsed.route_projection,
      "SQL expression for the routed payload, e.g. \"json_object('t', $.temperature, 'room', "
      "attributes.$.room)\" (default: the data as is)");
  routes_list = routes->add_subcommand("list", "list routes with their counters");
  routes_remove = routes->add_subcommand("remove", "remove a route");
  routes_remove->add_option("name", parsed.route_to_remove, "route name")->required();
  routes_test = routes->add_subcommand(
      "test", "show what a route (stored, or given by --condition) does to a sample message");
  route_test_name = routes_test->add_option("name", parsed.route_test_name, "stored route name");
  route_test_condition =
      routes_test->add_option("--condition", parsed.route_test_condition, "SQL condition");
  route_test_projection =
      routes_test->add_option("--projection", parsed.route_projection, "SQL projection");
  routes_test->add_option("--device", parsed.routes_test.device, "device id")->required();
  routes_test
      ->add_option("--message", parsed.routes_test.message,
                   "the message's data as JSON, e.g. '{\"temperature\": 31}'")
      ->required();
  routes_test->add_option("--seq", parsed.routes_test.seq, "the message's seq (default 0)");
}

ExitCode run_routes(const CommandLine& line, ParsedCommandLine& parsed, HubApi& api,
                    Console& console) {
  if (line.routes_add->parsed()) {
    if (line.route_projection->count() > 0) parsed.routes_add.projection = parsed.route_projection;
    return run_routes_add(api, parsed.routes_add, console);
  }
  if (line.routes_list->parsed()) return run_routes_list(api, console);
  if (line.routes_remove->parsed()) return run_routes_remove(api, parsed.route_to_remove, console);
  if (line.route_test_name->count() > 0) parsed.routes_test.name = parsed.route_test_name;
  if (line.route_test_condition->count() > 0) {
    parsed.routes_test.condition = parsed.route_test_condition;
  }
  if (line.route_test_projection->count() > 0) {
    parsed.routes_test.projection = parsed.route_projection;
  }
  return run_routes_test(api, parsed.routes_test, console);
}

ExitCode run_parsed(const CommandLine& line, ParsedCommandLine& parsed,
                    const CliEnvironment& environment, Console& console) {
  GlobalOptions& global = parsed.global;
  std::string url = global.hub_url;
  if (url.empty()) url = environment.variable("HUBCTL_URL").value_or(kDefaultHubUrl);
  auto hub_url = parse_hub_url(url);
  if (!hub_url) return report_usage_error(console, hub_url.error());
  console.hub_url = hub_url->base;

  ApiTokenSources sources;
  if (line.token->count() > 0) sources.token_option = global.token;
  if (line.data_directory->count() > 0) sources.data_directory = global.data_directory;
  sources.token_variable = environment.variable("HUBCTL_TOKEN");
  auto token = resolve_api_token(sources);
  if (!token) return report_usage_error(console, token.error());

  const auto http_timeout = std::chrono::milliseconds(
      std::max<long long>(1, std::llround(global.http_timeout_seconds * 1000.0)));
  HubCaSources ca_sources;
  if (line.ca_file->count() > 0) ca_sources.ca_option = global.ca_file;
  ca_sources.ca_variable = environment.variable("HUBCTL_CA");
  if (line.data_directory->count() > 0) ca_sources.data_directory = global.data_directory;
  const std::unique_ptr<HttpTransport> transport =
      environment.make_transport(hub_url->base, hub_url->https ? resolve_hub_ca(ca_sources) : "");
  HubApi api(*transport, token.value(), http_timeout);

  if (line.devices_add->parsed()) {
    parsed.devices_add.mqtt_host = hub_url->host;
    return run_devices_add(api, parsed.devices_add, console);
  }
  if (line.devices_list->parsed()) return run_devices_list(api, parsed.devices_list, console);
  if (line.devices_remove->parsed())
    return run_devices_remove(api, parsed.device_to_remove, console);
  if (line.send->parsed()) {
    if (line.payload->count() > 0) parsed.send.payload = parsed.send_payload;
    line.commands_commands->complete_send_options(parsed.send);
    return run_send(api, parsed.send, console);
  }
  if (auto done = line.streams_commands->run_if_parsed(api, console)) return *done;
  if (auto done = line.commands_commands->run_if_parsed(api, console)) return *done;
  if (auto done = line.twin_commands->run_if_parsed(api, console)) return *done;
  if (auto done = line.identity_commands->run_if_parsed(api, console)) return *done;
  if (auto done = line.operators_commands->run_if_parsed(api, console)) return *done;
  if (auto done = line.exports_commands->run_if_parsed(api, console)) return *done;
  if (line.routes_add->parsed() || line.routes_list->parsed() || line.routes_remove->parsed() ||
      line.routes_test->parsed()) {
    return run_routes(line, parsed, api, console);
  }
  return report_usage_error(console, make_error(ErrorCode::invalid_argument, "no command given"));
}

}  // namespace

int run_cli(const std::vector<std::string>& arguments, const CliEnvironment& environment,
            std::ostream& out, std::ostream& err) {
  ParsedCommandLine parsed;
  CommandLine line(parsed);
  try {
    std::vector<std::string> reversed(arguments.rbegin(), arguments.rend());
    line.app.parse(reversed);
  } catch (const CLI::CallForHelp& help) {
    return line.app.exit(help, out, err);
  } catch (const CLI::CallForAllHelp& help) {
    return line.app.exit(help, out, err);
  } catch (const CLI::CallForVersion& version) {
    return line.app.exit(version, out, err);
  } catch (const CLI::ParseError& error) {
    line.app.exit(error, out, err);
    return to_int(ExitCode::usage);
  }
  Console console{out, err, parsed.global.json, ""};
  try {
    return to_int(run_parsed(line, parsed, environment, console));
  } catch (const std::exception& failure) {
    err << "hubctl: " << failure.what() << "\n";
    return to_int(ExitCode::hub_error);
  }
}

}  // namespace edgehub::hubctl
