#!/usr/bin/env bash
# A real Milvus (the embedded standalone server of the PyPI package `milvus`, "Milvus Lite" 2.3)
# on loopback, for the conformance and end-to-end suites. No Docker needed.
#
#   scripts/real-milvus.sh start    install (once) into .venv-milvus/, start, wait until healthy
#   scripts/real-milvus.sh stop     stop the whole process group, delete the throw-away data dir
#   scripts/real-milvus.sh status   exit 0 when running and healthy, 1 otherwise
#   scripts/real-milvus.sh env      MILVUS_ADDRESS=… and MILVUS_TOKEN=… lines for eval
#   scripts/real-milvus.sh clean    stop, then remove .real-milvus/ (unpacked binaries, last logs)
#
# Environment:
#   REAL_MILVUS_PORT         proxy (client) port, default 19530. The server's other ports are
#                            PORT-1 and PORT+1..PORT+10 (PORT+8/+9 embedded etcd, PORT+10 the web
#                            service with /healthz). Every subcommand acts on the server of this
#                            port, so servers on different ports can run side by side.
#   REAL_MILVUS_VERSION      PyPI `milvus` version, default 2.3.5 (the newest with a Linux x86_64
#                            wheel: 2.3.6-2.3.9 were published for macOS arm64 only).
#   REAL_MILVUS_TIMEOUT      seconds to wait for health, default 180
#   REAL_MILVUS_EXTRA_CONFIG space-separated key=value Milvus settings, e.g.
#                            "proxy.maxRoleNum=20 proxy.maxUserNum=200"; with
#                            proxy.accessLog.enable=true and proxy.accessLog.localPath=logs,
#                            `env` also prints MILVUS_ACCESS_LOG (the access log's file)
#   REAL_MILVUS_DIR          state dir, default <project>/.real-milvus
#   REAL_MILVUS_VENV         venv dir, default <project>/.venv-milvus
#
# Notes: the root password is Milvus's default ("Milvus"); authorization is on. Milvus 2.3 listens
# with its gRPC servers on all interfaces (it has no listen-address setting); every address it
# advertises is 127.0.0.1 and its embedded etcd listens on 127.0.0.1 only.
set -euo pipefail

project=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
port=${REAL_MILVUS_PORT:-19530}
version=${REAL_MILVUS_VERSION:-2.3.5}
timeout=${REAL_MILVUS_TIMEOUT:-180}
state=${REAL_MILVUS_DIR:-$project/.real-milvus}
venv=${REAL_MILVUS_VENV:-$project/.venv-milvus}
run_file=$state/run-$port.env    # PGID, PORT, WEB_PORT, BASE, CHILD of the running server
cache=$state/bin-$version        # unpacked server binaries, kept between runs
log=$state/server-$port.log      # stdout/stderr of milvus-server (the launcher)
last_logs=$state/last-logs-$port # the server's own logs, copied here by stop

say() { printf 'real-milvus: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

case $port in ''|*[!0-9]*) die "REAL_MILVUS_PORT must be a number, got '$port'";; esac
((port > 1025 && port + 10 < 32768)) || die "REAL_MILVUS_PORT must be in 1026..32757 (below the ephemeral range)"

load_run() {
  PGID='' PORT='' WEB_PORT='' BASE='' CHILD=''
  # shellcheck disable=SC1090
  [[ -f $run_file ]] && . "$run_file"
  # A recorded pid is ours only while its process still runs with our data dir (pids get reused).
  if [[ -n $PGID && -n $BASE ]] && ! { grep -qaF -- "$BASE" "/proc/$PGID/cmdline" 2>/dev/null ||
    { [[ -n $CHILD ]] && grep -qaF -- "$BASE" "/proc/$CHILD/cmdline" 2>/dev/null; }; }; then
    PGID='' CHILD=''
  fi
  return 0
}

# $1 is the launcher's pid, which is also the process group id once it has called setsid.
group_alive() { [[ -n ${1:-} ]] && { kill -0 -- "-$1" 2>/dev/null || kill -0 "$1" 2>/dev/null; }; }

group_pids() { # every process whose process group is $1
  local pid
  for pid in /proc/[0-9]*; do
    [[ $(awk '{print $5}' "$pid/stat" 2>/dev/null) == "$1" ]] && echo "${pid#/proc/}"
  done
  return 0
}

rss_kib() { # total RSS (KiB) of the process group $1
  local total=0 pid kb
  for pid in $(group_pids "$1"); do
    kb=$(awk '/^VmRSS:/{print $2}' "/proc/$pid/status" 2>/dev/null || true)
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}

healthy() { [[ -n ${WEB_PORT:-} ]] && curl -sf --max-time 2 "http://127.0.0.1:$WEB_PORT/healthz" 2>/dev/null | grep -q OK; }

ensure_venv() {
  local have=''
  if [[ -x $venv/bin/python ]]; then
    have=$("$venv/bin/python" -c 'import milvus; print(milvus.__version__)' 2>/dev/null || true)
  fi
  [[ $have == "$version" ]] && return 0
  mkdir -p "$state"
  say "installing milvus==$version into $venv (log: $state/install.log)"
  {
    [[ -x $venv/bin/python ]] || python3 -m venv "$venv"
    PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
      "$venv/bin/pip" install --quiet --no-input "milvus==$version"
  } >"$state/install.log" 2>&1 </dev/null || {
    tail -n 30 "$state/install.log" >&2
    die "could not install milvus==$version"
  }
}

write_etcd_config() { # the embedded etcd reads this (ETCD_CONFIG_PATH): loopback only, our ports
  cat >"$1" <<EOF
name: milvus-rbac-real
listen-client-urls: http://127.0.0.1:$((port + 8))
advertise-client-urls: http://127.0.0.1:$((port + 8))
listen-peer-urls: http://127.0.0.1:$((port + 9))
initial-advertise-peer-urls: http://127.0.0.1:$((port + 9))
initial-cluster: milvus-rbac-real=http://127.0.0.1:$((port + 9))
initial-cluster-state: new
EOF
}

ports_free() { # the launcher silently moves to the next free port, so insist on ours first
  "$venv/bin/python" - "$@" <<'PY'
import socket, sys
busy = []
for p in map(int, sys.argv[1:]):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Go does: TIME_WAIT is no conflict
    try:
        s.bind(("0.0.0.0", p))
    except OSError:
        busy.append(str(p))
    finally:
        s.close()
if busy:
    print("port(s) in use: " + " ".join(busy), file=sys.stderr)
    sys.exit(1)
PY
}

configured_proxy_port() { # the proxy port the launcher wrote into the server's config
  awk '/^proxy:/ { p = 1; next } /^[^ #]/ { p = 0 } p && /^  port:/ { print $2; exit }' "$1/configs/milvus.yaml" 2>/dev/null || true
}

cmd_start() {
  load_run
  if group_alive "$PGID"; then
    if healthy; then
      say "already running at 127.0.0.1:$PORT (pid $PGID)"
      echo "127.0.0.1:$PORT"
      return 0
    fi
    die "a server started earlier (pid $PGID) is running but not healthy; run '$0 stop' first"
  fi
  [[ -f $run_file ]] && cmd_stop >/dev/null 2>&1 # leftovers of a crashed run

  ensure_venv
  local wanted=() i
  for ((i = -1; i <= 10; i++)); do wanted+=("$((port + i))"); done
  ports_free "${wanted[@]}" || die "cannot start on port $port (it needs ports $((port - 1))-$((port + 10))); set REAL_MILVUS_PORT"
  mkdir -p "$state" "$cache"
  local base
  base=$(mktemp -d "${TMPDIR:-/tmp}/milvus-rbac-real.XXXXXX")
  ln -s "$cache" "$base/bin" # the launcher unpacks its binaries here, once per version
  write_etcd_config "$base/etcd.yaml"

  local args=(
    --data "$base"
    --authorization-enabled true
    --proxy-port "$port" --proxy-internal-port "$((port - 1))"
    --query-coord-port "$((port + 1))" --root-coord-port "$((port + 2))"
    --data-coord-port "$((port + 3))" --query-node-port "$((port + 4))"
    --index-node-port "$((port + 5))" --data-node-port "$((port + 6))"
    --index-coord-port "$((port + 7))" --etcd-port "$((port + 8))"
    --extra-config common.gracefulStopTimeout=10
  )
  local comp kv envs=("ETCD_CONFIG_PATH=$base/etcd.yaml")
  for comp in rootCoord proxy queryCoord queryNode indexNode dataCoord dataNode; do
    args+=(--extra-config "$comp.ip=127.0.0.1")
  done
  # Extra settings go in as environment variables, which Milvus reads for every key (proxy.maxRoleNum
  # -> PROXY_MAXROLENUM) and ranks above its yaml; --extra-config only edits keys the package's
  # config template already has, and the RBAC limits are not among them.
  for kv in ${REAL_MILVUS_EXTRA_CONFIG:-}; do
    [[ $kv == *=* ]] || die "REAL_MILVUS_EXTRA_CONFIG: '$kv' is not key=value"
    local key=${kv%%=*}
    key=${key//./_}
    envs+=("${key^^}=${kv#*=}")
  done

  local t0 pgid
  t0=$(date +%s%N)
  # This runs the package's own `milvus-server` entry point (milvus.main) with two fixes:
  # - its port check binds without SO_REUSEADDR, so a port left in TIME_WAIT by the previous run
  #   counts as taken, and it then silently uses the next free port instead of the one asked
  #   for; here a port is taken only when something listens on it, and a taken port is an error;
  #   the web service (/healthz, METRICS_PORT) goes on PORT+10;
  # - a new session (setsid) makes the launcher and the server it forks one process group,
  #   which stop signals as a whole.
  env "${envs[@]}" "$venv/bin/python" -c '
import os, socket, sys
import milvus

def try_bind_port(self, port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
        sock.listen()
        return sock
    except OSError:
        sock.close()
        return None

def resolve_port(self, port_start):
    sock = self.try_bind_port(port_start)
    if not sock:
        raise RuntimeError(f"port {port_start} is in use")
    return port_start, sock

milvus.MilvusServerConfig.try_bind_port = try_bind_port
milvus.MilvusServerConfig.resolve_port = resolve_port
milvus.default_server.webservice_port = int(sys.argv[1])
os.setsid()
sys.argv = ["milvus-server"] + sys.argv[2:]
milvus.main()' "$((port + 10))" "${args[@]}" >"$log" 2>&1 </dev/null &
  pgid=$!
  local web=$((port + 10)) child=''
  write_run() { printf 'PGID=%s\nPORT=%s\nWEB_PORT=%s\nBASE=%q\nCHILD=%s\n' "$pgid" "$port" "$web" "$base" "$child" >"$run_file"; }
  write_run

  local deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    if ! group_alive "$pgid"; then
      fail "the server exited during start-up"
    fi
    if [[ -z $child ]]; then
      child=$(pgrep -P "$pgid" -x milvus 2>/dev/null | head -n 1 || true)
      [[ -n $child ]] && write_run
    elif ! kill -0 "$child" 2>/dev/null; then
      fail "the server process exited during start-up" # the launcher itself would wait forever
    fi
    WEB_PORT=$web
    local got
    got=$(configured_proxy_port "$base")
    if [[ -n $got && $got != "$port" ]]; then
      fail "port $port was taken while starting (the launcher moved the proxy to $got)"
    fi
    if healthy && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      local ms=$((($(date +%s%N) - t0) / 1000000))
      say "ready in $((ms / 1000)).$(printf '%03d' $((ms % 1000))) s; pid $pgid; RSS $(($(rss_kib "$pgid") / 1024)) MiB; health http://127.0.0.1:$web/healthz; data $base"
      echo "127.0.0.1:$port"
      return 0
    fi
    sleep 0.2
  done
  fail "not healthy after ${timeout}s"
}

fail() { # print what explains a failed start, stop everything, exit non-zero
  load_run
  say "$1; launcher output ($log):"
  tail -n 20 "$log" >&2 || true
  if [[ -n $BASE && -d $BASE/logs ]]; then
    local f
    for f in "$BASE/logs/milvus-stderr.log" "$BASE/logs/milvus-stdout.log"; do
      [[ -s $f ]] && { say "--- tail of $f"; tail -n 15 "$f" >&2; }
    done
  fi
  cmd_stop >/dev/null 2>&1 || true
  exit 1
}

cmd_stop() {
  load_run
  if [[ -z $PGID ]]; then
    [[ -n $BASE && -d $BASE ]] && rm -rf -- "$BASE" # left by a server that died on its own
    rm -f "$run_file"
    say "not running"
    return 0
  fi
  if [[ -z $CHILD ]]; then # the server process, if start stopped before it recorded it
    CHILD=$(pgrep -P "$PGID" -x milvus 2>/dev/null | head -n 1 || true)
  fi
  if group_alive "$PGID"; then
    kill -TERM -- "-$PGID" 2>/dev/null || kill -TERM "$PGID" 2>/dev/null || true
    local i
    for ((i = 0; i < 100; i++)); do # 20 s; a clean stop takes about 1.5 s
      group_alive "$PGID" || break
      sleep 0.2
    done
    if group_alive "$PGID"; then
      say "still running after SIGTERM; sending SIGKILL"
      kill -KILL -- "-$PGID" 2>/dev/null || kill -KILL "$PGID" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do
        group_alive "$PGID" || break
        sleep 0.1
      done
    fi
  fi
  # The server is forked by the launcher into the same group; check it by pid too.
  if [[ -n $CHILD ]] && kill -0 "$CHILD" 2>/dev/null; then
    kill -KILL "$CHILD" 2>/dev/null || true
  fi
  group_alive "$PGID" && die "could not stop process group $PGID"
  if [[ -n $BASE && -d $BASE ]]; then
    rm -rf "$last_logs"
    [[ -d $BASE/logs ]] && cp -r "$BASE/logs" "$last_logs" 2>/dev/null || true
    rm -rf -- "$BASE"
  fi
  # Milvus 2.3 also writes /tmp/milvus/server_id_<pid> (a fixed path).
  if [[ -n $CHILD ]]; then
    rm -f "/tmp/milvus/server_id_$CHILD"
    rmdir /tmp/milvus 2>/dev/null || true
  fi
  rm -f "$run_file"
  say "stopped (server logs kept in $last_logs)"
}

cmd_status() {
  load_run
  if group_alive "$PGID" && healthy; then
    echo "running 127.0.0.1:$PORT pid=$PGID health=http://127.0.0.1:$WEB_PORT/healthz rss_mib=$(($(rss_kib "$PGID") / 1024)) data=$BASE"
    return 0
  fi
  if group_alive "$PGID"; then
    echo "unhealthy pid=$PGID port=$PORT"
  else
    echo "not running"
  fi
  return 1
}

cmd_env() {
  load_run
  echo "MILVUS_ADDRESS=127.0.0.1:${PORT:-$port}"
  echo "MILVUS_TOKEN=root:Milvus"
  # With the access log on and written under the data dir (proxy.accessLog.localPath=logs), its file.
  if [[ " ${REAL_MILVUS_EXTRA_CONFIG:-} " == *" proxy.accessLog.enable=true "* && -n ${BASE:-} ]]; then
    echo "MILVUS_ACCESS_LOG=$BASE/logs/access.log"
  fi
}

cmd_clean() {
  cmd_stop
  rm -rf -- "$state"
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  clean) cmd_clean ;;
  *) echo "usage: $0 start|stop|status|env|clean" >&2; exit 2 ;;
esac
