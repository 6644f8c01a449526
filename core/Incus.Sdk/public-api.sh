#!/usr/bin/env bash
# Keeps PublicAPI.Unshipped.txt in step with the SDK's public surface, from the analyzer's own
# diagnostics (RS0016: a public symbol the files do not list; RS0017: a listed symbol that is gone).
#   core/Incus.Sdk/public-api.sh           add new symbols to Unshipped, record removed ones
#   core/Incus.Sdk/public-api.sh --ship    at a release: fold Unshipped into Shipped
# Review the diff: every line is a promise to plugin authors.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shipped="$here/PublicAPI.Shipped.txt"
unshipped="$here/PublicAPI.Unshipped.txt"

sorted_body() { grep -v '^#nullable enable$' "$1" | grep -v '^$' | LC_ALL=C sort -u || true; }
# Drops the lines listed in $1 (newline-separated) and empty lines; never fails on an empty result.
without() { grep -vxF -f <(printf '%s\n' "$1" | grep -v '^$' || printf '\n') | grep -v '^$' || true; }

if [ "${1:-}" = "--ship" ]; then
  removed=$(grep '^\*REMOVED\*' "$unshipped" | sed 's/^\*REMOVED\*//' || true)
  { echo '#nullable enable'
    { sorted_body "$shipped"; grep -v '^\*REMOVED\*' "$unshipped" | grep -v '^#nullable enable$' | grep -v '^$' || true; } \
      | without "$removed" | LC_ALL=C sort -u
  } > "$shipped.new"
  mv "$shipped.new" "$shipped"
  echo '#nullable enable' > "$unshipped"
  echo "shipped: $(grep -vc '^#nullable' "$shipped") symbols in PublicAPI.Shipped.txt"
  exit 0
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# --no-incremental: the analyzer reports only when the compiler runs.
dotnet build "$here/Incus.Sdk.csproj" --no-incremental -nologo -v:q -clp:NoSummary > "$log" 2>&1 || true
added=$(grep -o "RS0016: Symbol '.*' is not part of the declared public API" "$log" \
  | sed "s/^RS0016: Symbol '//; s/' is not part of the declared public API\$//" | LC_ALL=C sort -u || true)
gone=$(grep -o "RS0017: Symbol '.*' is part of the declared API, but is either not public or could not be found" "$log" \
  | sed "s/^RS0017: Symbol '//; s/' is part of the declared API.*\$//" | LC_ALL=C sort -u || true)
# RS0050: a symbol marked removed that is back in the source; its *REMOVED* line goes.
restored=$(grep -o "RS0050: Symbol '.*' is marked as removed but it isn't deleted in source code" "$log" \
  | sed "s/^RS0050: Symbol '//; s/' is marked as removed.*\$//" | sed 's/^/*REMOVED*/' | LC_ALL=C sort -u || true)
if grep -q ' error ' "$log" && [ -z "$added$gone$restored" ]; then
  grep ' error ' "$log" | sort -u >&2
  echo "public-api.sh: the SDK does not build for another reason; fix that first" >&2
  exit 1
fi
{ echo '#nullable enable'
  { sorted_body "$unshipped"
    printf '%s\n' "$added"
    # A symbol that was only in Unshipped simply leaves; one that shipped is recorded as removed.
    printf '%s\n' "$gone" | while IFS= read -r symbol; do
      if [ -n "$symbol" ] && grep -qxF -- "$symbol" "$shipped"; then printf '*REMOVED*%s\n' "$symbol"; fi
    done
  } | without "$(printf '%s\n' "$gone" "$restored")" | LC_ALL=C sort -u
} > "$unshipped.new"
mv "$unshipped.new" "$unshipped"
echo "PublicAPI.Unshipped.txt: $(printf '%s\n' "$added" | grep -c . || true) added, $(printf '%s\n' "$gone" | grep -c . || true) removed"
