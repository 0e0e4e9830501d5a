# Sourced by tools/start and tools/test (and by a developer's shell, so it sets no shell options): puts the project's Node 24 first on PATH (installing it from
# the npm registry's `node` package on first use) and installs the workspace's dependencies when
# package-lock.json changed since the last install.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NODE24="$ROOT/tools/node24"
if [ ! -x "$NODE24/node_modules/.bin/node" ]; then
  echo "[meridian] installing Node 24 into tools/node24 ..."
  (cd "$NODE24" && npm ci --no-audit --no-fund --loglevel=error) || return 1
fi
export PATH="$NODE24/node_modules/.bin:$ROOT/node_modules/.bin:$PATH"
case "$(node --version)" in
  v24.*) ;;
  *) echo "expected Node 24, got $(node --version)" >&2; return 1 ;;
esac
stamp="$ROOT/node_modules/.meridian-lock"
if [ "${CI:-}" = "true" ] || [ ! -f "$stamp" ] || ! cmp -s "$ROOT/package-lock.json" "$stamp"; then
  echo "[meridian] npm ci (Node $(node --version)) ..."
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error) || return 1
  cp "$ROOT/package-lock.json" "$stamp"
fi

# Postgres: DATABASE_URL, or the local server on 127.0.0.1:5432 (started here if it is installed
# as a Debian cluster but not running); libs/testing falls back to testcontainers after that.
if [ -z "${DATABASE_URL:-}" ] && ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null && command -v pg_ctlcluster > /dev/null; then
  echo "[meridian] starting the local Postgres cluster ..."
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
fi
