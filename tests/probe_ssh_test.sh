#!/usr/bin/env bash
# Integration: the `ssh` probe executor against a real OpenSSH server (Debian's sshd, started
# here on 127.0.0.1 and a random port with throw-away host and client keys). Checks a probe run
# over ssh, the arguments the remote side got, a refused connection, a key the server does not
# accept, a remote binary that does not exist, and a remote probe that hangs; every session prints
# a banner on stdout first (a ForceCommand wrapper), which the results survive.
#   bash tests/probe_ssh_test.sh BUILD_DIR      (exit 77 = skipped: no sshd/ssh installed)
set -u
build=$(cd "${1:?usage: probe_ssh_test.sh BUILD_DIR}" && pwd)
root=$(pwd)
vigil="$build/bin/vigil"
for b in /usr/sbin/sshd ssh ssh-keygen; do
  command -v "$b" >/dev/null || { echo "SKIP: $b not installed (scripts/test installs openssh-server)"; exit 77; }
done
tmp=$(mktemp -d)
cleanup() { [ -f "$tmp/sshd.pid" ] && kill "$(cat "$tmp/sshd.pid")" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
source tests/lib/check.sh

user=$(id -un)
ssh-keygen -q -t ed25519 -N "" -f "$tmp/host_key"
ssh-keygen -q -t ed25519 -N "" -f "$tmp/id"
ssh-keygen -q -t ed25519 -N "" -f "$tmp/other_id"
cp "$tmp/id.pub" "$tmp/authorized_keys"
chmod 700 "$tmp"; chmod 600 "$tmp/authorized_keys"
[ "$(id -u)" = 0 ] && mkdir -p /run/sshd  # privilege separation directory
cat >"$tmp/ssh_config" <<CONF
Host *
  UserKnownHostsFile $tmp/known_hosts
  StrictHostKeyChecking accept-new
  LogLevel ERROR
CONF
# sshd binds its port after it has daemonized, so a port another process took (a loopback
# client's ephemeral port under ctest -j) leaves it dead with exit 0 and every check refused
# (seen once: "ssh: connect to host 127.0.0.1 port 36060: Connection refused"). So: a port free
# now, and another one if sshd does not answer on it.
# Every session prints a banner on stdout before the command, as a login script that echoes or a
# ForceCommand wrapper does on many clusters (sshd runs the wrapper, which runs the command asked
# for): every check below runs with it (RVU3; before, every probe over such ssh was `error` "no valid
# result document").
printf '%s\n' 'echo "Welcome to $(hostname) -- authorized use only"' >"$tmp/login_banner.sh"
up=0
for attempt in 1 2 3 4 5; do
  port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  cat >"$tmp/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $tmp/host_key
PidFile $tmp/sshd.pid
AuthorizedKeysFile $tmp/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
AllowUsers $user
ForceCommand . $tmp/login_banner.sh; eval "\$SSH_ORIGINAL_COMMAND"
CONF
  /usr/sbin/sshd -f "$tmp/sshd_config" -E "$tmp/sshd.log" || { echo "FAIL: sshd did not start"; cat "$tmp/sshd.log"; exit 1; }
  for _ in $(seq 1 50); do
    ssh -F "$tmp/ssh_config" -i "$tmp/id" -p "$port" -o BatchMode=yes -o ConnectTimeout=2 "$user@127.0.0.1" true >/dev/null 2>&1 && { up=1; break; }
    sleep 0.1
  done
  [ $up = 1 ] && break
  [ -f "$tmp/sshd.pid" ] && kill "$(cat "$tmp/sshd.pid")" 2>/dev/null; rm -f "$tmp/sshd.pid"
done
[ $up = 1 ] || { echo "FAIL: sshd never answered (5 ports tried)"; tail -5 "$tmp/sshd.log"; exit 1; }

ex="ssh:user=$user,port=$port,ssh_config=$tmp/ssh_config,identity=$tmp/id"
check "ssh run" 1 "gpu.gemm +fail.*below baseline" -- \
  "$vigil" probe run gpu.health,gpu.gemm --target 127.0.0.1/gpu3 --allow-intrusive --executor "$ex,binary=$root/probes/testdata/fake_probe_ok.sh"
check "banner named" 1 "printed 1 line on stdout that is not its result document \\(1 before it, 0 after; the first: .Welcome to" -- \
  "$vigil" probe run gpu.health,gpu.gemm --target 127.0.0.1 --allow-intrusive --executor "$ex,binary=$root/probes/testdata/fake_probe_ok.sh"
check "ssh args" 0 "args: --probes gpu.health --time-limit [0-9.]+ --target 127.0.0.1/gpu3 --gpus 3" -- \
  "$vigil" probe run gpu.health --target 127.0.0.1/gpu3 --executor "$ex,binary=$root/probes/testdata/fake_probe_ok.sh" --json
if [ -x "$build/bin/vigil-probe" ] && ! nvidia-smi -L >/dev/null 2>&1; then
  check "real vigil-probe" 1 "gpu.health +unavailable.*no usable GPU" -- \
    "$vigil" probe run gpu.health --target 127.0.0.1 --executor "$ex,binary=$build/bin/vigil-probe"
fi
# Bad inputs: nothing listening, a key the server refuses, no such remote binary, a hang.
check "refused" 1 "gpu.health +error.*(Connection refused|connect to host)" -- \
  "$vigil" probe run gpu.health --target 127.0.0.1 --executor "ssh:user=$user,port=$((port + 1)),ssh_config=$tmp/ssh_config,identity=$tmp/id"
check "wrong key" 1 "gpu.health +error.*Permission denied" -- \
  "$vigil" probe run gpu.health --target 127.0.0.1 --executor "ssh:user=$user,port=$port,ssh_config=$tmp/ssh_config,identity=$tmp/other_id"
check "no binary" 1 "gpu.health +error.*(not found|No such file)" -- \
  "$vigil" probe run gpu.health --target 127.0.0.1 --executor "$ex,binary=$tmp/no-such-probe"
# (a private copy of the hanging probe, so that no other test's processes match the check below)
cp "$root/probes/testdata/fake_probe_hang.sh" "$tmp/hang_probe.sh"
check "hang" 1 "gpu.health +error.*timed out" -- \
  "$vigil" probe run gpu.health --target 127.0.0.1 --time-limit 2 --executor "$ex,grace_s=1,connect_timeout_s=2,binary=$tmp/hang_probe.sh"

# The remote side ends too (coreutils timeout around the remote command), not only our ssh.
# Remote limit: time limit 2 s + grace 1 s + connect timeout 2 s = 5 s, then SIGKILL 5 s later.
for _ in $(seq 1 75); do pgrep -f "$tmp/hang_probe.sh" >/dev/null || break; sleep 0.2; done
check "remote hang ended" 1 "^$" -- pgrep -f "$tmp/hang_probe.sh"

echo "passed $passed, failed $fail"
[ "$fail" = 0 ]
