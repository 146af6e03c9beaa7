# Sourced by end-to-end tests (after setting T): start_postgres starts a throwaway PostgreSQL
# server on loopback, initdb in a temporary directory with trust auth for the user respira, and
# sets PGBIN, PGDIR, PORT and PG_URL (the database postgres). As root the server runs as nobody,
# since PostgreSQL refuses to run as root. The EXIT trap then stops it and removes $T and $PGDIR.
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u nobody -- "$@"; else "$@"; fi; }
start_postgres() {
  PGDIR=$(mktemp -d)  # not under $T: the server's user must be able to reach it
  trap 'rm -rf "$T" "$PGDIR"' EXIT
  if [[ $(id -u) == 0 ]]; then chown nobody:nogroup "$PGDIR"; fi
  PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U respira -A trust --no-sync > /dev/null
  as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -o "-h 127.0.0.1 -p $PORT -k $PGDIR" start > /dev/null
  trap 'as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate stop > /dev/null 2>&1 || true; rm -rf "$T" "$PGDIR"' EXIT
  PG_URL="postgresql://respira@127.0.0.1:$PORT/postgres"
}
