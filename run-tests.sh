#!/usr/bin/env bash
# Runs the whole test suite against the local PostgreSQL and Redis (started when down),
# installing what is missing first (JDK, Maven, Chromium for the console tests).
# Extra arguments go to Maven, e.g. ./run-tests.sh -pl server -Dtest=DemoModeTest
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-prerequisites.sh chromium
scripts/start-services.sh
echo "==> mvn -B test $*"
mvn -B test "$@"
