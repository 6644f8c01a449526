#!/usr/bin/env bash
# Publishes the daemon's parts into one tree: DEST/{incusd,core,cli,helpers/<name>,plugins/<name>}.
# Usage: packaging/stage.sh DEST [Debug|Release]
set -euo pipefail
dest=$(realpath -m "${1:?usage: stage.sh DEST [configuration]}")
configuration=${2:-Release}
root=$(cd "$(dirname "$0")/.." && pwd)
# Publish into empty part folders: files left from an earlier build (another runtime identifier, a
# renamed assembly) would otherwise be shipped and might even be loaded.
for part in incusd core cli driver-check helpers plugins; do
  rm -rf "${dest:?}/$part"
done
dotnet publish "$root/Incus.sln" -c "$configuration" -p:StageDir="$dest" -nologo -v:q -clp:NoSummary
echo "staged into $dest"
