#!/usr/bin/env bash
# npm start: install what is missing, build, and serve the playground on
# http://localhost:${PORT:-5173}/ (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-site.sh
port=${PORT:-5173}
echo
echo "  Causal Structure Playground: http://localhost:${port}/"
echo
exec npx vite preview --port "$port" --strictPort --host 127.0.0.1
