#!/usr/bin/env bash
# Builds Switchboard and starts it in demo mode: a demo shop with live simulated customers.
# Open the URL it prints (http://localhost:8080 unless SWITCHBOARD_HTTP_PORT says otherwise).
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-prerequisites.sh
scripts/start-services.sh
echo "==> building the server (mvn -q -B -DskipTests -pl server -am package)"
mvn -q -B -DskipTests -pl server -am package
echo "==> starting in demo mode"
export SWITCHBOARD_DEMO=true
exec java -jar server/target/switchboard-server.jar
