// The handshake leaves the validity period of client certificates to the
// plugin: checked the way OpenSSL checks a client certificate in a TLS
// server (X509_STORE_CTX_set_default "ssl_client").
#include "mosquitto-plugin/handshake_time_check.h"

#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <memory>

using namespace edgehub::hub::mosquitto_auth;

namespace {

struct Signed {
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> key{nullptr, EVP_PKEY_free};
  std::unique_ptr<X509, void (*)(X509*)> certificate{nullptr, X509_free};
};

// A certificate for key signed by issuer (self-signed if issuer is null),
// valid from now + from_s to now + to_s.
Signed make(const char* name, bool ca, long from_s, long to_s, const Signed* issuer) {
  Signed made;
  made.key.reset(EVP_EC_gen("P-256"));
  made.certificate.reset(X509_new());
  X509* c = made.certificate.get();
  X509_set_version(c, X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(c), ca ? 1 : 2);
  X509_gmtime_adj(X509_getm_notBefore(c), from_s);
  X509_gmtime_adj(X509_getm_notAfter(c), to_s);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(c), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(name), -1, -1, 0);
  X509_set_issuer_name(c, X509_get_subject_name(issuer ? issuer->certificate.get() : c));
  X509_set_pubkey(c, made.key.get());
  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer ? issuer->certificate.get() : c, c, nullptr, nullptr, 0);
  X509_EXTENSION* constraints = X509V3_EXT_conf_nid(nullptr, &context, NID_basic_constraints,
                                                    ca ? "critical,CA:TRUE" : "CA:FALSE");
  X509_add_ext(c, constraints, -1);
  X509_EXTENSION_free(constraints);
  X509_sign(c, issuer ? issuer->key.get() : made.key.get(), EVP_sha256());
  return made;
}

// What OpenSSL answers when a TLS server verifies this client certificate.
int verify_as_server_would(const Signed& ca, const Signed& leaf) {
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca.certificate.get());
  X509_STORE_CTX* context = X509_STORE_CTX_new();
  X509_STORE_CTX_init(context, store, leaf.certificate.get(), nullptr);
  X509_STORE_CTX_set_default(context, "ssl_client");
  const int verified = X509_verify_cert(context);
  const int error = verified == 1 ? X509_V_OK : X509_STORE_CTX_get_error(context);
  X509_STORE_CTX_free(context);
  X509_STORE_free(store);
  return error;
}

}  // namespace

TEST_CASE(
    "after the plugin loads, an expired client certificate passes the handshake's "
    "chain check, and a forged one still does not") {
  const Signed ca = make("test CA", true, -3600, 86400, nullptr);
  const Signed expired = make("boiler-1", false, -7200, -3600, &ca);
  const Signed stranger_ca = make("other CA", true, -3600, 86400, nullptr);
  const Signed forged = make("boiler-1", false, -3600, 86400, &stranger_ca);

  REQUIRE(leave_client_certificate_times_to_plugin());
  CHECK(client_certificate_times_left_to_plugin());
  CHECK(verify_as_server_would(ca, expired) == X509_V_OK);
  CHECK(verify_as_server_would(ca, forged) != X509_V_OK);
  // Installing again changes nothing.
  CHECK(leave_client_certificate_times_to_plugin());
  CHECK(verify_as_server_would(ca, expired) == X509_V_OK);
}
