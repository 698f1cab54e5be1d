#!/usr/bin/env bash
# Main job: build everything and serve the demo creator site with the widget and the
# local ticket inbox on 127.0.0.1. Usage: npm start [-- --port 8080]
source "$(dirname "$0")/lib.sh"
ensure_build_tools
build_site
step "serving (Ctrl-C stops)"
exec target/release/deflect serve --site dist "$@"
