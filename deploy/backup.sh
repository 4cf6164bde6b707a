#!/usr/bin/env bash
# Online backup of a hub's data directory, while hubd runs (docs/operations.md,
# "Back up and restore"). Restore with deploy/restore.sh.
#
# usage: deploy/backup.sh DATA_DIR OUT_DIR
#
# OUT_DIR (new or empty) gets, with the data directory's layout:
#   1. the journal segments (journal/*.journal, journal/broker/*.journal,
#      journal/presence/*.journal and *.corrupt): telemetry (and presence
#      events) acknowledged but maybe not yet in streams.db (presence.db). Copied FIRST: a message acknowledged before the backup
#      started is either in streams.db by the time streams.db is copied, or in
#      a segment copied before that. hubd replays on start only what the
#      copied streams.db does not hold (stored once per device and seq).
#   2. every SQLite database (found by its header, not its name), each with
#      SQLite's online backup inside one read transaction: a consistent
#      snapshot of that database while hubd writes (a bare `.backup` starts
#      over whenever another process commits, which on a busy streams.db is
#      forever); streams.db last. Each copy is checked (PRAGMA quick_check).
#   3. everything else hubd keeps: pki/ (the CA and its key, server and hubd
#      certificates, trusted-cas/), api-token, the broker's persistence.
#      A key and its certificate are checked to belong together (a
#      renewal in the middle of the copy is copied again).
# Left out: SQLite's -wal/-shm (folded into the copies), the broker's
# mosquitto.conf (hubd writes it at start), its pid file and log, and the
# journal's commit-attempt notes (a backup is not a crash: restored, they
# would count as one).
#
# OUT_DIR is 0700 and every file in it 0600: it holds the CA's private key.
# Run it as the user hubd runs as (edgehub for the package), or as root: it
# then works as the data directory's owner, so that SQLite creates no file
# in the data directory that hubd could not open, and OUT_DIR belongs to
# that user. Needs sqlite3, openssl, sha256sum (deploy/install-deps.sh).
set -euo pipefail
umask 077

usage() {
  echo "usage: deploy/backup.sh DATA_DIR OUT_DIR" >&2
  exit 2
}
fail() {
  echo "backup: $*" >&2
  exit 1
}
(($# == 2)) || usage
data="$(cd "$1" 2>/dev/null && pwd)" || fail "no data directory at $1"
out="$2"
[[ -f "$data/registry.db" ]] || fail "$data does not look like hubd's data directory (no registry.db)"
for tool in sqlite3 openssl sha256sum; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt install sqlite3 openssl coreutils)"
done
if [[ -e "$out" ]] && [[ -n "$(ls -A "$out")" ]]; then
  fail "$out exists and is not empty"
fi

# As root on a data directory of another user: continue as that user.
owner="$(stat -c %u "$data")"
if [[ $EUID -eq 0 && "$owner" != 0 ]]; then
  group="$(stat -c %g "$data")"
  made_out=0
  [[ -e "$out" ]] || made_out=1
  mkdir -p "$out"
  chown "$owner:$group" "$out"
  chmod 0700 "$out"
  out="$(cd "$out" && pwd)"
  if ! setpriv --reuid="$owner" --regid="$group" --init-groups -- test -w "$out" -a -x "$out"; then
    ((made_out)) && rmdir "$out"
    fail "the data directory's owner ($(id -un "$owner")) cannot reach $out: give it a place of" \
      "its own, e.g. install -d -o $(id -un "$owner") -m 0700 /var/backups/edgehub"
  fi
  exec setpriv --reuid="$owner" --regid="$group" --init-groups -- "$0" "$data" "$out"
fi
[[ "$owner" == "$EUID" ]] || fail "run as the owner of $data (uid $owner) or as root"
mkdir -p "$out"
chmod 0700 "$out"
out="$(cd "$out" && pwd)"
started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
seconds_started=$SECONDS

# SQLite's 16-byte header string, its NUL made visible for bash.
is_sqlite() { [[ "$(head -c 16 "$1" 2>/dev/null | tr '\0' '@')" == "SQLite format 3@" ]]; }
# What the copy leaves out (see the header).
left_out() {
  case "$1" in
    *-wal | *-shm | *-journal) return 0 ;;
    broker/mosquitto.conf | broker/mosquitto.pid | broker/mosquitto.log*) return 0 ;;
    journal/*-attempt) return 0 ;;
  esac
  return 1
}
# cp that tolerates a file hubd deleted meanwhile (a journal segment
# whose messages are all stored: streams.db, copied later, holds them).
copy_file() {
  mkdir -p "$out/$(dirname "$1")"
  cp --no-preserve=mode "$data/$1" "$out/$1" 2>/dev/null || [[ ! -e "$data/$1" ]] ||
    fail "cannot copy $data/$1"
}

# 1. The journals, before any database.
journal_files=0
while IFS= read -r -d '' file; do
  copy_file "${file#"$data"/}"
  journal_files=$((journal_files + 1))
done < <(find "$data/journal" -type f \( -name '*.journal' -o -name '*.corrupt' \) -print0 2>/dev/null)

# 2. The databases; streams.db last (after the journals, for the argument above).
databases=()
while IFS= read -r -d '' file; do
  relative="${file#"$data"/}"
  left_out "$relative" && continue
  is_sqlite "$file" && [[ "$relative" != streams.db ]] && databases+=("$relative")
done < <(find "$data" -type f -print0 | sort -z)
databases+=(streams.db)
for relative in "${databases[@]}"; do
  mkdir -p "$out/$(dirname "$relative")"
  # Read-only: the backup never writes to hubd's database. BEGIN + a read
  # opens the read transaction the whole .backup then copies from.
  sqlite3 -batch -bail -init /dev/null "file:$data/$relative?mode=ro" \
    "PRAGMA busy_timeout=10000" "BEGIN" "SELECT count(*) FROM sqlite_schema" \
    ".backup '$out/$relative'" "COMMIT" >/dev/null ||
    fail "online backup of $relative failed"
  check="$(sqlite3 -batch -init /dev/null "$out/$relative" "PRAGMA quick_check" 2>&1)" || true
  [[ "$check" == ok ]] || fail "the copy of $relative is damaged: $check"
done

# 3. Everything else.
other_files=0
while IFS= read -r -d '' file; do
  relative="${file#"$data"/}"
  left_out "$relative" && continue
  # Journal segments and databases were copied above; a segment begun since
  # holds only messages newer than the copied journal: left out.
  [[ "$relative" == journal/* ]] && continue
  is_sqlite "$file" && continue
  copy_file "$relative"
  other_files=$((other_files + 1))
done < <(find "$data" -type f -print0)

# A certificate and its key are replaced one after the other at renewal:
# copied in between, they would not match. Copy the pair again until they do.
public_key_of_certificate() { openssl x509 -in "$1" -noout -pubkey 2>/dev/null; }
public_key_of_key() { openssl pkey -in "$1" -pubout 2>/dev/null; }
for pair in ca server hubd; do
  [[ -f "$out/pki/$pair.pem" && -f "$out/pki/$pair.key" ]] || continue
  for attempt in 1 2 3 4 5; do
    [[ "$(public_key_of_certificate "$out/pki/$pair.pem")" == "$(public_key_of_key "$out/pki/$pair.key")" ]] &&
      break
    ((attempt < 5)) || fail "pki/$pair.pem and pki/$pair.key do not belong together"
    sleep 0.2
    copy_file "pki/$pair.pem"
    copy_file "pki/$pair.key"
    copy_file "pki/server.names"
  done
done

# What is in the backup, for restore.sh to check.
(
  cd "$out"
  {
    echo "# edgehub backup of $data, started $started"
    for relative in "${databases[@]}"; do
      echo "# $relative user_version $(sqlite3 -batch -init /dev/null "$relative" "PRAGMA user_version")"
    done
  } >BACKUP-INFO
  find . -type f ! -name MANIFEST -print0 | sort -z | xargs -0 sha256sum >MANIFEST
)
chmod -R go-rwx "$out"
find "$out" -type f -exec chmod 0600 {} +
echo "backup: $out: ${#databases[@]} databases, $journal_files journal segments, $other_files other files," \
  "$(du -sh "$out" | cut -f1) in $((SECONDS - seconds_started)) s"
