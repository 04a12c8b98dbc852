#!/bin/sh
# Fake ssh for tests: skips options and the host, runs the remote command with the local shell,
# as sshd would. Records its argv so the test can check BatchMode/ConnectTimeout.
echo "$@" > "${FAKE_SSH_LOG:-/dev/null}"
while [ $# -gt 1 ]; do
  case "$1" in
    -o|-p) shift 2 ;;
    *) shift; break ;;
  esac
done
exec sh -c "$1"
