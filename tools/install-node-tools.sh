#!/usr/bin/env bash
# Installs the Node.js test tools into tools/node/node_modules (git-ignored): Prism (@stoplight/prism-cli),
# which the Amazon contract test (tests/unit/amazon/contract_test.cpp) puts between the SP-API client and the
# simulator to validate both against Amazon's model. Versions are pinned by tools/node/package-lock.json.
# Needs Debian's nodejs and npm (apt-get install -y nodejs npm). Runs offline once installed.
#   tools/install-node-tools.sh            install if missing
#   tools/install-node-tools.sh --force    reinstall
set -euo pipefail
cd "$(dirname "$0")/node"
if [[ -x node_modules/.bin/prism && "${1:-}" != "--force" ]]; then
  echo "Prism $(node_modules/.bin/prism --version) is installed in $(pwd)/node_modules"
  exit 0
fi
command -v npm >/dev/null || { echo "npm is missing: apt-get install -y nodejs npm" >&2; exit 1; }
npm ci --no-audit --no-fund
echo "Prism $(node_modules/.bin/prism --version) installed in $(pwd)/node_modules"
