#!/usr/bin/env bash
# Restores a backup made by deploy/backup.sh into a new data directory
# (docs/operations.md, "Back up and restore"). hubd must not run on it.
#
# usage: deploy/restore.sh BACKUP_DIR DATA_DIR [--owner USER]
#
# Checks every file against the backup's MANIFEST (sha256) before anything
# is written, restores exactly the files it lists, checks every database
# (PRAGMA quick_check; on a failure DATA_DIR is left as it was); refuses a
# DATA_DIR that exists and is not empty (move the old one aside first).
# DATA_DIR ends up 0700 with files 0600, owned by USER (default: the owner
# of an existing empty DATA_DIR, else whoever runs this): hubd refuses a
# data directory with files of another user. Start hubd on it afterwards:
# it stores the journal's messages that the restored streams.db lacks.
set -euo pipefail
umask 077

usage() {
  echo "usage: deploy/restore.sh BACKUP_DIR DATA_DIR [--owner USER]" >&2
  exit 2
}
fail() {
  echo "restore: $*" >&2
  exit 1
}
(($# == 2 || $# == 4)) || usage
command -v sqlite3 >/dev/null || fail "sqlite3 is missing (apt install sqlite3)"
backup="$(cd "$1" 2>/dev/null && pwd)" || fail "no backup at $1"
data="$2"
owner=""
if (($# == 4)); then
  [[ "$3" == --owner ]] || usage
  owner="$4"
  id "$owner" >/dev/null 2>&1 || fail "no user $owner"
fi
[[ -f "$backup/MANIFEST" ]] || fail "$backup has no MANIFEST (not made by deploy/backup.sh?)"
if [[ -e "$data" ]]; then
  [[ -d "$data" && -z "$(ls -A "$data")" ]] ||
    fail "$data exists and is not empty: stop hubd and move it aside first"
  [[ -n "$owner" ]] || owner="$(stat -c %U "$data")"
fi
[[ -n "$owner" ]] || owner="$(id -un)"

# The backup is checked before anything is written: every file against the
# MANIFEST. Only the files it lists are restored.
(cd "$backup" && sha256sum --check --quiet --strict MANIFEST) ||
  fail "$backup does not match its MANIFEST (damaged or changed): not restored"

created=0
[[ -e "$data" ]] || created=1
mkdir -p "$data"
chmod 0700 "$data"
undo() {
  # Leaves DATA_DIR as it was: absent, or empty.
  if ((created)); then rm -rf "$data"; else find "$data" -mindepth 1 -delete; fi
}
while IFS= read -r line; do
  relative="${line#*  ./}"
  install -D -m 0600 "$backup/$relative" "$data/$relative" || { undo; fail "cannot copy $relative"; }
done <"$backup/MANIFEST"
rm -f "$data/BACKUP-INFO"
# Each database opened read-write here (not in the backup: a read-only
# open would leave -wal/-shm files behind), so SQLite cleans up after it.
while IFS= read -r -d '' file; do
  if [[ "$(head -c 16 "$file" | tr '\0' '@')" == "SQLite format 3@" ]]; then
    check="$(sqlite3 -batch -init /dev/null "$file" "PRAGMA quick_check" 2>&1)" || true
    [[ "$check" == ok ]] || { undo; fail "${file#"$data"/} is damaged: $check"; }
  fi
done < <(find "$data" -type f -print0)
find "$data" -type d -exec chmod 0700 {} +
find "$data" -type f -exec chmod 0600 {} +
if [[ "$owner" != "$(id -un)" ]]; then
  chown -R "$owner:$(id -gn "$owner")" "$data" || fail "cannot give $data to $owner (run as root)"
fi
echo "restore: $data restored from $backup (owner $owner); start hubd on it" \
  "(systemctl start edgehub-hubd): it stores what the journal holds beyond the streams"
