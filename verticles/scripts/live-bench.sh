#!/usr/bin/env bash
# N concurrent live media streams on one Callvert node (docs/live-media.md, docs/benchmarks.md): the fat jar
# on the system clock, N established calls, one media WebSocket per call sending the caller's 640-byte frame
# every 20 ms and receiving the paced stream, a 60 s prompt playing on every call. The load generator
# (io.callvert.verticles.bench.LiveBench, a second JVM) prints, for a window after the warm-up, the
# server's own outbound frame lateness (p50/p99/p99.9/max: how long after its due time each frame was
# handed to its socket, from GET /callvert/media/stats) and the server process's CPU per stream.
#
#   mvn -B -q package -DskipTests          # the fat jar and the test classes (LiveBench)
#   verticles/scripts/live-bench.sh        # ~1 min per stream count; needs java 17 and curl
#
# The server's inbound backlog limit is raised to 10 s (media.live.maxBacklogMs): a load generator starved of
# CPU sends its frames in bursts, and the point is the outbound pacing, not closing its sockets (4429).
# Settings (environment): STREAMS ("1000"; several, e.g. "250 500 1000", run one after another, each on a
# fresh server), WARMUP (15 s), DURATION (20 s), JAVA_OPTS ("-Xms1g -Xmx1g -XX:+UseShenandoahGC", the server),
# PORT (18580; the webhook sink PORT+1), JAR and TEST_CLASSES (another build, e.g. a copy of the previous one
# for a side-by-side run). Everything listens on 127.0.0.1 only; every process started here
# is stopped on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."
STREAMS=${STREAMS:-1000}
WARMUP=${WARMUP:-15}
DURATION=${DURATION:-20}
JAVA_OPTS=${JAVA_OPTS:-"-Xms1g -Xmx1g -XX:+UseShenandoahGC"}
PORT=${PORT:-18580}
SINK_PORT=$((PORT + 1))
JAR=${JAR:-verticles/target/callvert.jar}
TEST_CLASSES=${TEST_CLASSES:-verticles/target/test-classes}

for tool in java curl; do
  command -v "$tool" >/dev/null || { echo "live-bench: '$tool' is required" >&2; exit 2; }
done
if [[ ! -f $JAR || ! -f $TEST_CLASSES/io/callvert/verticles/bench/LiveBench.class ]]; then
  echo "live-bench: build first: mvn -B -q package -DskipTests" >&2
  exit 2
fi

# shellcheck source=processes.sh
source "$(dirname "$0")/processes.sh"


java verticles/scripts/WebhookSink.java "$SINK_PORT" >"$WORK/sink.log" 2>&1 &
PIDS+=($!)
wait_for 60 "http://127.0.0.1:$SINK_PORT/received" || { cat "$WORK/sink.log" >&2; echo "sink did not start" >&2; exit 1; }

echo "live-bench: $(nproc) cores, $(java -version 2>&1 | head -1), server JAVA_OPTS='$JAVA_OPTS'," \
  "${WARMUP}s warm-up, ${DURATION}s window; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $STREAMS; do
  # shellcheck disable=SC2086  # JAVA_OPTS is a list of options
  CALLVERT_HTTP_HOST=127.0.0.1 CALLVERT_HTTP_PORT=$PORT CALLVERT_HTTP_MAX_CONNECTIONS_PER_CLIENT=0 \
    CALLVERT_MEDIA_LIVE_MAX_SOCKETS=$((n + 100)) CALLVERT_MEDIA_LIVE_MAX_BACKLOG_MS=10000 java $JAVA_OPTS -jar "$JAR" >"$WORK/callvert-$n.log" 2>&1 &
  CALLVERT_PID=$!
  PIDS+=($CALLVERT_PID)
  wait_for 60 "http://127.0.0.1:$PORT/health" || { cat "$WORK/callvert-$n.log" >&2; echo "Callvert did not start" >&2; exit 1; }
  echo "--- $n streams (Callvert pid $CALLVERT_PID)"
  java -Xms512m -Xmx512m -cp "$JAR:$TEST_CLASSES" io.callvert.verticles.bench.LiveBench "http://127.0.0.1:$PORT" \
    "http://127.0.0.1:$SINK_PORT/callback" "http://127.0.0.1:$SINK_PORT/prompt.wav" "$n" "$WARMUP" "$DURATION" \
    "$CALLVERT_PID"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  kill "$CALLVERT_PID"
  for _ in $(seq 100); do kill -0 "$CALLVERT_PID" 2>/dev/null || break; sleep 0.1; done
done
