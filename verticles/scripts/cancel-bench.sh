#!/usr/bin/env bash
# Callvert's cancelMediaProcessing against a bare vertx-web route answering the same bytes, side by
# side in one run, as a newcomer runs Callvert: the fat jar on `java -Xms1g -Xmx2g -jar` (default
# collector), 1,000 established calls, `wrk -t2 -c64` POSTing cancelMediaProcessing to a random call
# per request. The bare route (io.callvert.verticles.bench.BareRoute, one instance per core) replays
# the bytes of a real Callvert answer to that request. After a warm-up of each, the two are measured
# alternately, ROUNDS times; each round prints req/s, p99 and CPU µs per request of both (the
# server process's user+system time over the window: steadier than req/s on a shared machine)
# and the ratio of the req/s, and cpu_ratio: (bare route + wrk CPU per request) / (Callvert + wrk),
# the req/s ratio to expect when wrk and the server have the cores to themselves.
#
#   mvn -B -q package -DskipTests          # the fat jar and the test classes (BareRoute)
#   verticles/scripts/cancel-bench.sh      # ~3.5 min; needs java 17, wrk, curl, jq
#
# Settings (environment): ROUNDS (3), DURATION (20 s per window), WARMUP (20 s per server),
# CALLS (1000), THREADS (2), CONNECTIONS (64), JAVA_OPTS ("-Xms1g -Xmx2g", both server JVMs),
# PORT (18480; the bare route PORT+1, the webhook sink PORT+2), JFR (a file: a JFR recording,
# profile settings, of Callvert during its first measured window).
# Everything listens on 127.0.0.1 only; every process started here is stopped on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-20}
CALLS=${CALLS:-1000}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
JAVA_OPTS=${JAVA_OPTS:-"-Xms1g -Xmx2g"}
PORT=${PORT:-18480}
JFR=${JFR:-}
BARE_PORT=$((PORT + 1))
SINK_PORT=$((PORT + 2))
JAR=verticles/target/callvert.jar
TEST_CLASSES=verticles/target/test-classes
TOKEN=callvert-dev-token

for tool in java wrk curl jq; do
  command -v "$tool" >/dev/null || { echo "cancel-bench: '$tool' is required (wrk: apt-get install wrk)" >&2; exit 2; }
done
if [[ ! -f $JAR || ! -f $TEST_CLASSES/io/callvert/verticles/bench/BareRoute.class ]]; then
  echo "cancel-bench: build first: mvn -B -q package -DskipTests" >&2
  exit 2
fi

# shellcheck source=processes.sh
source "$(dirname "$0")/processes.sh"


API=http://127.0.0.1:$PORT/v1.0/communications/calls
AUTH="Authorization: Bearer $TOKEN"
JSON="Content-Type: application/json"

java verticles/scripts/WebhookSink.java "$SINK_PORT" >"$WORK/sink.log" 2>&1 &
PIDS+=($!)
# shellcheck disable=SC2086  # JAVA_OPTS is a list of options
CALLVERT_HTTP_HOST=127.0.0.1 CALLVERT_HTTP_PORT=$PORT java $JAVA_OPTS -jar "$JAR" >"$WORK/callvert.log" 2>&1 &
CALLVERT_PID=$!
PIDS+=($CALLVERT_PID)
wait_for 60 "http://127.0.0.1:$PORT/health" || { cat "$WORK/callvert.log" >&2; echo "Callvert did not start" >&2; exit 1; }
wait_for 60 "http://127.0.0.1:$SINK_PORT/received" || { cat "$WORK/sink.log" >&2; echo "sink did not start" >&2; exit 1; }

# --- 1,000 calls, established (the simulated callee answers after 500 ms)
mkdir "$WORK/calls"
export API AUTH JSON SINK_PORT WORK
seq "$CALLS" | xargs -P 8 -I{} sh -c 'curl -sf --max-time 10 "$API" -H "$AUTH" -H "$JSON" -o "$WORK/calls/{}.json" -d "{
  \"callbackUri\": \"http://127.0.0.1:$SINK_PORT/callback\",
  \"targets\": [{\"identity\": {\"phone\": {\"id\": \"+15550100\"}}}],
  \"requestedModalities\": [\"audio\"],
  \"mediaConfig\": {\"@odata.type\": \"#microsoft.graph.serviceHostedMediaConfig\"}}"'
cat "$WORK"/calls/*.json | jq -r .id >"$WORK/ids"
[[ $(wc -l <"$WORK/ids") -eq $CALLS ]] || { echo "created only $(wc -l <"$WORK/ids") of $CALLS calls" >&2; exit 1; }
established=0
for _ in $(seq 30); do
  sleep 1
  established=$(xargs -P 8 -I{} curl -sf --max-time 10 "$API/{}" -H "$AUTH" -w '\n' <"$WORK/ids" \
    | jq -r .state | grep -c '^established$' || true)
  [[ $established -eq $CALLS ]] && break
done
[[ $established -eq $CALLS ]] || { echo "only $established of $CALLS calls established" >&2; exit 1; }

# --- the bare route, replaying a real answer of Callvert to the benchmarked request
FIRST=$(head -1 "$WORK/ids")
curl -si "$API/$FIRST/cancelMediaProcessing" -H "$AUTH" -H "$JSON" -d '{}' >"$WORK/cancel.http"
# shellcheck disable=SC2086
java $JAVA_OPTS -cp "$JAR:$TEST_CLASSES" io.callvert.verticles.bench.BareRoute "$BARE_PORT" "$WORK/cancel.http" \
  >"$WORK/bare.log" 2>&1 &
BARE_PID=$!
PIDS+=($BARE_PID)
BARE_URL=http://127.0.0.1:$BARE_PORT/v1.0/communications/calls/$FIRST/cancelMediaProcessing
wait_for 60 -X POST "$BARE_URL" -H "$JSON" -d '{}' || { cat "$WORK/bare.log" >&2; echo "bare route did not start" >&2; exit 1; }
callvert_bytes=$(curl -si "$API/$FIRST/cancelMediaProcessing" -H "$AUTH" -H "$JSON" -d '{}' | wc -c)
bare_bytes=$(curl -si "$BARE_URL" -H "$AUTH" -H "$JSON" -d '{}' | wc -c)
[[ $callvert_bytes -eq $bare_bytes ]] || { echo "answers differ in size: Callvert $callvert_bytes B, bare $bare_bytes B" >&2; exit 1; }

# --- the load: a random call per request, the same script and paths for both servers
cancel_script "$WORK/ids" "$WORK/cancel.lua"

# CPU time (user + system) the process $1 has used so far, in clock ticks
cpu_ticks() {
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# runs wrk against port $1 for $2 s; prints "req/s p99_ms server_cpu_us wrk_cpu_us": the CPU time
# the server process $3 and wrk used per request (less sensitive than req/s to other load on the
# machine); fails on any non-2xx answer or socket error
load() {
  local out before after
  before=$(cpu_ticks "$3")
  out=$( { TIMEFORMAT='wrk-cpu %U %S'; time wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2"s --latency \
    -s "$WORK/cancel.lua" "http://127.0.0.1:$1"; } 2>&1)
  after=$(cpu_ticks "$3")
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
    echo "$out" >&2
    echo "cancel-bench: errors under load on port $1" >&2
    return 1
  fi
  awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +99%/ { p99 = ms($2) }
    /^Requests\/sec:/ { rps = $2 }
    /requests in/ { n = $1 }
    /^wrk-cpu/ { wrk = $2 + $3 }
    END { printf "%.0f %.2f %.1f %.1f\n", rps, p99, ticks / hz * 1e6 / n, wrk * 1e6 / n }' <<<"$out"
}

echo "cancel-bench: $(nproc) cores, $(java -version 2>&1 | head -1), JAVA_OPTS='$JAVA_OPTS', $CALLS established calls," \
  "wrk -t$THREADS -c$CONNECTIONS, ${DURATION}s windows, answer $callvert_bytes bytes; Callvert pid $CALLVERT_PID"
echo "warming up: ${WARMUP}s each"
load "$PORT" "$WARMUP" "$CALLVERT_PID" >/dev/null
load "$BARE_PORT" "$WARMUP" "$BARE_PID" >/dev/null

printf '%-6s %13s %10s %10s %13s %12s %12s %7s %10s\n' round callvert_rps cv_p99_ms cv_cpu_us bare_rps bare_p99_ms bare_cpu_us ratio cpu_ratio
RATIOS=()
CPU_RATIOS=()
for round in $(seq "$ROUNDS"); do
  if [[ -n $JFR && $round -eq 1 ]]; then
    jcmd "$CALLVERT_PID" JFR.start name=cancel-bench settings=profile duration="${DURATION}s" filename="$(realpath -m "$JFR")" >/dev/null
  fi
  # alternate which goes first, so a drift of the machine's load does not favour one side
  if (( round % 2 == 1 )); then
    cv=$(load "$PORT" "$DURATION" "$CALLVERT_PID")
    bare=$(load "$BARE_PORT" "$DURATION" "$BARE_PID")
  else
    bare=$(load "$BARE_PORT" "$DURATION" "$BARE_PID")
    cv=$(load "$PORT" "$DURATION" "$CALLVERT_PID")
  fi
  read -r cv_rps cv_p99 cv_cpu cv_wrk <<<"$cv"
  read -r bare_rps bare_p99 bare_cpu bare_wrk <<<"$bare"
  ratio=$(awk -v a="$cv_rps" -v b="$bare_rps" 'BEGIN { printf "%.2f", a / b }')
  cpu_ratio=$(awk -v c="$cv_cpu" -v cw="$cv_wrk" -v b="$bare_cpu" -v bw="$bare_wrk" 'BEGIN { printf "%.2f", (b + bw) / (c + cw) }')
  RATIOS+=("$ratio")
  CPU_RATIOS+=("$cpu_ratio")
  printf '%-6s %13s %10s %10s %13s %12s %12s %7s %10s\n' "$round" "$cv_rps" "$cv_p99" "$cv_cpu" "$bare_rps" "$bare_p99" \
    "$bare_cpu" "$ratio" "$cpu_ratio"
done
printf '%s\n' "${RATIOS[@]}" | sort -n | awk '{ r[NR] = $1 } END { printf "ratio Callvert / bare route: %s-%s over %d rounds\n", r[1], r[NR], NR }'
printf '%s\n' "${CPU_RATIOS[@]}" | sort -n \
  | awk '{ r[NR] = $1 } END { printf "cpu_ratio (bare route + wrk CPU per request) / (Callvert + wrk): %s-%s\n", r[1], r[NR] }'
if [[ -n $JFR ]]; then
  echo "JFR recording of Callvert's first window: $JFR"
fi
