#!/usr/bin/env bash
# Mail intake benchmarks: a Maildir of 10,000 mixed messages (bench/genmail)
# ingested by one `sustain mail ingest --maildir` run, and the peak memory of
# ingesting one message that carries a 25 MB attachment. Needs GNU time.
#
#   bash bench/mail.sh        # MESSAGES=10000 by default
set -euo pipefail
cd "$(dirname "$0")/.."
MESSAGES=${MESSAGES:-10000}
CUSTOMERS=${CUSTOMERS:-50}
work=$PWD/bench/work/mail
rm -rf "$work" && mkdir -p "$work"
[ -x /usr/bin/time ] || { echo "bench: GNU time is missing (apt-get install time)" >&2; exit 1; }

go build -o "$work/sustain" ./cmd/sustain
export XDG_CONFIG_HOME=$work/empty-config SUSTAIN_NOW=2026-11-20T10:00:00+03:00
s="$work/sustain --store $work/desk.db"
cat > "$work/desk.yaml" <<YAML
support:
  prefix: SUP
mail:
  address: support@desk.test
  domain: desk.test
  notify: true
  transport: dir
  dir: $work/outbox
YAML
s="$s --config $work/desk.yaml"
for i in $(seq 1 "$CUSTOMERS"); do
  c=$(printf 'C%03d' "$i")
  $s customer add --code "$c" --name "Customer $c" \
    --email "user1@c$(printf %03d "$i").test" --email "user2@c$(printf %03d "$i").test" --email "user3@c$(printf %03d "$i").test" >/dev/null
done

go run ./bench/genmail -dir "$work/maildir" -messages "$MESSAGES" -customers "$CUSTOMERS"
echo "maildir: $(ls "$work/maildir/new" | wc -l) messages, $(du -sh "$work/maildir" | cut -f1)"

/usr/bin/time -f '%e s, %M KB peak' -o "$work/time-maildir.txt" $s mail ingest --maildir "$work/maildir" --json > "$work/decisions.json"
read -r secs _ kb _ < <(tr -d ',' < "$work/time-maildir.txt")
echo "maildir ingest: $MESSAGES messages in $secs s = $(awk "BEGIN{printf \"%.0f\", $MESSAGES/$secs}") messages/s, peak $((kb/1024)) MB"
echo "decisions: $(grep -o '"decision": *"[a-z]*"' "$work/decisions.json" | sort | uniq -c | tr '\n' ' ')"
echo "left in new/: $(ls "$work/maildir/new" | wc -l)"

go run ./bench/genmail -dir "$work/big" -big 25
/usr/bin/time -f '%e s, %M KB peak' -o "$work/time-big.txt" $s mail ingest "$work/big/new/"* --json > /dev/null || true
read -r secs _ kb _ < <(tr -d ',' < "$work/time-big.txt")
echo "one message with a 25 MB attachment: $secs s, peak $((kb/1024)) MB"
