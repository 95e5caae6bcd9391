#!/usr/bin/env bash
# Worker-thread scaling on a many-core machine (a lent 16-core device): Volley on
# cores 0..W-1 with W workers (32 users each), the target on every other core, for
# W in $WORKERS (default 1 2 4 8 12 14), 8 s each. Prints req/s per W, the ratio to
# one worker against the goal 0.9*W, and the target's CPU use (its headroom: a
# target near 100% of its cores is the limit, not Volley).
#
# The target is nginx with one worker process per target core when an `nginx`
# binary is found (PATH, /usr/sbin, or .volley-cache/device/nginx with its libraries
# in .volley-cache/device/lib), else a node:cluster target (bench/lib/cluster-target.mjs),
# which is the limit beyond a few workers. Needs .volley-cache/device/{node.xz,nm.tar.xz}
# (a Node binary and production node_modules) and dist/ carried from the developer
# machine, or node and node_modules already there.
set -euo pipefail
D=.volley-cache/device
OUT=${OUT:-/tmp/volley-scaling}
WORKERS=${WORKERS:-"1 2 4 8 12 14"}
CORES=$(nproc)
mkdir -p "$OUT" /tmp/vbin
if ! command -v node >/dev/null; then
  python3 -c "import lzma,shutil; shutil.copyfileobj(lzma.open('$D/node.xz'), open('/tmp/vbin/node','wb'))"
  chmod +x /tmp/vbin/node
  export PATH=/tmp/vbin:$PATH
fi
[ -d node_modules ] || python3 -c "import tarfile; tarfile.open('$D/nm.tar.xz').extractall('.')"
NGINX=$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || { [ -x $D/nginx ] && echo $D/nginx; } || true)
[ -d $D/lib ] && export LD_LIBRARY_PATH=$PWD/$D/lib
echo "cores: $CORES, node $(node --version), target: ${NGINX:-node:cluster (no nginx found)}"

# Starts the target on cores $1-$2; prints its port; its pids go to $OUT/target.pids.
start_target() {
  local first=$1 last=$2 n=$(($2 - $1 + 1)) port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  if [ -n "$NGINX" ]; then
    local dir="$OUT/nginx" mask
    mkdir -p "$dir/tmp"
    mask=$(python3 -c "print(' '.join(format(1<<c,'b') for c in range($first,$last+1)))")
    cat > "$dir/nginx.conf" <<CONF
worker_processes $n;
worker_cpu_affinity $mask;
daemon off;
pid $dir/nginx.pid;
error_log stderr warn;
events { worker_connections 16384; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body; proxy_temp_path $dir/tmp/proxy; fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi; scgi_temp_path $dir/tmp/scgi;
  keepalive_requests 100000000; keepalive_timeout 120s;
  server { listen 127.0.0.1:$port reuseport; location / { default_type text/plain; return 200 "ok\n"; } }
}
CONF
    taskset -c "$first-$last" "$NGINX" -p "$dir" -c "$dir/nginx.conf" -e stderr > /dev/null 2> "$OUT/nginx.log" &
    echo $! > "$OUT/target.pids"
  else
    taskset -c "$first-$last" node bench/lib/cluster-target.mjs "$n" > "$OUT/vport" &
    echo $! > "$OUT/target.pids"
    for _ in $(seq 50); do [ -s "$OUT/vport" ] && break; sleep 0.2; done
    port=$(head -1 "$OUT/vport")
  fi
  for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),1)" 2>/dev/null && break; sleep 0.1; done
  echo "$port"
}

# CPU seconds (user+system) of the target's processes: the parent and its children.
target_cpu() {
  python3 - "$(cat "$OUT/target.pids")" <<'PY'
import os, sys
root = int(sys.argv[1]); tick = os.sysconf('SC_CLK_TCK'); total = 0
for pid in os.listdir('/proc'):
    if not pid.isdigit(): continue
    try: st = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
    except OSError: continue
    if int(pid) == root or int(st[1]) == root: total += int(st[11]) + int(st[12])
print(total / tick)
PY
}

: > "$OUT/rows"
for W in $WORKERS; do
  [ "$W" -lt "$CORES" ] || { echo "skip W=$W: needs at least one core for the target"; continue; }
  PORT=$(start_target "$W" $((CORES - 1)))
  before=$(target_cpu)
  CI=true taskset -c 0-$((W - 1)) node bin/bench.js run bench/scenarios/http-get.ts -w "$W" -u $((W * 32)) -t 8s --headless \
    -H "http://127.0.0.1:$PORT" --out "$OUT/w$W" > "$OUT/w$W.log" 2>&1 || true
  after=$(target_cpu)
  kill "$(cat "$OUT/target.pids")" 2>/dev/null || true
  wait 2>/dev/null || true
  echo "$W $((CORES - W)) $before $after" >> "$OUT/rows"
done
python3 - "$OUT" <<'PY'
import json, sys, os
out = sys.argv[1]
base = None
print(f"{'workers':>7} {'users':>6} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'vs 1 worker':>12} {'goal 0.9W':>10} {'target cores':>13} {'target busy':>12}")
for line in open(os.path.join(out, 'rows')):
    w, tc, before, after = line.split(); w, tc = int(w), int(tc)
    p = os.path.join(out, f"w{w}", "summary.json")
    if not os.path.exists(p):
        print(f"{w:>7} (no summary; see {out}/w{w}.log)"); continue
    s = json.load(open(p)); t = s["total"]
    if w == 1: base = t["rps"]
    ratio = t["rps"] / base if base else float('nan')
    busy = (float(after) - float(before)) / (s["meta"]["durationMs"] / 1000) / tc
    print(f"{w:>7} {w*32:>6} {t['rps']:>10.0f} {t['latencyMs']['p50']:>8.2f} {t['latencyMs']['p99']:>8.2f} {ratio:>11.2f}x {0.9*w:>9.1f}x {tc:>13} {busy:>11.0%}")
PY
