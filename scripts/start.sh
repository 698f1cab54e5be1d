#!/usr/bin/env bash
# Main job: build everything and serve the demo creator site with the widget and the
# local ticket inbox on 127.0.0.1. Usage: npm start [-- --port 8080]
source "$(dirname "$0")/lib.sh"
ensure_build_tools
build_site

# The inbox is for agents only. The demo gets one with a random password, made once
# and kept beside the demo's database (never in kb/ or dist/, which are published).
DB=.deflect/inbox.sqlite # deflect serve's default
LOGIN=.deflect/demo-agent.txt
if [ -z "$("$DEFLECT" agent list --db "$DB" 2>/dev/null)" ]; then
  step "creating the demo agent"
  mkdir -p .deflect
  password=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
  printf '%s\n' "$password" |
    "$DEFLECT" agent add demo@localhost --name Demo --password-stdin --db "$DB"
  (umask 077 && printf 'demo@localhost\n%s\n' "$password" >"$LOGIN")
fi
step "serving (Ctrl-C stops)"
if [ -f "$LOGIN" ]; then
  echo "inbox login: demo@localhost / $(sed -n 2p "$LOGIN")  (saved in $LOGIN)"
fi
exec "$DEFLECT" serve --site dist "$@"
