#!/usr/bin/env bash
# Runs the Switchboard load test and writes its report (Markdown + PNG charts) to docs/benchmarks/.
#
#   loadtest/run.sh            the full scenario (at most 60 minutes)
#   loadtest/run.sh --quick    the same shape scaled down (at most 5 minutes)
#   loadtest/run.sh --smoke    a few seconds at a trickle: checks the set-up, measures nothing
#
# Comparisons: --audience team,20 (the ingest ramp with the team crowd and with 20 stream clients),
# --ws-deflate (stream clients ask for permessage-deflate; the started server gets
# SWITCHBOARD_WS_COMPRESSION=true), --compare-deflate (idle connections without and with it).
# The naive baseline (--only naive) runs in the quick and full plans. Scenario 6 (--only cluster)
# starts a second clustered node and ramps through a round-robin of both. --help lists every option.
#
# Without --url it builds and starts the server itself (fresh database sb_load_<run>, own Redis
# prefix). Against a running server:
#   loadtest/run.sh --quick --url http://127.0.0.1:8080 --platform-key KEY \
#                   --pg-url postgresql://postgres@127.0.0.1:5432/switchboard [--server-pid PID]
# Never run it in CI: it saturates the machine on purpose.
set -euo pipefail
cd "$(dirname "$0")/.."

server_jar=server/target/switchboard-server.jar
tool_jar=loadtest/target/switchboard-loadtest.jar
if [[ "${LOADTEST_SKIP_BUILD:-}" != "1" ]]; then
  # Offline when everything is already downloaded (fast); otherwise fetch from Maven Central.
  mvn -q -B -o -DskipTests -pl server,loadtest -am package 2>/dev/null \
    || mvn -q -B -DskipTests -pl server,loadtest -am package
fi
[[ -f "$server_jar" && -f "$tool_jar" ]] || { echo "build the server and the tool first" >&2; exit 1; }

# Client sockets of the connections scenario need file descriptors (one per simulated tab).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec java ${LOADTEST_JAVA_OPTS:-} -Xms512m -Xmx3g -jar "$tool_jar" "$@"
