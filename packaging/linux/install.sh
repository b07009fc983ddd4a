#!/bin/sh
# Install a built TrustMatch bundle for the current user: the app under ~/.local/opt, a `TrustMatch`
# command on the PATH, the menu entry and its icon. Run it from the bundle folder (dist/TrustMatch).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
target=$HOME/.local/opt/TrustMatch
rm -rf "$target" && mkdir -p "$target" && cp -R "$here"/. "$target"/
mkdir -p "$HOME/.local/bin" "$data/applications"
ln -sf "$target/TrustMatch" "$HOME/.local/bin/TrustMatch"
for size in 16 24 32 48 64 128 256 512; do
  mkdir -p "$data/icons/hicolor/${size}x${size}/apps"
  cp "$target/_internal/resources/icons/trustmatch-$size.png" "$data/icons/hicolor/${size}x${size}/apps/trustmatch.png"
done
sed "s|^Exec=.*|Exec=$target/TrustMatch|" "$target/trustmatch.desktop" > "$data/applications/trustmatch.desktop"
echo "Installed TrustMatch in $target; it is in your applications menu and runs as TrustMatch."
