#!/bin/sh
# `npm run bench` (after the build): 1,000 streams need ~2,000 open sockets in one process, more
# than the usual soft limit of 1,024. Raise the soft limit towards the hard one, which needs no
# privilege (never lower it), then run the bench; it says what it got.
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 16384 ]; then
  ulimit -n 16384 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fi
exec node "$(dirname "$0")/../dist/bench/run.js" "$@"
