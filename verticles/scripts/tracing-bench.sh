#!/usr/bin/env bash
# The cost of tracing (contract rule 70) on the cancel path: two Callverts from the same fat jar side by side in
# one run, tracing off (PORT) and on (PORT+1: CALLVERT_TRACING_ENABLED=true, every request sampled, spans exported
# over OTLP/HTTP to a discarding collector, DiscardSink.java on PORT+3), each with CALLS established calls, `wrk`
# POSTing cancelMediaProcessing to a random call per request, as cancel-bench.sh does. After a warm-up of each, the
# two are measured alternately, ROUNDS times; each round prints req/s, p99 and the server's CPU µs per request of
# both and the ratios on / off (req/s; CPU per request).
#
#   mvn -B -q package -DskipTests          # the fat jar
#   verticles/scripts/tracing-bench.sh     # ~4 min; needs java 17, wrk, curl, jq
#
# Settings (environment): ROUNDS (3), DURATION (20 s per window), WARMUP (20 s per server), CALLS (1000),
# THREADS (2), CONNECTIONS (64), JAVA_OPTS ("-Xms1g -Xmx1g", both servers), PORT (18760; PORT+1 the traced one,
# PORT+2 the webhook sink, PORT+3 the span sink), SAMPLER (parentbased_always_on: every request traced; e.g.
# parentbased_traceidratio with SAMPLER_ARG 0.01), EXPORTER (otlp; none: spans made but not exported). Everything listens on 127.0.0.1; every process started here is
# stopped on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-20}
CALLS=${CALLS:-1000}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
JAVA_OPTS=${JAVA_OPTS:-"-Xms1g -Xmx1g"}
PORT=${PORT:-18760}
SAMPLER=${SAMPLER:-parentbased_always_on}
SAMPLER_ARG=${SAMPLER_ARG:-1.0}
EXPORTER=${EXPORTER:-otlp}
TRACED_PORT=$((PORT + 1))
SINK_PORT=$((PORT + 2))
OTLP_PORT=$((PORT + 3))
JAR=verticles/target/callvert.jar
TOKEN=callvert-dev-token

for tool in java wrk curl jq; do
  command -v "$tool" >/dev/null || { echo "tracing-bench: '$tool' is required (wrk: apt-get install wrk)" >&2; exit 2; }
done
[[ -f $JAR ]] || { echo "tracing-bench: build first: mvn -B -q package -DskipTests" >&2; exit 2; }

# shellcheck source=processes.sh
source "$(dirname "$0")/processes.sh"


AUTH="Authorization: Bearer $TOKEN"
JSON="Content-Type: application/json"

java verticles/scripts/WebhookSink.java "$SINK_PORT" >"$WORK/sink.log" 2>&1 &
PIDS+=($!)
java verticles/scripts/DiscardSink.java "$OTLP_PORT" >"$WORK/otlp.log" 2>&1 &
PIDS+=($!)
# shellcheck disable=SC2086
CALLVERT_HTTP_HOST=127.0.0.1 CALLVERT_HTTP_PORT=$PORT java $JAVA_OPTS -jar "$JAR" >"$WORK/off.log" 2>&1 &
OFF_PID=$!
PIDS+=($OFF_PID)
# shellcheck disable=SC2086
CALLVERT_HTTP_HOST=127.0.0.1 CALLVERT_HTTP_PORT=$TRACED_PORT CALLVERT_TRACING_ENABLED=true \
  OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$OTLP_PORT \
  OTEL_TRACES_SAMPLER=$SAMPLER OTEL_TRACES_SAMPLER_ARG=$SAMPLER_ARG OTEL_TRACES_EXPORTER=$EXPORTER java $JAVA_OPTS -jar "$JAR" >"$WORK/on.log" 2>&1 &
ON_PID=$!
PIDS+=($ON_PID)
for p in "$PORT" "$TRACED_PORT"; do
  wait_for 60 "http://127.0.0.1:$p/health/ready" || { cat "$WORK"/o*.log >&2; echo "Callvert on $p did not start" >&2; exit 1; }
done
wait_for 60 "http://127.0.0.1:$SINK_PORT/received" || { echo "sink did not start" >&2; exit 1; }
wait_for 60 "http://127.0.0.1:$OTLP_PORT/count" || { echo "span sink did not start" >&2; exit 1; }

# CALLS established calls on the server on port $1; their ids in $WORK/ids.$1
calls() {
  local api=http://127.0.0.1:$1/v1.0/communications/calls
  mkdir "$WORK/calls.$1"
  export api AUTH JSON SINK_PORT WORK
  seq "$CALLS" | xargs -P 8 -I{} sh -c 'curl -sf --max-time 10 "$api" -H "$AUTH" -H "$JSON" -o "$WORK/calls.'"$1"'/{}.json" -d "{
    \"callbackUri\": \"http://127.0.0.1:$SINK_PORT/callback\",
    \"targets\": [{\"identity\": {\"phone\": {\"id\": \"+15550100\"}}}],
    \"requestedModalities\": [\"audio\"],
    \"mediaConfig\": {\"@odata.type\": \"#microsoft.graph.serviceHostedMediaConfig\"}}"'
  cat "$WORK/calls.$1"/*.json | jq -r .id >"$WORK/ids.$1"
  [[ $(wc -l <"$WORK/ids.$1") -eq $CALLS ]] || { echo "created only $(wc -l <"$WORK/ids.$1") of $CALLS calls" >&2; exit 1; }
  local established=0
  for _ in $(seq 30); do
    sleep 1
    established=$(xargs -P 8 -I{} curl -sf --max-time 10 "$api/{}" -H "$AUTH" -w '\n' <"$WORK/ids.$1" \
      | jq -r .state | grep -c '^established$' || true)
    [[ $established -eq $CALLS ]] && break
  done
  [[ $established -eq $CALLS ]] || { echo "only $established of $CALLS calls established on $1" >&2; exit 1; }
  cancel_script "$WORK/ids.$1" "$WORK/cancel.$1.lua"
}
calls "$PORT"
calls "$TRACED_PORT"

cpu_ticks() {
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# wrk against port $1 for $2 s; prints "req/s p99_ms server_cpu_us"
load() {
  local out before after
  before=$(cpu_ticks "$3")
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2"s --latency -s "$WORK/cancel.$1.lua" "http://127.0.0.1:$1" 2>&1)
  after=$(cpu_ticks "$3")
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
    echo "$out" >&2
    echo "tracing-bench: errors under load on port $1" >&2
    return 1
  fi
  awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +99%/ { p99 = ms($2) }
    /^Requests\/sec:/ { rps = $2 }
    /requests in/ { n = $1 }
    END { printf "%.0f %.2f %.1f\n", rps, p99, ticks / hz * 1e6 / n }' <<<"$out"
}

echo "tracing-bench: $(nproc) cores, $(java -version 2>&1 | head -1), JAVA_OPTS='$JAVA_OPTS', $CALLS established calls" \
  "per server, wrk -t$THREADS -c$CONNECTIONS, ${DURATION}s windows, sampler $SAMPLER ($SAMPLER_ARG), exporter $EXPORTER; tracing off pid $OFF_PID, on pid $ON_PID"
echo "warming up: ${WARMUP}s each"
load "$PORT" "$WARMUP" "$OFF_PID" >/dev/null
load "$TRACED_PORT" "$WARMUP" "$ON_PID" >/dev/null

printf '%-6s %10s %10s %10s %10s %10s %10s %9s %10s\n' round off_rps off_p99_ms off_cpu_us on_rps on_p99_ms on_cpu_us rps_ratio cpu_ratio
RATIOS=()
CPU_RATIOS=()
for round in $(seq "$ROUNDS"); do
  if (( round % 2 == 1 )); then
    off=$(load "$PORT" "$DURATION" "$OFF_PID")
    on=$(load "$TRACED_PORT" "$DURATION" "$ON_PID")
  else
    on=$(load "$TRACED_PORT" "$DURATION" "$ON_PID")
    off=$(load "$PORT" "$DURATION" "$OFF_PID")
  fi
  read -r off_rps off_p99 off_cpu <<<"$off"
  read -r on_rps on_p99 on_cpu <<<"$on"
  ratio=$(awk -v a="$on_rps" -v b="$off_rps" 'BEGIN { printf "%.2f", a / b }')
  cpu_ratio=$(awk -v a="$on_cpu" -v b="$off_cpu" 'BEGIN { printf "%.2f", a / b }')
  RATIOS+=("$ratio")
  CPU_RATIOS+=("$cpu_ratio")
  printf '%-6s %10s %10s %10s %10s %10s %10s %9s %10s\n' "$round" "$off_rps" "$off_p99" "$off_cpu" "$on_rps" "$on_p99" \
    "$on_cpu" "$ratio" "$cpu_ratio"
done
printf '%s\n' "${RATIOS[@]}" | sort -n | awk '{ r[NR] = $1 } END { printf "req/s ratio tracing on / off: %s-%s over %d rounds\n", r[1], r[NR], NR }'
printf '%s\n' "${CPU_RATIOS[@]}" | sort -n | awk '{ r[NR] = $1 } END { printf "CPU per request ratio on / off: %s-%s\n", r[1], r[NR] }'
echo "spans exported: $(curl -s "http://127.0.0.1:$OTLP_PORT/count")"
