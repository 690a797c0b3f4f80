#!/usr/bin/env bash
# Installs the benchmark peers used by bench/run.sh: Lua 5.4, LuaJIT and hyperfine,
# with apt-get (Debian/Ubuntu). Uses sudo when not run as root.
set -u

PKGS=(lua5.4 luajit hyperfine)

if ! command -v apt-get >/dev/null 2>&1; then
    cat >&2 <<'EOF'
error: apt-get not found. Install the peers with your package manager instead, e.g.
  brew install lua luajit hyperfine
  dnf install lua luajit hyperfine
  pacman -S lua luajit hyperfine
bench/run.sh needs Lua 5.4 (as lua5.4, lua54 or lua), luajit, and optionally hyperfine.
EOF
    exit 1
fi

SUDO=()
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        echo "error: not root and sudo is not available; run as root: apt-get install -y ${PKGS[*]}" >&2
        exit 1
    fi
fi

echo "installing ${PKGS[*]} with apt-get" >&2
if ! ${SUDO[@]+"${SUDO[@]}"} apt-get update; then
    echo "warning: apt-get update failed; trying to install from the current package lists" >&2
fi
if ${SUDO[@]+"${SUDO[@]}"} apt-get install -y "${PKGS[@]}"; then
    echo "installed: ${PKGS[*]}" >&2
    exit 0
fi

# One package may be missing from this distribution (hyperfine on older releases):
# install what can be installed, one by one, and say what failed.
failed=()
for p in "${PKGS[@]}"; do
    ${SUDO[@]+"${SUDO[@]}"} apt-get install -y "$p" || failed+=("$p")
done
if [ ${#failed[@]} -gt 0 ]; then
    cat >&2 <<EOF
error: apt-get could not install: ${failed[*]}
  - check your network / apt sources (apt-get update), or install them another way;
  - hyperfine is optional: bench/run.sh falls back to its own timing loop;
  - Lua 5.4 is 'lua5.4' on Debian/Ubuntu; LuaJIT is 'luajit'.
EOF
    exit 1
fi
exit 0
