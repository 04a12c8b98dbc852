#!/usr/bin/env bash
# NCCL code paths on a one-GPU machine (device call; see README): the collectives on a one-rank
# communicator with their result checks, and two processes meeting through --rendezvous.
set -u
probe=${1:-.device/vigil-probe}
out=${OUT:-/tmp/vigil-out}
export NCCL_NVLS_ENABLE=0
"$probe" --probes nccl.allreduce,nccl.allgather,nccl.reducescatter,nccl.alltoall,nccl.sendrecv --allow-intrusive \
  --test-nccl-one-rank --time-limit 120 > "$out/nccl_one_rank.json"
echo "one-rank rc=$?"
python3 -c "
import json; d=json.load(open('$out/nccl_one_rank.json'))
for r in d['results']:
  m=r['metrics']; print('%-20s %-6s wrong=%s algbw=%.1f GB/s %s' % (r['probe'], r['status'], m.get('wrong_elements'), m.get('algbw_gbps', 0), r['reason'][:120]))"
port=$((20000 + RANDOM % 20000))
RANK=1 WORLD_SIZE=2 LOCAL_RANK=0 "$probe" --probes nccl.allreduce --allow-intrusive --rendezvous 127.0.0.1:$port --time-limit 60 > "$out/rank1.json" 2> "$out/rank1.err" &
pid=$!
RANK=0 WORLD_SIZE=2 LOCAL_RANK=0 "$probe" --probes nccl.allreduce --allow-intrusive --rendezvous 127.0.0.1:$port --time-limit 60 > "$out/rank0.json" 2> "$out/rank0.err"
echo "rank0 rc=$?"; wait $pid; echo "rank1 rc=$?"
python3 -c "
import json; r=json.load(open('$out/rank0.json'))['results'][0]; print('two ranks on one GPU:', r['status'], r['reason'][:300], r['metrics'])"
tail -3 "$out/rank0.err" "$out/rank1.err"
