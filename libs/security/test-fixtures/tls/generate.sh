#!/usr/bin/env bash
# Regenerates the test-only CA and server certificate used by safe-request.spec.ts.
# The server certificate names partner.test (a name that resolves nowhere) and is valid for 100 years.
set -euo pipefail
cd "$(dirname "$0")"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 36500 \
  -subj '/CN=Meridian security test CA' -keyout ca.key -out ca.pem
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -subj '/CN=partner.test' -keyout server.key -out server.csr
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 36500 -out server.pem \
  -extfile <(printf 'subjectAltName=DNS:partner.test\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n')
rm -f server.csr ca.key ca.srl
