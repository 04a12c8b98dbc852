#!/bin/sh
# Fake srun for tests: drops srun's own options and runs the program.
while [ $# -gt 0 ]; do
  case "$1" in
    -w) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
exec "$@"
