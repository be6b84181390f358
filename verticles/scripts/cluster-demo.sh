#!/usr/bin/env bash
# Three Callvert fat-jar processes on one machine forming one cluster (Hazelcast on loopback).
# Drives one call through all three nodes, kills the node that owns a call with SIGKILL, and
# checks that the bot was told (terminated 500/9100) — printing the timings it measured.
#
#   verticles/scripts/cluster-demo.sh          (builds the jar first if it is missing)
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=verticles/target/callvert.jar
[ -f "$JAR" ] || mvn -B -q package -DskipTests
WORK=$(mktemp -d)
SINK_PORT=${SINK_PORT:-9190}
T='Authorization: Bearer callvert-dev-token'; J='Content-Type: application/json'
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
now_ms() { date +%s%3N; }

java verticles/scripts/WebhookSink.java "$SINK_PORT" > "$WORK/sink.log" 2>&1 & pids+=($!)
t0=$(now_ms)
for i in 1 2 3; do
  CALLVERT_CLUSTER_ENABLED=true CALLVERT_CLUSTER_PORT=$((5700 + i)) CALLVERT_HTTP_PORT=$((8090 + i)) \
  CALLVERT_CALLEE_ANSWER_DELAY_MS=100 CALLVERT_MEDIA_RECORDINGS_DIR="$WORK/rec$i" \
    java -Xmx512m -jar "$JAR" > "$WORK/node$i.log" 2>&1 & pids+=($!)
done
for i in 1 2 3; do
  until curl -sf "localhost:$((8090 + i))/health" >/dev/null; do sleep 0.2; done
done
until curl -sf "localhost:$SINK_PORT/received" >/dev/null; do sleep 0.2; done
echo "cluster of 3 processes up in $(( $(now_ms) - t0 )) ms (JVM start included)"

first_id() { grep -o '"id":"[0-9a-f-]\{36\}"' | head -1 | cut -d'"' -f4; }
create() { # $1 node
  curl -sf "localhost:$((8090 + $1))/v1.0/communications/calls" -H "$T" -H "$J" -d "{
    \"callbackUri\": \"http://127.0.0.1:$SINK_PORT/callback\",
    \"targets\": [{\"identity\": {\"phone\": {\"id\": \"+15550100\"}}}],
    \"mediaConfig\": {\"@odata.type\": \"#microsoft.graph.serviceHostedMediaConfig\"}}" | first_id
}
# a call owned by node 3, driven through nodes 1 and 2
CALL=$(create 3)
until curl -s "localhost:$SINK_PORT/received" | grep "$CALL" | grep -q '"established"'; do sleep 0.1; done
OP=$(curl -sf "localhost:8091/v1.0/communications/calls/$CALL/playPrompt" -H "$T" -H "$J" \
  -d "{\"prompts\":[{\"mediaInfo\":{\"uri\":\"http://127.0.0.1:$SINK_PORT/prompt.wav\"}}]}" | first_id)
curl -sf "localhost:8092/v1.0/communications/calls/$CALL/operations/$OP" -H "$T" | grep -q '"running"' \
  && echo "playPrompt sent through node 1 is running, as node 2 reports"

kill -9 "${pids[3]}"; killed=$(now_ms)
echo "node 3 killed with SIGKILL"
until curl -s "localhost:$SINK_PORT/received" | grep "$CALL" | grep -q '"subcode":9100'; do
  if (( $(now_ms) - killed > 20000 )); then echo "FAIL: the bot was not told within 20 s"; exit 1; fi
  sleep 0.1
done
echo "the bot was told the call ended (500/9100) $(( $(now_ms) - killed )) ms after the kill"
curl -s "localhost:$SINK_PORT/received" | grep "$OP" | grep -q '"subcode":9101' && echo "and its running prompt failed (500/9101)"
code=$(curl -s -o /dev/null -w '%{http_code}' "localhost:8091/v1.0/communications/calls/$CALL" -H "$T")
[ "$code" = 404 ] && echo "requests for the lost call now answer 404" || { echo "FAIL: expected 404, got $code"; exit 1; }
echo "OK"
