# Sourced by the benchmark scripts: a work directory, and the processes they start (append each pid
# to PIDS) stopped on exit, politely first (10 s), then with kill -9; plus what more than one of them
# needs (wait_for, cancel_script).
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# waits until `curl ARGS...` succeeds (2xx), at most $1 seconds
wait_for() {
  local seconds=$1; shift
  for _ in $(seq $((seconds * 10))); do
    curl -sf -o /dev/null --max-time 1 "$@" && return 0
    sleep 0.1
  done
  return 1
}

# writes to $2 a wrk script POSTing cancelMediaProcessing (Bearer $TOKEN) to a random call id of file $1
cancel_script() {
  {
    echo 'local ids = {'
    sed 's/.*/  "&",/' "$1"
    echo '}'
    cat <<LUA
local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer $TOKEN" }
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function init(args)
  math.randomseed(os.time() * 1000 + tid)
end
function request()
  return wrk.format("POST", "/v1.0/communications/calls/" .. ids[math.random(#ids)] .. "/cancelMediaProcessing",
    headers, "{}")
end
LUA
  } >"$2"
}
