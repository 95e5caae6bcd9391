#!/usr/bin/env bash
# Worker-thread scaling on a many-core machine (the lent 16-core device): a
# cluster target on cores 8-15, Volley on cores 0..W-1 with W = 1, 2, 4, 8 workers,
# 32 users per worker, 8 s each. Prints req/s per W and the ratio to 1 worker.
# Needs .volley-cache/device/{node.xz,nm.tar.xz} (a Node binary and production
# node_modules) and dist/ carried from the developer machine.
set -euo pipefail
D=.volley-cache/device
OUT=${OUT:-/tmp/volley-scaling}
mkdir -p "$OUT" /tmp/vbin
python3 -c "import lzma,shutil; shutil.copyfileobj(lzma.open('$D/node.xz'), open('/tmp/vbin/node','wb'))"
chmod +x /tmp/vbin/node
[ -d node_modules ] || python3 -c "import tarfile; tarfile.open('$D/nm.tar.xz').extractall('.')"
export PATH=/tmp/vbin:$PATH
echo "cores: $(nproc), node $(node --version)"
taskset -c 8-15 node bench/lib/cluster-target.mjs 8 > /tmp/vport &
TPID=$!
for _ in $(seq 50); do [ -s /tmp/vport ] && break; sleep 0.2; done
PORT=$(head -1 /tmp/vport)
echo "target: 8 processes on cores 8-15, port $PORT"
for W in 1 2 4 8; do
  CI=true taskset -c 0-$((W - 1)) node bin/bench.js run bench/scenarios/http-get.ts -w $W -u $((W * 32)) -t 8s --headless \
    -H "http://127.0.0.1:$PORT" --out "$OUT/w$W" > "$OUT/w$W.log" 2>&1 || true
done
kill $TPID 2>/dev/null || true
python3 - "$OUT" <<'PY'
import json, sys, os
out = sys.argv[1]
base = None
print(f"{'workers':>7} {'users':>6} {'requests':>10} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'vs 1 worker':>12}")
for w in (1, 2, 4, 8):
    p = os.path.join(out, f"w{w}", "summary.json")
    if not os.path.exists(p):
        print(f"{w:>7} (no summary; see {out}/w{w}.log)"); continue
    s = json.load(open(p)); t = s["total"]
    base = base or t["rps"]
    print(f"{w:>7} {w*32:>6} {t['requests']:>10} {t['rps']:>10.0f} {t['latencyMs']['p50']:>8.2f} {t['latencyMs']['p99']:>8.2f} {t['rps']/base:>11.2f}x")
PY
