#!/usr/bin/env bash
# Installs the Node.js test tools into tools/node/node_modules (git-ignored): Prism (@stoplight/prism-cli),
# which the contract tests put between a client and a simulator to validate both against the official model,
# and playwright-core, which drives Debian's chromium in the admin page's browser tests. Versions are pinned by
# tools/node/package-lock.json.
# Needs Debian's nodejs and npm (apt-get install -y nodejs npm). Runs offline once installed.
#   tools/install-node-tools.sh            install if missing
#   tools/install-node-tools.sh --force    reinstall
set -euo pipefail
cd "$(dirname "$0")/node"
if [[ -x node_modules/.bin/prism && -f node_modules/playwright-core/package.json && "${1:-}" != "--force" ]]; then
  echo "Prism $(node_modules/.bin/prism --version) is installed in $(pwd)/node_modules"
  exit 0
fi
command -v npm >/dev/null || { echo "npm is missing: apt-get install -y nodejs npm" >&2; exit 1; }
npm ci --no-audit --no-fund
echo "Prism $(node_modules/.bin/prism --version) installed in $(pwd)/node_modules"
