# Shared by the end-to-end scripts that need a REAL Slurm (sourced, after lib/check.sh): Debian's
# slurmctld + slurmd + munge started as a one-node cluster in a fresh temporary directory on random
# ports (partition `probes`), stopped at exit. Sets SLURM_CONF (exported: scontrol, srun, sbatch and
# vigil's own scontrol read it), `tmp` (the cluster's folder, removed at exit) and `node` (the
# node's short host name). Skips (exit 77) without the binaries or root (slurmd needs root).
# SLURM_CONF_EXTRA (optional, set before sourcing): more slurm.conf lines (`MinJobAge=5`,
# `JobCompType=jobcomp/filetxt`; `$tmp` in them is this cluster's folder, expanded here).
# SLURM_EXTRA_NODES="vgpu01 vgpu02" (set before sourcing) adds those nodes to the cluster, each its
# own slurmd (`slurmd -N NAME`, Debian's slurmd is built for several on one host) on 127.0.0.1 and its
# own port, so that a job may span several nodes (sbatch -N 3: NodeList=vgpu[01-02],<node>).
for b in slurmctld slurmd srun scontrol squeue munged munge; do
  command -v "$b" >/dev/null || { echo "SKIP: $b not installed (scripts/test installs slurm-wlm and munge)"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: slurmd needs root"; exit 77; }
tmp=$(mktemp -d)
export SLURM_CONF="$tmp/slurm.conf"
cleanup() {
  squeue -h -o %i 2>/dev/null | xargs -r scancel -f -s KILL >/dev/null 2>&1  # this cluster's jobs only
  scontrol shutdown >/dev/null 2>&1
  for p in "$tmp"/slurm*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null; done
  # A batch step scancel has not ended yet outlives slurmd (its slurmstepd is re-parented to init; seen
  # 2026-12-05: `sleep 600` jobs of these tests left running after them): this cluster's steps carry
  # its SLURM_CONF in their environment; they and their children are killed.
  local s
  for s in $(pgrep -x slurmstepd); do
    tr '\0' '\n' <"/proc/$s/environ" 2>/dev/null | grep -qxF "SLURM_CONF=$tmp/slurm.conf" || continue
    pkill -KILL -P "$s" 2>/dev/null; kill -KILL "$s" 2>/dev/null
  done
  munged -s --socket="$tmp/munge.sock" >/dev/null 2>&1
  sleep 0.5; rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -p "$tmp/state" "$tmp/spool"
head -c 1024 /dev/urandom >"$tmp/munge.key"; chmod 600 "$tmp/munge.key"
munged -f --socket="$tmp/munge.sock" --key-file="$tmp/munge.key" --log-file="$tmp/munged.log" \
  --pid-file="$tmp/munged.pid" --seed-file="$tmp/munged.seed" || { echo "FAIL: munged did not start"; exit 1; }
node=$(hostname -s)
extra_nodes=(${SLURM_EXTRA_NODES:-})
for n in "$node" "${extra_nodes[@]}"; do mkdir -p "$tmp/spool/$n"; done
# Every daemon alive (its pid file names a live process); else the names of those that are not.
slurm_dead() {
  local p
  for p in slurmctld "${daemons[@]}"; do
    { [ -f "$tmp/$p.pid" ] && kill -0 "$(cat "$tmp/$p.pid")" 2>/dev/null; } || echo "$p not running;"
  done
}
daemons=("slurmd-$node")
for n in "${extra_nodes[@]}"; do daemons+=("slurmd-$n"); done
# The daemons bind their ports after they have daemonized: a port another process took (a loopback
# client's ephemeral port under ctest -j) leaves them dead; a port free now, and another one
# (up to 3) if the node does not come up idle on it (as tests/probe_ssh_test.sh does for sshd).
# Every node idle (sinfo lists one line a node state).
all_idle() { local t; t=$(sinfo -h -N -o %T 2>/dev/null) && [ -n "$t" ] && ! grep -qv '^idle$' <<<"$t"; }
for attempt in 1 2 3; do
  # Two ports free now, held together while chosen so they differ (slurmd's was port + 1, never
  # checked: taken, slurmd died before writing its pid file, below).
  read -r port dport extra_ports < <(/usr/bin/python3 -c 'import socket, sys
s = [socket.socket() for _ in range(2 + int(sys.argv[1]))]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])' "${#extra_nodes[@]}")
  extra_ports=($extra_ports)
  cat >"$SLURM_CONF" <<CONF
ClusterName=vigiltest
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$dport
AuthType=auth/munge
AuthInfo=socket=$tmp/munge.sock
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool/%n
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd-%n.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
$(eval "echo \"${SLURM_CONF_EXTRA:-}\"")
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
$(for i in "${!extra_nodes[@]}"; do echo "NodeName=${extra_nodes[$i]} NodeHostname=$node NodeAddr=127.0.0.1 Port=${extra_ports[$i]} CPUs=$(nproc) State=UNKNOWN"; done)
PartitionName=probes Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  started=1
  slurmctld -i && slurmd || started=0
  for n in "${extra_nodes[@]}"; do slurmd -N "$n" || started=0; done
  [ "$started" = 1 ] || { echo "FAIL: slurm daemons did not start"; tail -n 5 "$tmp"/*.log; exit 1; }
  # Up to 60 s while both daemons live: under ctest -j on 2 cores slurmctld once took longer than
  # the 10 s this loop used to allow to answer and mark the node idle (2026-12-02, passed alone in
  # 37 s). A daemon that is not running after 5 s means another port at once: one whose port is
  # taken logs "Unable to bind listen port" and exits before it writes its pid file, and this loop
  # counted only a pid file naming a dead process as dead, so it waited the whole minute with the
  # node `unk*` (the first attempt of the f7183e6 fresh-clone run; reproduced by holding slurmd's
  # port with another listener).
  for i in $(seq 1 300); do
    all_idle && break
    if [ "$i" -gt 25 ]; then
      dead=$(slurm_dead)
      [ -z "$dead" ] || { echo "attempt $attempt: $dead"; break; }
    fi
    sleep 0.2
  done
  all_idle && break
  echo "attempt $attempt on ports $port/$dport: node not idle: $(sinfo -h 2>&1 | head -n 3)"; tail -n 5 "$tmp"/*.log
  for p in "$tmp"/slurm*.pid; do kill "$(cat "$p")" 2>/dev/null; rm -f "$p"; done
  sleep 1
done
all_idle || { echo "FAIL: node not idle: $(sinfo 2>&1)"; tail -n 5 "$tmp"/*.log; exit 1; }

