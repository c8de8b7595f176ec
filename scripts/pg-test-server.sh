#!/usr/bin/env bash
# A throwaway PostgreSQL server for the relay's tests and benchmarks (issue 15): a new cluster in a
# folder of its own, on a free port of 127.0.0.1 and a Unix socket in that folder, trust
# authentication (loopback only), one database `cpl_test`. Used by .ci/run and by developers:
#
#   export CPL_TEST_DATABASE_URL=$(scripts/pg-test-server.sh start /tmp/cpl-pg)   # prints the URL
#   npx vitest run relay test/exchange.test.ts
#   scripts/pg-test-server.sh stop /tmp/cpl-pg                                     # stops it, removes the folder
#
# PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user (Debian's
# package creates it: apt-get install postgresql). The tests make a schema per test in `cpl_test`.
set -euo pipefail

usage() {
  echo "usage: $0 start DIR | stop DIR | url DIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
cmd=$1
dir=$2

bindir() {
  local b
  b=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$b" ] && command -v pg_config >/dev/null 2>&1; then b=$(pg_config --bindir); fi
  if [ -z "$b" ] || [ ! -x "$b/initdb" ]; then
    echo "PostgreSQL is not installed (Debian: apt-get install postgresql)" >&2
    exit 1
  fi
  echo "$b"
}

# Runs a PostgreSQL program as the cluster's owner.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

case "$cmd" in
  start)
    bin=$(bindir)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    # The owner must reach the folder (mktemp makes it 0700 for root).
    chmod 0755 "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      exit 1
    }
    # A port picked now may be taken before the server binds it: try a few.
    started=
    for _ in 1 2 3 4 5; do
      port=$(free_port)
      if as_owner "$bin/pg_ctl" -D "$dir/data" -w -t 60 -l "$dir/data/server.log" \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=128MB" start >/dev/null; then
        started=1
        break
      fi
    done
    if [ -z "$started" ]; then
      tail -20 "$dir/data/server.log" >&2 || true
      exit 1
    fi
    as_owner "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -qAt -c 'CREATE DATABASE cpl_test' >/dev/null
    url="postgres://postgres@127.0.0.1:$port/cpl_test"
    echo "$url" >"$dir/url"
    echo "$url"
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      bin=$(bindir)
      as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  url)
    cat "$dir/url"
    ;;
  *) usage ;;
esac
