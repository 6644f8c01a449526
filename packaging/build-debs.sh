#!/usr/bin/env bash
# Builds the Debian packages of packaging/debian/control from a staged tree (packaging/stage.sh):
# one .deb per binary package, each laid out by its <package>.install, .dirs and .links files, with
# its maintainer scripts and triggers. Uses dpkg-deb only, so it runs on any Debian without debhelper.
# Usage: packaging/build-debs.sh STAGE OUTDIR
#   DEB_VERSION      package version (default: the daemon's IncusVersion from Directory.Build.props, plus -1)
#   DEB_COMPRESSION  dpkg-deb compressor: xz (default), gzip, zstd or none
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
stage=$(realpath "${1:?usage: build-debs.sh STAGE OUTDIR}")
out=$(realpath -m "${2:?usage: build-debs.sh STAGE OUTDIR}")
debian="$root/packaging/debian"
[ -x "$stage/incusd/incusd" ] || { echo "build-debs.sh: $stage is not a staged tree (run packaging/stage.sh first)" >&2; exit 1; }

incus_version=$(sed -n 's:.*<IncusVersion>\(.*\)</IncusVersion>.*:\1:p' "$root/Directory.Build.props")
version=${DEB_VERSION:-${incus_version}-1}
arch=$(dpkg --print-architecture)
compression=${DEB_COMPRESSION:-xz}
maintainer=$(sed -n 's/^Maintainer: //p' "$debian/control" | head -n1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# Prints the binary stanza of package $1 from debian/control, without its Architecture line.
stanza() {
  awk -v RS= -v ORS='\n' -v pkg="$1" '$0 ~ "(^|\n)Package: " pkg "(\n|$)"' "$debian/control" | grep -v '^Architecture:'
}

# Lines of a layout file without comments and blank lines.
entries() { [ -f "$1" ] && grep -v '^[[:space:]]*#' "$1" | grep -v '^[[:space:]]*$' || true; }

source_path() {
  case "$1" in
    stage/*) echo "$stage/${1#stage/}" ;;
    packaging/*) echo "$root/$1" ;;
    *) echo "build-debs.sh: $1 must start with stage/ or packaging/" >&2; exit 1 ;;
  esac
}

for package in $(sed -n 's/^Package: //p' "$debian/control"); do
  tree="$work/$package"
  mkdir -p "$tree/DEBIAN"
  while read -r src dest; do
    from=$(source_path "$src")
    [ -e "$from" ] || { echo "build-debs.sh: $package: $src is missing" >&2; exit 1; }
    mkdir -p "$(dirname "$tree/$dest")"
    cp -a "$from" "$tree/$dest"
  done < <(entries "$debian/$package.install")
  while read -r dir; do mkdir -p "$tree/$dir"; done < <(entries "$debian/$package.dirs")
  while read -r target link; do
    mkdir -p "$(dirname "$tree/$link")"
    ln -s "$target" "$tree/$link"
  done < <(entries "$debian/$package.links")
  # Files as a package ships them: root-owned (--root-owner-group), nothing group- or world-writable.
  chmod -R u+rwX,go+rX,go-w "$tree"
  for script in postinst prerm postrm preinst triggers; do
    if [ -f "$debian/$package.$script" ]; then
      install -m "$([ "$script" = triggers ] && echo 0644 || echo 0755)" "$debian/$package.$script" "$tree/DEBIAN/$script"
    fi
  done
  if [ -d "$tree/etc" ]; then
    (cd "$tree" && find etc -type f | sed 's:^:/:' | sort) > "$tree/DEBIAN/conffiles"
  fi
  {
    stanza "$package" | sed "s/\${binary:Version}/$version/g" | sed '/^Description:/,$d'
    echo "Version: $version"
    echo "Architecture: $arch"
    echo "Maintainer: $maintainer"
    echo "Installed-Size: $(du -sk --exclude=DEBIAN "$tree" | cut -f1)"
    stanza "$package" | sed -n '/^Description:/,$p'
  } > "$tree/DEBIAN/control"
  dpkg-deb --root-owner-group -Z"$compression" --build "$tree" "$out/${package}_${version}_${arch}.deb" >/dev/null
  echo "built $out/${package}_${version}_${arch}.deb"
done
