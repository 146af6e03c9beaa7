#!/usr/bin/env bash
# The session store against a real PostgreSQL 15 server started here on loopback (initdb
# in a temporary directory, TLS with a throwaway CA, password auth): the repository
# contract tests from test_session run against it, then the CLI flow (sessions, programme,
# progress) runs as a clinician role that may read and write records but not change the schema, over
# sslmode=verify-full. A JSON export from PostgreSQL imported into SQLite exports
# byte-identically, so both backends store the same record.
set -euo pipefail
RESPIRA=$(realpath "${1:?usage: test_session_postgres.sh /path/to/respira}")
TESTS=$(dirname "$RESPIRA")/tests/test_session
PGBIN=/usr/lib/postgresql/15/bin
[[ -x $TESTS ]] || { echo "FAIL: $TESTS not built" >&2; exit 1; }
T=$(mktemp -d)
chown postgres:postgres "$T"
cleanup() {
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$T/data" -m immediate -w stop > /dev/null 2>&1 || true
  rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [[ -f $T/log ]] && tail -5 "$T/log" >&2; exit 1; }

# Server certificate for "localhost", signed by a CA only this test trusts.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=respira-test-ca -keyout "$T/ca.key" -out "$T/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout "$T/server.key" -out "$T/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$T/san.ext"
openssl x509 -req -in "$T/server.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" -CAcreateserial -days 1 \
  -extfile "$T/san.ext" -out "$T/server.crt" 2>/dev/null
chown postgres:postgres "$T"/server.*
chmod 600 "$T/server.key"

cd "$T"
runuser -u postgres -- "$PGBIN/initdb" -D "$T/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
  --no-sync -E UTF8 --locale=C.UTF-8 > /dev/null
PORT=
for candidate in $(shuf -i 54329-54999 -n 8); do
  if runuser -u postgres -- "$PGBIN/pg_ctl" -D "$T/data" -l "$T/log" -w -o "-p $candidate -k $T \
      -c listen_addresses=127.0.0.1 -c fsync=off -c ssl=on -c ssl_cert_file=$T/server.crt \
      -c ssl_key_file=$T/server.key" start > /dev/null; then
    PORT=$candidate
    break
  fi
done
[[ -n $PORT ]] || fail "could not start PostgreSQL"
psql_admin() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -h "$T" -p "$PORT" -U postgres "$@"; }

# Owner role runs migrations; each clinician gets their own login with data rights only.
psql_admin -d postgres <<SQL
CREATE ROLE respira_owner LOGIN PASSWORD 'owner-pw';
CREATE ROLE respira_clinician NOLOGIN;
CREATE ROLE dr_ng LOGIN PASSWORD 'ng-pw' IN ROLE respira_clinician;
CREATE DATABASE respira_contract OWNER respira_owner;
CREATE DATABASE respira OWNER respira_owner;
SQL
psql_admin -d respira -c "ALTER SCHEMA public OWNER TO respira_owner"
psql_admin -d respira_contract -c "ALTER SCHEMA public OWNER TO respira_owner"
TLS="sslmode=verify-full&sslrootcert=$T/ca.crt"
OWNER_URL="postgresql://respira_owner:owner-pw@localhost:$PORT/respira?$TLS"
CLINICIAN_URL="postgresql://dr_ng:ng-pw@localhost:$PORT/respira?$TLS"

# 1. The repository contract, as in the SQLite tests.
RESPIRA_TEST_POSTGRES_URL="postgresql://respira_owner:owner-pw@localhost:$PORT/respira_contract?$TLS" \
  "$TESTS" "[postgres]" > "$T/contract.txt" || { cat "$T/contract.txt"; fail "repository contract on PostgreSQL"; }
grep -q "All tests passed" "$T/contract.txt" || fail "contract tests did not run"

# 2. The owner creates the schema; clinicians get rights on the data, not the schema.
"$RESPIRA" patient list --db "$OWNER_URL" | grep -q "no patients" || fail "owner could not migrate"
psql_admin -d respira <<SQL
GRANT USAGE ON SCHEMA public TO respira_clinician;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO respira_clinician;
GRANT DELETE ON region_ratings TO respira_clinician;  -- ratings are replaced when a session ends
SQL

# 3. The CLI flow as the clinician, over verified TLS, URL from the environment.
export RESPIRA_DATABASE_URL=$CLINICIAN_URL
P=$("$RESPIRA" patient add "Clinic patient")
[[ $P =~ ^P-[0-9A-Z]{8}$ ]] || fail "patient add printed '$P'"
"$RESPIRA" session record --patient "$P" --source synthetic:6 --duration 3 --pre-tension 6 --post-tension 2 \
  --place clinic > "$T/record.txt" || { cat "$T/record.txt"; fail "session record on PostgreSQL"; }
S=$(awk '/^recording session/{print $3}' "$T/record.txt")
"$RESPIRA" session list --patient "$P" | grep -q "$S" || fail "session list"
"$RESPIRA" session show "$S" | grep -q "tension         6 -> 2" || fail "session show"
"$RESPIRA" export --patient "$P" --format json --out "$T/pg.json" > /dev/null
# Programmes too: their table is part of the owner's migrated schema, so the clinician needs
# no schema rights to set one, read it back, or see progress against it.
"$RESPIRA" programme set --patient "$P" --stage 10,1:1.5,5,5 --stage 8,1:2,10,5 --advance-after 1 \
  --min-adherence 0 | grep -q "programme version 1 set for $P: 2 stages" || fail "clinician: programme set"
"$RESPIRA" programme show --patient "$P" > "$T/show.txt"
grep -q "^> 1. 10/min, I:E 1:1.5, 5 min, 5 per week" "$T/show.txt" || { cat "$T/show.txt"; fail "clinician: programme show"; }
# The 3 s session has no pacer, so no adherence: it does not meet the stage (nothing invented).
"$RESPIRA" progress --patient "$P" > "$T/progress.txt"
grep -q "^Programme: stage 1 of 2 (0 of 1 sessions in a row met it)" "$T/progress.txt" \
  || { cat "$T/progress.txt"; fail "clinician: progress"; }
unset RESPIRA_DATABASE_URL
# A store migrated before the programme table became migration 2 (version 1, table already
# there with rows, no guide rate per breath): the owner's next start migrates it to 3, the
# programme stays and breaths gain their guide rate column.
psql_admin -d respira -c "DELETE FROM respira_schema WHERE version >= 2" \
  -c "ALTER TABLE breaths DROP COLUMN guide_rate_bpm" > /dev/null
# A clinician's workstation upgraded first cannot alter the schema: it says who can.
if "$RESPIRA" patient list --db "$CLINICIAN_URL" > /dev/null 2> "$T/upgrade.txt"; then
  fail "a clinician role upgraded the schema"
fi
grep -Eq "lacks permission.*Upgrading the schema to version [0-9]+ .* failed and was undone; run Respira once as the database owner" \
  "$T/upgrade.txt" || fail "clinician upgrade message: $(cat "$T/upgrade.txt")"
"$RESPIRA" patient list --db "$OWNER_URL" > /dev/null || fail "owner could not migrate 1 -> 3"
[[ $(psql_admin -d respira -tA -c "SELECT MAX(version) FROM respira_schema") == 3 ]] || fail "schema version after 1 -> 3"
[[ $(psql_admin -d respira -tA -c "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'breaths' \
  AND column_name = 'guide_rate_bpm'") == 1 ]] || fail "breaths.guide_rate_bpm after migration 3"
"$RESPIRA" programme show --patient "$P" --db "$CLINICIAN_URL" | grep -q "^> 1. 10/min" \
  || fail "the programme did not survive migration 2"
# The TLS connection really is verified: the wrong CA is refused.
if "$RESPIRA" patient list --db "postgresql://dr_ng:ng-pw@localhost:$PORT/respira?sslmode=verify-full&sslrootcert=$T/server.crt" \
    > /dev/null 2> "$T/tls.txt"; then fail "verify-full accepted a certificate from an untrusted CA"; fi
grep -q "cannot connect to PostgreSQL" "$T/tls.txt" || fail "TLS refusal message: $(cat "$T/tls.txt")"
# Clinicians cannot alter the schema.
if psql_admin -d respira -c "SET ROLE dr_ng; DROP TABLE breaths" > /dev/null 2>&1; then fail "clinician dropped a table"; fi

# 4. Same record in SQLite: import the PostgreSQL export and export again, byte for byte.
"$RESPIRA" import "$T/pg.json" --db "$T/copy.db" > /dev/null
"$RESPIRA" export --patient "$P" --format json --out "$T/sqlite.json" --db "$T/copy.db" > /dev/null
cmp "$T/pg.json" "$T/sqlite.json" || fail "PostgreSQL and SQLite exports differ"
# ... and back into PostgreSQL as a second database.
psql_admin -d postgres -c "CREATE DATABASE respira_copy OWNER respira_owner" > /dev/null
psql_admin -d respira_copy -c "ALTER SCHEMA public OWNER TO respira_owner" > /dev/null
COPY_URL="postgresql://respira_owner:owner-pw@localhost:$PORT/respira_copy?$TLS"
"$RESPIRA" import "$T/sqlite.json" --db "$COPY_URL" > /dev/null
"$RESPIRA" export --patient "$P" --format json --out "$T/pg2.json" --db "$COPY_URL" > /dev/null
cmp "$T/pg.json" "$T/pg2.json" || fail "SQLite -> PostgreSQL round trip differs"
echo "PASS: session store on PostgreSQL 15 (port $PORT, TLS verify-full, clinician role)"
