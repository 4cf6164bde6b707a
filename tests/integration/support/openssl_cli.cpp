#include "support/openssl_cli.h"

#include <unistd.h>

#include "support/command.h"
#include "support/programs.h"
#include "support/temp_dir.h"

namespace edgehub::itest {

DeviceCredentials sign_unregistered_certificate(const std::filesystem::path& signing_ca_certificate,
                                                const std::filesystem::path& signing_ca_key,
                                                const std::string& device_id,
                                                const std::filesystem::path& out_dir,
                                                const std::filesystem::path& server_ca) {
  std::filesystem::create_directories(out_dir);
  const std::string openssl = Programs::openssl().string();
  const auto key = out_dir / (device_id + ".key");
  const auto request = out_dir / (device_id + ".csr");
  const auto certificate = out_dir / (device_id + ".pem");
  const auto extensions = out_dir / (device_id + ".ext");
  write_text_file(extensions,
                  "basicConstraints=critical,CA:FALSE\n"
                  "keyUsage=critical,digitalSignature\n"
                  "extendedKeyUsage=clientAuth\n");
  run_command_checked({openssl, "genpkey", "-algorithm", "EC", "-pkeyopt",
                       "ec_paramgen_curve:P-256", "-out", key.string()});
  run_command_checked({openssl, "req", "-new", "-key", key.string(), "-subj", "/CN=" + device_id,
                       "-out", request.string()});
  // -set_serial: no serial file is written next to the CA in the hub's data dir.
  run_command_checked({openssl, "x509", "-req", "-in", request.string(), "-CA",
                       signing_ca_certificate.string(), "-CAkey", signing_ca_key.string(),
                       "-set_serial", "0x5eed" + std::to_string(::getpid()), "-days", "2",
                       "-sha256", "-extfile", extensions.string(), "-out", certificate.string()});
  return {device_id, certificate, key, server_ca};
}

DeviceCredentials sign_certificate_valid_between(
    const std::filesystem::path& signing_ca_certificate,
    const std::filesystem::path& signing_ca_key, const std::string& device_id,
    const std::filesystem::path& out_dir, const std::filesystem::path& server_ca,
    const std::string& not_before, const std::string& not_after) {
  std::filesystem::create_directories(out_dir);
  const std::string openssl = Programs::openssl().string();
  const auto key = out_dir / (device_id + ".key");
  const auto request = out_dir / (device_id + ".csr");
  const auto certificate = out_dir / (device_id + ".pem");
  const auto config = out_dir / "ca.cnf";
  write_text_file(out_dir / "index.txt", "");
  // openssl ca wants an even number of hex digits.
  std::string process = std::to_string(::getpid());
  if (process.size() % 2 != 0) process.insert(0, "0");
  write_text_file(out_dir / "serial", "5EED" + process + "01\n");
  write_text_file(config,
                  "[ca]\ndefault_ca = local\n"
                  "[local]\ndatabase = " +
                      (out_dir / "index.txt").string() + "\nnew_certs_dir = " + out_dir.string() +
                      "\nserial = " + (out_dir / "serial").string() +
                      "\ndefault_md = sha256\npolicy = anything\nunique_subject = no\n"
                      "[anything]\ncommonName = supplied\n"
                      "[client]\nbasicConstraints = critical,CA:FALSE\n"
                      "keyUsage = critical,digitalSignature\nextendedKeyUsage = clientAuth\n");
  run_command_checked({openssl, "genpkey", "-algorithm", "EC", "-pkeyopt",
                       "ec_paramgen_curve:P-256", "-out", key.string()});
  run_command_checked({openssl, "req", "-new", "-key", key.string(), "-subj", "/CN=" + device_id,
                       "-out", request.string()});
  run_command_checked({openssl,
                       "ca",
                       "-batch",
                       "-config",
                       config.string(),
                       "-cert",
                       signing_ca_certificate.string(),
                       "-keyfile",
                       signing_ca_key.string(),
                       "-in",
                       request.string(),
                       "-out",
                       certificate.string(),
                       "-startdate",
                       not_before,
                       "-enddate",
                       not_after,
                       "-extensions",
                       "client",
                       "-notext"});
  return {device_id, certificate, key, server_ca};
}

DeviceCredentials certificate_from_another_ca(const std::string& device_id,
                                              const std::filesystem::path& out_dir,
                                              const std::filesystem::path& server_ca) {
  run_command_checked(
      {"/bin/sh", Programs::make_test_ca_script().string(), out_dir.string(), device_id});
  return {device_id, out_dir / (device_id + ".pem"), out_dir / (device_id + ".key"), server_ca};
}

}  // namespace edgehub::itest
