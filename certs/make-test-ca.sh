#!/bin/sh
# make-test-ca.sh <dir> <device-id>
#
# Creates, with the openssl CLI, a certificate authority that is NOT the hub's
# and a device certificate signed by it, for tests of "a certificate from
# another CA is refused". Everything is ECDSA P-256, valid for 2 days:
#   <dir>/ca.pem  <dir>/ca.key                the other CA
#   <dir>/<device-id>.pem  <dir>/<device-id>.key  the device, CN=<device-id>
# Write into a temporary directory, never into the source tree.
set -eu

if [ "$#" -ne 2 ]; then
  echo "usage: $0 <dir> <device-id>" >&2
  exit 2
fi
dir=$1
device=$2
case "$device" in
  ""|.*|-*|*[!A-Za-z0-9._-]*)
    echo "$0: invalid device id '$device' (1-64 of [A-Za-z0-9._-], not starting with . or -)" >&2
    exit 2 ;;
esac

mkdir -p "$dir"
umask 077
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/ca.key"
openssl req -x509 -new -key "$dir/ca.key" -sha256 -days 2 \
  -subj "/O=edgehub tests/CN=edgehub test CA (not the hub's)" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out "$dir/ca.pem"

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/$device.key"
openssl req -new -key "$dir/$device.key" -subj "/CN=$device" -out "$dir/$device.csr"
cat > "$dir/$device.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
EXT
serial=$(openssl rand -hex 8)
openssl x509 -req -in "$dir/$device.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
  -set_serial "0x$serial" -days 2 -sha256 -extfile "$dir/$device.ext" -out "$dir/$device.pem"
rm -f "$dir/$device.csr" "$dir/$device.ext"
chmod 644 "$dir/ca.pem" "$dir/$device.pem"
echo "$dir/$device.pem"
