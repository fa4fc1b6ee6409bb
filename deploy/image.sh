#!/usr/bin/env bash
# Builds the Porthole container image FROM scratch with buildah: the release binary (web
# assets embedded), the shared libraries `ldd` names, a passwd entry for uid 10001, and no
# shell. No base image is downloaded, so this works offline.
#
#   deploy/image.sh [--reuse-web] [--binary FILE] [--keep-symbols] [--archive FILE.tar]
#
#   --reuse-web        keep existing widget-web/dist and admin-web/dist instead of
#                      rebuilding them (rebuilding makes cargo recompile the server)
#   --binary FILE      use this release binary (built with the web assets) instead of
#                      building one
#   --keep-symbols     do not strip the symbol table (15 of 54 MB; panics' backtraces
#                      then name functions)
#   --archive FILE     also write a docker-archive tarball (`docker load -i FILE`)
#
# Environment: IMAGE (default localhost/porthole:latest), CARGO_TARGET_DIR. The image goes
# into the local containers storage that podman reads too.
set -euo pipefail
cd "$(dirname "$0")/.."

image="${IMAGE:-localhost/porthole:latest}"
reuse_web=false
binary=""
strip_symbols=true
archive=""
while [ $# -gt 0 ]; do
  case "$1" in
    --reuse-web) reuse_web=true ;;
    --binary) binary="${2:?--binary needs a file name}"; shift ;;
    --keep-symbols) strip_symbols=false ;;
    --archive) archive="${2:?--archive needs a file name}"; shift ;;
    *) echo "image.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

command -v buildah >/dev/null || { echo "image.sh: buildah is missing (apt-get install -y buildah)" >&2; exit 1; }

if [ -n "$binary" ]; then
  bin="$binary"
else
  # 1. Web assets first: rust-embed fixes the embedded files when the server compiles.
  if ! $reuse_web || [ ! -f widget-web/dist/loader.js ] || [ ! -f admin-web/dist/index.html ]; then
    echo "image.sh: building the web assets"
    npm run -s build:web >/dev/null
  fi
  # 2. The release binary.
  target="${CARGO_TARGET_DIR:-$PWD/target}"
  echo "image.sh: building the release binary (target dir $target)"
  cargo build --locked --release -q -p porthole-server --bin porthole
  bin="$target/release/porthole"
fi

# 3. The build context: rootfs/ (copied to /) and data/ (becomes /data, owned by 10001).
ctx=deploy/.build
rm -rf "$ctx"
mkdir -p "$ctx/rootfs/usr/local/bin" "$ctx/rootfs/etc" "$ctx/rootfs/tmp" "$ctx/data"
chmod 1777 "$ctx/rootfs/tmp"
install -m 0755 "$bin" "$ctx/rootfs/usr/local/bin/porthole"
if $strip_symbols; then
  strip --strip-all "$ctx/rootfs/usr/local/bin/porthole"
fi

# Every library the dynamic linker would load, at the path it would load it from (the
# interpreter line has no "=>"). A library ldd cannot find stops the build here rather
# than at the container's first start.
if ldd "$bin" | grep -q 'not found'; then
  ldd "$bin" >&2
  echo "image.sh: the binary needs a library this machine lacks" >&2
  exit 1
fi
ldd "$bin" | awk '/=> \// { print $3 } /^\t\// { print $1 }' | while read -r lib; do
  cp -L --parents "$lib" "$ctx/rootfs/"
done

# Names for uid/gid 10001 (logs and tools that look them up); the login shell does not exist.
cat >"$ctx/rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/nonexistent
porthole:x:10001:10001:porthole:/data:/nonexistent
EOF
cat >"$ctx/rootfs/etc/group" <<'EOF'
root:x:0:
porthole:x:10001:
EOF
# glibc resolves host names through these (compose and Kubernetes service names).
echo 'hosts: files dns' >"$ctx/rootfs/etc/nsswitch.conf"

# 4. The image.
version=$(sed -n 's/^version = "\(.*\)"/\1/p' server/Cargo.toml | head -n 1)
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
echo "image.sh: building $image"
previous=$(buildah inspect --type image --format '{{.FromImageID}}' "$image" 2>/dev/null || true)
buildah build --quiet --format docker \
  --label "org.opencontainers.image.title=porthole" \
  --label "org.opencontainers.image.version=${version:-unknown}" \
  --label "org.opencontainers.image.revision=$revision" \
  -f deploy/Containerfile -t "$image" "$ctx" >/dev/null

# The image this one replaced is now untagged: remove it (if nothing else uses it).
current=$(buildah inspect --type image --format '{{.FromImageID}}' "$image")
if [ -n "$previous" ] && [ "$previous" != "$current" ]; then
  buildah rmi "$previous" >/dev/null 2>&1 || true
fi

if [ -n "$archive" ]; then
  rm -f "$archive"
  buildah push --quiet "$image" "docker-archive:$archive:$image"
  echo "image.sh: wrote $archive ($(du -h "$archive" | cut -f1))"
fi

rootfs_bytes=$(du -sb "$ctx/rootfs" | cut -f1)
gzip_bytes=$(tar -C "$ctx/rootfs" -cf - . | gzip -6 | wc -c)
echo "image.sh: built $image: $(buildah images --format '{{.Size}}' "$image" | head -n 1)" \
  "(rootfs $((rootfs_bytes / 1024 / 1024)) MiB, $((gzip_bytes / 1024 / 1024)) MiB gzip)"
