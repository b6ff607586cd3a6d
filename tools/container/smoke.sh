#!/usr/bin/env bash
# Builds the gateway's image (docker/Dockerfile) with podman and smoke-tests it:
#   the container connects to a nats-server and the exchange simulator on the host, publishes trades
#   (on md.trade.binance.BTC-USDT and into the JetStream stream), answers /readyz and its HEALTHCHECK,
#   and exits 0 within 10 s of SIGTERM (`podman stop`).
#
#   bash tools/container/smoke.sh
#
# Needs root or sudo for apt-get (podman and friends are installed when missing). Everything podman
# keeps lives under $TICKGATE_CONTAINERS_DIR (default ~/.cache/tickgate/containers, outside the clone so
# that CI's fresh clones share it): its own containers.conf and storage.conf, image store and run state;
# nothing of the machine's container setup is used or changed. The base image (Debian bookworm by
# debootstrap + this machine's node and npm) and the build's layers are cached there, so a later run
# only rebuilds what changed. `rm -rf` that folder to start cold.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export NX_DAEMON=false NX_NO_CLOUD=true

WORK=${TICKGATE_CONTAINERS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tickgate/containers}
IMAGE=localhost/tickgate-gateway:smoke
BUILD_STAGE=localhost/tickgate-gateway-build:smoke
DEBIAN_BASE=localhost/debian-base:bookworm
SUBJECT=md.trade.binance.BTC-USDT
TRADES=20
# What to build: `worktree` (default: the files git does not ignore, committed or not) or `head` (the
# last commit only, e.g. while others have unfinished edits in the same checkout).
SOURCE=${TICKGATE_SMOKE_SOURCE:-worktree}
case "$SOURCE" in worktree | head) ;; *) echo "TICKGATE_SMOKE_SOURCE must be worktree or head" >&2; exit 2 ;; esac

START_NS=$(date +%s%N)
STEP_NS=$START_NS
STEP_NAME=""
elapsed() { printf '%.1f' "$(( ($(date +%s%N) - $1) / 1000000 ))e-3"; }
end_step() { [ -z "$STEP_NAME" ] || printf '    done in %ss\n' "$(elapsed "$STEP_NS")"; STEP_NAME=""; }
step() {
  end_step
  STEP_NAME=$*
  STEP_NS=$(date +%s%N)
  printf '\n==> [%6ss] %s\n' "$(elapsed "$START_NS")" "$*"
}
fail() {
  printf '\nSMOKE FAILED (%s): %s\n' "${STEP_NAME:-setup}" "$*" >&2
  exit 1
}
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

# --- processes and containers to clean up, whatever happens ---
RUN_DIR=""
NATS_PID=""
SIM_PID=""
CONTAINER=""
cleanup() {
  local code=$?
  set +e
  if [ -n "$CONTAINER" ]; then
    if [ "$code" != 0 ]; then
      printf '\n--- last container logs (%s) ---\n' "$CONTAINER" >&2
      podman logs --tail 40 "$CONTAINER" >&2 2>&1
    fi
    podman rm -f -t 0 "$CONTAINER" >/dev/null 2>&1
  fi
  for pid in $SIM_PID $NATS_PID; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  if [ -n "$RUN_DIR" ]; then
    if [ "$code" != 0 ]; then
      for log in "$RUN_DIR"/*.log; do
        [ -f "$log" ] && { printf '\n--- %s (last lines) ---\n' "$log" >&2; tail -n 20 "$log" >&2; }
      done
    fi
    rm -rf "$RUN_DIR"
  fi
  [ "$code" = 0 ] || printf '\nsmoke test failed after %ss\n' "$(elapsed "$START_NS")" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------------
step "host packages: podman, runc, netavark, debootstrap, nats-server"
PACKAGES=(podman runc netavark aardvark-dns slirp4netns uidmap debootstrap podman-compose curl)
[ -x /usr/sbin/nats-server ] || command -v nats-server >/dev/null 2>&1 || PACKAGES+=(nats-server)
MISSING=()
for p in "${PACKAGES[@]}"; do
  [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == *'install ok installed'* ]] || MISSING+=("$p")
done
if [ ${#MISSING[@]} -gt 0 ]; then
  echo "    installing: ${MISSING[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq || fail "apt-get update failed"
  $SUDO apt-get install -y -qq --no-install-recommends "${MISSING[@]}" >/dev/null || fail "apt-get install ${MISSING[*]} failed"
else
  echo "    all present"
fi
NATS_SERVER=$(command -v nats-server || echo /usr/sbin/nats-server)
[ -x "$NATS_SERVER" ] || fail "nats-server not found"
echo "    $(podman --version), $("$NATS_SERVER" --version), node $(node --version)"

# ---------------------------------------------------------------------------------------------------
step "lint docker/Dockerfile (dockerfile-utils from npm, not a project dependency)"
mkdir -p "$WORK"
npx --yes dockerfile-utils@0.16.3 lint docker/Dockerfile >"$WORK/lint.log" 2>&1 \
  || { grep -v "npm warn" "$WORK/lint.log" >&2; fail "docker/Dockerfile has lint errors"; }
rm -f "$WORK/lint.log"
echo "    clean"

# ---------------------------------------------------------------------------------------------------
step "podman configuration of the project's own in $WORK"
mkdir -p "$WORK/storage" "$WORK/run" "$WORK/tmp"
cat >"$WORK/containers.conf" <<EOF
# Written by tools/container/smoke.sh.
[containers]
# The default limits cannot be raised on this kind of machine.
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
# crun refuses the hybrid cgroup layout here; runc works.
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$WORK/run/events.log"
tmp_dir = "$WORK/run/libpod"
volume_path = "$WORK/storage/volumes"

[network]
network_config_dir = "$WORK/networks"
EOF
cat >"$WORK/storage.conf" <<EOF
# Written by tools/container/smoke.sh.
[storage]
driver = "overlay"
graphroot = "$WORK/storage"
runroot = "$WORK/run/storage"
EOF
export CONTAINERS_CONF="$WORK/containers.conf"
export CONTAINERS_STORAGE_CONF="$WORK/storage.conf"
export TMPDIR="$WORK/tmp"
podman info --format '    storage {{.Store.GraphDriverName}} at {{.Store.GraphRoot}}, runtime {{.Host.OCIRuntime.Name}}' \
  || fail "podman does not start with $CONTAINERS_CONF (see the error above)"

# ---------------------------------------------------------------------------------------------------
NODE_BIN=$(readlink -f "$(command -v node)")
NPM_DIR=$(npm root -g 2>/dev/null)/npm
NODE_VERSION=$(node -p process.versions.node)
NPM_VERSION=$(node -p "require('$NPM_DIR/package.json').version")
NODE_BASE="localhost/tickgate-node-base:node${NODE_VERSION}-npm${NPM_VERSION}"
step "base image $NODE_BASE (Debian bookworm + this machine's node and npm)"
if podman image exists "$NODE_BASE"; then
  echo "    cached"
else
  if podman image exists "$DEBIAN_BASE"; then
    echo "    $DEBIAN_BASE cached"
  else
    MIRROR=$(sed -n 's/^URIs:[[:space:]]*\(http[^[:space:]]*\/debian\)\/\?$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
    [ -n "$MIRROR" ] || MIRROR=$(sed -n 's/^deb[[:space:]]\+\(http[^[:space:]]*\/debian\)\/\?[[:space:]]\+bookworm[[:space:]].*/\1/p' /etc/apt/sources.list 2>/dev/null | head -n 1)
    [ -n "$MIRROR" ] || MIRROR=http://deb.debian.org/debian
    echo "    debootstrap --variant=minbase bookworm from $MIRROR"
    ROOTFS="$WORK/rootfs"
    $SUDO rm -rf "$ROOTFS"
    $SUDO debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
      || { tail -n 20 "$WORK/debootstrap.log" >&2; fail "debootstrap failed (log: $WORK/debootstrap.log)"; }
    $SUDO rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
    $SUDO tar -C "$ROOTFS" -c . | podman import --quiet - "$DEBIAN_BASE" >/dev/null || fail "podman import of the Debian root failed"
    $SUDO rm -rf "$ROOTFS"
  fi
  CTX="$WORK/node-base"
  rm -rf "$CTX" && mkdir -p "$CTX"
  cp "$NODE_BIN" "$CTX/node"
  cp -a "$NPM_DIR" "$CTX/npm"
  cat >"$CTX/Containerfile" <<EOF
FROM $DEBIAN_BASE
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && node --version && npm --version
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CMD ["node"]
EOF
  podman build --quiet --network host -t "$NODE_BASE" "$CTX" >/dev/null || fail "building $NODE_BASE failed"
  rm -rf "$CTX"
fi

# ---------------------------------------------------------------------------------------------------
step "build context ($SOURCE)"
CONTEXT="$WORK/context"
rm -rf "$CONTEXT" && mkdir -p "$CONTEXT"
if [ "$SOURCE" = head ]; then
  git -C "$ROOT" archive --format=tar HEAD | tar -C "$CONTEXT" -xf - || fail "git archive HEAD failed"
elif git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git -C "$ROOT" ls-files -z --cached --others --exclude-standard \
    | (cd "$ROOT" && xargs -0 sh -c 'for f; do [ -f "$f" ] && printf "%s\0" "$f"; done' _) \
    | tar -C "$ROOT" --null -cf - -T - | tar -C "$CONTEXT" -xf -
else
  tar -C "$ROOT" --exclude=node_modules --exclude=dist --exclude=out-tsc --exclude=.nx --exclude=./tmp --exclude=.git -cf - . \
    | tar -C "$CONTEXT" -xf -
fi
# One fixed time on every file, so that podman's layer cache hits when only the copy is new.
find "$CONTEXT" -exec touch -h -d '2000-01-01T00:00:00Z' {} +
echo "    $(find "$CONTEXT" -type f | wc -l) files, $(du -sh "$CONTEXT" | cut -f1)"

# ---------------------------------------------------------------------------------------------------
step "podman build docker/Dockerfile → $IMAGE"
BUILD_ARGS=(--format docker --layers --network host --build-arg BASE_IMAGE="$NODE_BASE" -f "$CONTEXT/docker/Dockerfile")
# The CA bundle and npm config are lent to the RUN steps only (npm ci); nothing of them stays in the image.
BUILD_ARGS+=(-v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro)
[ -f /etc/npmrc ] && BUILD_ARGS+=(-v /etc/npmrc:/usr/local/etc/npmrc:ro)
: >"$WORK/build.log"
# The build stage is tagged too, so that its layers (npm ci, nx build) stay cached for the next run and
# only superseded layers are pruned.
for target in build runtime; do
  tag=$IMAGE; [ "$target" = build ] && tag=$BUILD_STAGE
  podman build "${BUILD_ARGS[@]}" --target "$target" -t "$tag" "$CONTEXT" >>"$WORK/build.log" 2>&1 \
    || { tail -n 40 "$WORK/build.log" >&2; fail "podman build (target $target) failed (log: $WORK/build.log)"; }
done
printf '    %s of %s steps cached; ' "$(grep -c -e '--> Using cache' "$WORK/build.log" || true)" "$(grep -c -E 'STEP [0-9]+/[0-9]+:' "$WORK/build.log" || true)"
podman image inspect "$IMAGE" --format '{{.Size}} {{.Config.User}} {{.Config.StopSignal}} {{json .Config.Entrypoint}} {{json .Config.Cmd}}' \
  | { read -r size user signal entry cmd
      printf 'image %s MB, user %s, stop signal %s, entrypoint %s %s\n' "$(( size / 1000000 ))" "$user" "$signal" "$entry" "$cmd"
      case "$user" in "" | root | 0 | 0:*) fail "the image runs as root" ;; esac
      [ "$signal" = SIGTERM ] || fail "stop signal is '$signal', not SIGTERM"; }
# (Output captured first: with pipefail, `cmd | grep -q` fails when grep exits at its match while cmd still writes.)
[[ "$(podman image inspect "$IMAGE" --format '{{json .HealthCheck}}')" == *healthcheck.mjs* ]] || fail "the image has no HEALTHCHECK"
podman image prune -f >/dev/null 2>&1 || true

# ---------------------------------------------------------------------------------------------------
step "host side: workspace dependencies and the built simulator"
[ -d node_modules/@nats-io/transport-node ] || npm ci --no-audit --no-fund
SIM_MAIN=packages/exchange-sim/dist/main.js
if [ ! -f "$SIM_MAIN" ] || [ -n "$(find packages/exchange-sim/src -newer "$SIM_MAIN" -print -quit)" ]; then
  npx nx run-many -t build -p @tickgate/exchange-sim --output-style=stream >"$WORK/sim-build.log" 2>&1 \
    || { tail -n 30 "$WORK/sim-build.log" >&2; fail "building the simulator failed"; }
  echo "    built $SIM_MAIN"
else
  echo "    $SIM_MAIN is up to date"
fi

# ---------------------------------------------------------------------------------------------------
step "compose file (static check: no registry here to pull the NATS image)"
node tools/container/check-compose.mjs docker/compose.yaml | sed 's/^/    /'

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
wait_for_line() { # file, pattern, seconds, what
  local deadline=$(( $(date +%s) + $3 ))
  until grep -q -E "$2" "$1" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "$4 did not start within $3 s"
    sleep 0.1
  done
}

# ---------------------------------------------------------------------------------------------------
step "start nats-server -js and the simulator on the host"
RUN_DIR=$(mktemp -d "$WORK/run/smoke.XXXXXX")
NATS_PORT=$(free_port)
"$NATS_SERVER" -js -a 127.0.0.1 -p "$NATS_PORT" -sd "$RUN_DIR/jetstream" >"$RUN_DIR/nats.log" 2>&1 &
NATS_PID=$!
wait_for_line "$RUN_DIR/nats.log" 'Server is ready' 15 "nats-server"
node "$SIM_MAIN" --port 0 --rate 20 >"$RUN_DIR/sim.log" 2>&1 &
SIM_PID=$!
wait_for_line "$RUN_DIR/sim.log" 'listening' 15 "the simulator"
SIM_PORT=$(sed -n 's/.*ws ws:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$RUN_DIR/sim.log" | head -n 1)
[ -n "$SIM_PORT" ] || fail "no port in the simulator's line: $(head -n 1 "$RUN_DIR/sim.log")"
echo "    nats://127.0.0.1:$NATS_PORT (pid $NATS_PID), simulator on port $SIM_PORT (pid $SIM_PID)"

# ---------------------------------------------------------------------------------------------------
step "run the container (--network host, mounted config, HTTP port from the environment)"
HTTP_PORT=$(free_port)
cat >"$RUN_DIR/gateway.yaml" <<EOF
nats:
  servers: [nats://127.0.0.1:$NATS_PORT]
  stream: MD
  name: tickgate-smoke
http:
  host: 127.0.0.1
log:
  level: info
feeds:
  - venue: binance
    instruments: [BTC-USDT]
    wsUrl: ws://127.0.0.1:$SIM_PORT
    restUrl: http://127.0.0.1:$SIM_PORT
    reconcile:
      priceCheckIntervalMs: 0
EOF
chmod 0644 "$RUN_DIR/gateway.yaml"
CONTAINER="tickgate-smoke-$$"
# podman cannot schedule the healthcheck timer without systemd and says so on stderr: kept in podman.log.
podman run -d --name "$CONTAINER" --network host \
  -v "$RUN_DIR/gateway.yaml:/etc/tickgate/gateway.yaml:ro" \
  -e TICKGATE_HTTP_PORT="$HTTP_PORT" \
  "$IMAGE" >/dev/null 2>>"$RUN_DIR/podman.log" || fail "podman run failed"
echo "    container $CONTAINER, http://127.0.0.1:$HTTP_PORT"

step "wait for /readyz = 200"
DEADLINE=$(( $(date +%s) + 60 ))
until [ "$(curl -s -o "$RUN_DIR/readyz.json" -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/readyz")" = 200 ]; do
  [ "$(podman inspect -f '{{.State.Running}}' "$CONTAINER")" = true ] \
    || fail "the container exited (code $(podman inspect -f '{{.State.ExitCode}}' "$CONTAINER")) before it was ready"
  [ "$(date +%s)" -lt "$DEADLINE" ] || fail "/readyz not 200 within 60 s: $(cat "$RUN_DIR/readyz.json" 2>/dev/null)"
  sleep 0.2
done
echo "    $(cat "$RUN_DIR/readyz.json")"

step "trades on $SUBJECT and in the stream"
node tools/container/check-trades.mjs "nats://127.0.0.1:$NATS_PORT" "$SUBJECT" "$TRADES" 20000 MD >"$RUN_DIR/check.log" 2>&1 \
  || { cat "$RUN_DIR/check.log" >&2; fail "trades from the container did not arrive as expected"; }
sed 's/^/    /' "$RUN_DIR/check.log"
curl -sf "http://127.0.0.1:$HTTP_PORT/metrics" >"$RUN_DIR/metrics.txt" || fail "/metrics did not answer"
echo "    /metrics: $(grep -c -v '^#' "$RUN_DIR/metrics.txt") samples"

step "HEALTHCHECK (podman healthcheck run)"
HEALTH=$(podman healthcheck run "$CONTAINER" 2>&1) || fail "healthcheck failed: $HEALTH"
echo "    ${HEALTH:-healthy}"

step "podman stop (SIGTERM): exit code 0 within 10 s"
STOP_NS=$(date +%s%N)
podman stop -t 10 "$CONTAINER" >/dev/null 2>>"$RUN_DIR/podman.log" || fail "podman stop failed"
STOP_S=$(elapsed "$STOP_NS")
EXIT_CODE=$(podman inspect -f '{{.State.ExitCode}}' "$CONTAINER")
echo "    stopped in ${STOP_S}s, exit code $EXIT_CODE"
[ "$EXIT_CODE" = 0 ] || fail "the gateway exited $EXIT_CODE on SIGTERM"
[ "$(( ($(date +%s%N) - STOP_NS) / 1000000 ))" -lt 9500 ] || fail "stopping took ${STOP_S}s: SIGTERM not handled (podman killed it)"
[[ "$(podman logs "$CONTAINER" 2>&1)" == *'"signal":"SIGTERM"'* ]] || fail "the gateway did not log its SIGTERM stop"

end_step
printf '\nSMOKE OK in %ss: image %s built, published trades, ready, healthy, stopped cleanly on SIGTERM\n' \
  "$(elapsed "$START_NS")" "$IMAGE"
