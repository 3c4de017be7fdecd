#!/usr/bin/env bash
# The e-mail intake (issue 9): a Maildir of MESSAGES mixed messages (new
# requests, tagged replies, duplicates, out-of-office replies, unknown
# senders, 20 KB logs) taken in by one `sustain mail ingest --maildir`, with
# notices on; then one message with a 25 MB attachment from standard input,
# for peak memory. Needs GNU time (apt-get install time).
#
#   bash bench/mail.sh           # MESSAGES=10000 by default
set -euo pipefail
cd "$(dirname "$0")/.."
MESSAGES=${MESSAGES:-10000}
work=bench/work/mail
rm -rf "$work" && mkdir -p "$work"
go build -o "$work/sustain" ./cmd/sustain
cat > "$work/sustain.yaml" <<'YAML'
support:
  attachment_max_mb: 30
mail:
  address: support@desk.test
  notify: true
YAML
sustain="$work/sustain --config $work/sustain.yaml --store $work/sustain.db"
go run ./bench/genmail -n "$MESSAGES" -dir "$work/maildir" -customers "$work/customers.yaml"
$sustain customer import "$work/customers.yaml" >/dev/null

start=$(date +%s.%N)
/usr/bin/time -f '%M' -o "$work/ingest.mem" $sustain mail ingest --maildir "$work/maildir" --json > "$work/ingest.json"
end=$(date +%s.%N)
secs=$(echo "$end - $start" | bc)
echo "ingest: $MESSAGES messages in ${secs}s = $(echo "$MESSAGES / $secs" | bc) messages/s, peak $(( $(cat "$work/ingest.mem") / 1024 )) MB"
for d in opened appended quarantined ignored duplicate; do
  printf '  %-12s %s\n' "$d" "$(grep -c "\"decision\": \"$d\"" "$work/ingest.json" || true)"
done

go run ./bench/genmail -big 25000000 > "$work/big.eml"
/usr/bin/time -f '%M' -o "$work/big.mem" $sustain mail ingest "$work/big.eml" > /dev/null
echo "one message with a 25 MB attachment ($(( $(stat -c %s "$work/big.eml") / 1000000 )) MB): peak $(( $(cat "$work/big.mem") / 1024 )) MB"
