#!/usr/bin/env bash
# A soak of the fat jar under a bounded, paced mixed load, and a check that its heap after GC is
# flat. For MINUTES (default 10): calls start at RATE per second (80% outgoing Graph calls, 20%
# simulated incoming calls the bot answers; 80% notify a healthy receiver, 5% each a slow one (2 s),
# one answering 500, one answering 429 with Retry-After, one resetting the connection), and each
# call goes through established, playPrompt, caller speech, recordResponse, caller tones,
# cancelMediaProcessing, a long prompt cancelled again, and a hang-up (bot or caller), so calls
# start and end all the time. Ended calls are retained 60 s (CALLVERT_CALLS_RETENTION_MS), so
# retention turns over many times within the run. Every 30 s: a full GC of Callvert
# (jcmd GC.run) and its heap in use (jstat -gc) printed with live calls, requests, 5xx and
# notifications. Exit 1 when the mean heap after GC of the second half exceeds the first half's by
# more than 15%, or when Callvert answered any 5xx. The halves are of the steady state: samples
# after a warm-up of retention + 60 s, while the retained calls fill up (growth by design; the
# ratio over every sample is printed too). The driver: io.callvert.verticles.bench.Soak.
#
#   mvn -B -q package -DskipTests          # the fat jar and the test classes (the driver)
#   verticles/scripts/soak.sh [minutes]    # needs java 17 (with jcmd, jstat) and curl
#
# Settings (environment): RATE (20 calls/s), MAX_IN_FLIGHT (400 calls), JAVA_OPTS
# ("-Xms512m -Xmx512m"), PORT (18580), RETENTION_MS (60000), GC_LOG (a file to keep Callvert's
# -Xlog:gc; by default in the run's temporary directory, removed at exit).
# Everything listens on 127.0.0.1 only; every process started here is stopped on exit.
set -euo pipefail

cd "$(dirname "$0")/../.."
MINUTES=${1:-10}
RATE=${RATE:-20}
MAX_IN_FLIGHT=${MAX_IN_FLIGHT:-400}
JAVA_OPTS=${JAVA_OPTS:-"-Xms512m -Xmx512m"}
PORT=${PORT:-18580}
RETENTION_MS=${RETENTION_MS:-60000}
JAR=verticles/target/callvert.jar
TEST_CLASSES=verticles/target/test-classes

for tool in java jcmd jstat curl; do
  command -v "$tool" >/dev/null || { echo "soak: '$tool' is required" >&2; exit 2; }
done
if [[ ! -f $JAR || ! -f $TEST_CLASSES/io/callvert/verticles/bench/Soak.class ]]; then
  echo "soak: build first: mvn -B -q package -DskipTests" >&2
  exit 2
fi

# shellcheck source=processes.sh
source "$(dirname "$0")/processes.sh"
GC_LOG=${GC_LOG:-$WORK/gc.log}

# shellcheck disable=SC2086  # JAVA_OPTS is a list of options
CALLVERT_HTTP_HOST=127.0.0.1 CALLVERT_HTTP_PORT=$PORT CALLVERT_CALLS_RETENTION_MS=$RETENTION_MS \
  CALLVERT_MEDIA_RECORDINGS_DIR=$WORK/recordings \
  java $JAVA_OPTS "-Xlog:gc:file=$GC_LOG" -jar "$JAR" >"$WORK/callvert.log" 2>&1 &
CALLVERT_PID=$!
PIDS+=($CALLVERT_PID)
for _ in $(seq 600); do
  curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/health" && break
  kill -0 "$CALLVERT_PID" 2>/dev/null || break
  sleep 0.1
done
curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/health" \
  || { cat "$WORK/callvert.log" >&2; echo "soak: Callvert did not start" >&2; exit 1; }

echo "soak: $(nproc) cores, $(java -version 2>&1 | head -1), JAVA_OPTS='$JAVA_OPTS', retention ${RETENTION_MS} ms"
# the driver gets a deadline of its own: the run, plus set-up and the last calls' wind-down
rc=0
timeout $(( ${MINUTES%.*} * 60 + 180 )) \
  java -Xmx512m -cp "$JAR:$TEST_CLASSES" io.callvert.verticles.bench.Soak "$PORT" "$CALLVERT_PID" "$MINUTES" \
  "$RATE" "$MAX_IN_FLIGHT" "$((RETENTION_MS + 60000))" &
DRIVER_PID=$!
PIDS+=($DRIVER_PID)
wait "$DRIVER_PID" || rc=$?
kill -0 "$CALLVERT_PID" 2>/dev/null || { echo "soak: Callvert died" >&2; tail -50 "$WORK/callvert.log" >&2; rc=1; }
if grep -qiE 'OutOfMemoryError' "$WORK/callvert.log"; then
  echo "soak: Callvert ran out of memory" >&2
  rc=1
fi
echo "soak: Callvert's GC log: $(grep -c 'Pause' "$GC_LOG" || true) pauses; last: $(grep 'Pause' "$GC_LOG" | tail -1)"
exit "$rc"
