// What realistic18 still missed, read for the family (RG20, 2026-12-04), through the built-in
// reasoner with the shipped pack as `vigil diagnose --case` runs it:
//   1. CUDA's driver-mismatch error 803 ("system has unsupported display driver / cuda driver
//      combination", cudaErrorSystemDriverMismatch) is the pack's driver-mismatch launch fault, on the
//      node whose driver it is;
//   2. the output of `kubectl logs POD` / `kubectl exec POD -- ...` in an operator's paste is that
//      pod's, on the node a `kubectl get pods -o wide` row ties it to (KubectlPodTarget), or a
//      `kubectl describe pod POD | grep Node:` whose "Name:" line the grep dropped (KubectlDescribedPod);
//   3. DeepSpeed refusing a ZeRO checkpoint saved at another data-parallel world size is a launch
//      configuration fault of the job (a requeue onto fewer nodes), not the preemption before it;
//   4. a checkpoint upload to object storage that the store throttles (503 SlowDown on PUT /
//      UploadPart) or times out on a multipart upload's URL is storage_failure of the job (a bucket
//      is every node's, object_store.h), not a dataloader's slow reads; a dataloader's read timeout
//      on a shard's GET stays dataloader_stall;
//   5. a pod given its GPU by UUID (NVIDIA_VISIBLE_DEVICES=GPU-..., printed by `printenv` or `env`)
//      calls that GPU "GPU 0": its OOM is on the index `nvidia-smi -L` gives the UUID.
// Own node, pod and job names; the lines are the wordings the tools print.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"
#include "agents/logs_case_testing.h"
#include "agents/object_store.h"
#include "agents/ssh_command.h"
#include "agents/visible_devices.h"

namespace vigil {
namespace {

using testing::Case;
using testing::Log;

}  // namespace

// ---- 1. CUDA error 803: the node's driver against the image's CUDA --------------------------------

TEST_CASE("rg20: CUDA's driver mismatch (error 803) is the node's launch fault, in each wording") {
  const std::vector<std::string> wordings = {
      "RuntimeError: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling "
      "NumCudaDevices() that might have already set an error? Error 803: system has unsupported display driver / "
      "cuda driver combination",
      "RuntimeError: CUDA error: system has unsupported display driver / cuda driver combination",
      "cudaGetDeviceCount returned 803 -> cudaErrorSystemDriverMismatch",
      "jax.errors.JaxRuntimeError: INTERNAL: cuInit failed: CUDA_ERROR_SYSTEM_DRIVER_MISMATCH",
  };
  for (const std::string& w : wordings) {
    CAPTURE(w);
    const Json j = Case("drv-803", {"gn-01", "gn-02", "gn-03"},
                        Json::array({Log("gn-02/train.log", {"[launch] image nvcr.io/nvidia/pytorch:25.02-py3", w}),
                                     Log("gn-01/train.log", {"[rank0] waiting for all ranks to join the rendezvous",
                                                             "[rank0] step 0 started"})}));
    const Diagnosis d = testing::RunJsonWithPack(j);
    CHECK(d.root_cause == "launch_config_error");
    CHECK(d.component == "gn-02");
  }
}

// ---- 2. `kubectl logs POD` output is the pod's node's ----------------------------------------------

TEST_CASE("rg20: KubectlPodTarget reads the pod of kubectl logs / exec / attach past kubectl's options") {
  CHECK(KubectlPodTarget("$ kubectl -n ml logs asr-ft-0 --previous | tail -4") == "asr-ft-0");
  CHECK(KubectlPodTarget("$ kubectl logs --tail 50 -c trainer -n ml pod/llm-w-3") == "llm-w-3");
  CHECK(KubectlPodTarget("$ kubectl --context prod logs -f --since=10m llm-w-3") == "llm-w-3");
  CHECK(KubectlPodTarget("$ kubectl exec -it -n ml llm-w-3 -c main -- nvidia-smi -q") == "llm-w-3");
  CHECK(KubectlPodTarget("ops@bastion:~$ /usr/local/bin/kubectl attach po/llm-w-5") == "llm-w-5");
  CHECK(KubectlPodTarget("$ oc logs 'train-0'") == "train-0");
  // Not one pod: another workload kind, a label selector, another verb, nothing named.
  CHECK(KubectlPodTarget("$ kubectl logs deploy/llm-router") == "");
  CHECK(KubectlPodTarget("$ kubectl logs -l app=trainer --tail=5") == "");
  CHECK(KubectlPodTarget("$ kubectl get pods -o wide") == "");
  CHECK(KubectlPodTarget("$ kubectl describe pod llm-w-3") == "");
  CHECK(KubectlPodTarget("$ kubectl exec -it -- nvidia-smi") == "");
  CHECK(KubectlPodTarget("$ kubectl logs | grep x") == "");
  CHECK(KubectlPodTarget("$ grep kubectl notes.txt") == "");
}

TEST_CASE("rg20: a pod's own error read with `kubectl logs POD` is placed on the pod's node") {
  const std::vector<std::string> commands = {
      "$ kubectl -n ml logs asr-ft-0 --previous | tail -4",
      "$ kubectl logs -n ml pod/asr-ft-0 -c trainer --tail 20",
      "$ kubectl exec -n ml asr-ft-0 -- python -c 'import torch; torch.cuda.init()'",
  };
  for (const std::string& command : commands) {
    CAPTURE(command);
    const Json j = Case(
        "pod-logs", {"gk-15", "gk-16", "gk-17"},
        Json::array({Log("ops/shell",
                         {"$ kubectl -n ml get pods -o wide | grep asr-ft",
                          "asr-ft-0   0/1   CrashLoopBackOff   6 (40s ago)   14m   10.244.17.9    gk-17   <none>   <none>",
                          "asr-ft-1   1/1   Running            0             14m   10.244.15.3    gk-15   <none>   <none>",
                          command,
                          "RuntimeError: CUDA error: system has unsupported display driver / cuda driver combination",
                          "$ kubectl get nodes | grep gk-",
                          "gk-15   Ready    <none>   180d   v1.31.2",
                          "gk-17   Ready    <none>   180d   v1.31.2"})}));
    const Diagnosis d = testing::RunJsonWithPack(j);
    CHECK(d.root_cause == "launch_config_error");
    CHECK(d.component == "gk-17");
  }
}

TEST_CASE("rg20: KubectlDescribedPod reads the pod of kubectl describe pod, not other kinds") {
  CHECK(KubectlDescribedPod("$ kubectl -n llm describe pod llm-pt-worker-3 | grep -E '^Node:|Exit Code|Reason'") ==
        "llm-pt-worker-3");
  CHECK(KubectlDescribedPod("$ kubectl describe pods/llm-pt-worker-3") == "llm-pt-worker-3");
  CHECK(KubectlDescribedPod("$ kubectl describe --namespace llm po llm-pt-worker-3") == "llm-pt-worker-3");
  CHECK(KubectlDescribedPod("$ kubectl describe node k8s-b200-06") == "");
  CHECK(KubectlDescribedPod("$ kubectl describe pod -l app=llm") == "");
  CHECK(KubectlDescribedPod("$ kubectl logs llm-pt-worker-3") == "");
  CHECK(KubectlPodTarget("$ kubectl describe pod llm-pt-worker-3") == "");
}

// A torchrun crash read with `kubectl logs` from a pod that a grep'd `kubectl describe pod` ties to
// its node (the "Name:" line filtered out), not the node that rank 37 would be on were the job's
// ranks laid out 8 per node over the topology's node list (the 5th, kb-07).
TEST_CASE("rg20: a grep'd kubectl describe pod ties the pod whose logs show the crash to its node") {
  const std::vector<std::string> describes = {
      "$ kubectl -n llm describe pod llm-pt-worker-3 | grep -E '^Node:|Exit Code|Reason'",
      "$ kubectl describe pod/llm-pt-worker-3 -n llm | grep Node:",
  };
  for (const std::string& describe : describes) {
    CAPTURE(describe);
    const Json j = Case(
        "describe-grep", {"kb-03", "kb-04", "kb-05", "kb-06", "kb-07"},
        Json::array({Log("ops/shell",
                         {"$ kubectl -n llm logs llm-pt-worker-3 --tail=12",
                          "E1203 21:51:38.774000 121 torch/distributed/elastic/multiprocessing/api.py:869] failed "
                          "(exitcode: -11) local_rank: 5 (pid: 188) of binary: /usr/bin/python",
                          "  host      : llm-pt-worker-3",
                          "  rank      : 37 (local_rank: 5)",
                          "  exitcode  : -11 (pid: 188)",
                          "  traceback : Signal 11 (SIGSEGV) received by PID 188",
                          describe,
                          "Node:             kb-06/10.0.4.16",
                          "      Reason:       Error",
                          "      Exit Code:    1"})}));
    const Diagnosis d = testing::RunJsonWithPack(j);
    CHECK(d.root_cause == "rank_process_crash");
    CHECK(d.component == "kb-06/gpu5");
  }
}

// ---- 3. A ZeRO checkpoint saved at another DP world size -------------------------------------------

TEST_CASE("rg20: DeepSpeed refusing a ZeRO checkpoint of another DP world size is the job's launch fault") {
  const std::vector<std::string> wordings = {
      "[rank0]: ZeRORuntimeException: The checkpoint being loaded used a DP world size of 32 but the current world "
      "size is 24. Automatic adjustment of ZeRO's optimizer state partitioning with a new world size is not "
      "currently supported.",
      "deepspeed.runtime.zero.utils.ZeRORuntimeException: The checkpoint being loaded used a DP world size of 64 but "
      "the current world size is 56. Automatic adjustment of ZeRO's optimizer state partitioning with a new world "
      "size is not currently supported.",
      "8: [rank8]: deepspeed.runtime.zero.utils.ZeRORuntimeException: The checkpoint being loaded used a DP world "
      "size of 16 but the current world size is 8.",
  };
  for (const std::string& w : wordings) {
    CAPTURE(w);
    const Json j = Case(
        "zero-dp", {"h-11", "h-12", "h-13"},
        Json::array({Log("slurm-900.out",
                         {"slurmstepd: error: *** JOB 900 ON h-05 CANCELLED AT 2026-12-03T21:19:01 DUE TO PREEMPTION ***",
                          "[launch] requeued: SLURM_RESTART_COUNT=1 SLURM_JOB_NUM_NODES=3",
                          "[INFO] [engine.py:3010:_load_checkpoint] rank 0 loading /lustre/ckpt/900/global_step5400", w,
                          "srun: error: h-11: tasks 0-7: Exited with exit code 1"})}));
    const Diagnosis d = testing::RunJsonWithPack(j);
    CHECK(d.root_cause == "launch_config_error");
    CHECK(d.component == "job");
  }
}

// ---- 4. Object-store checkpoint uploads throttled or timing out ------------------------------------

TEST_CASE("rg20: NamesObjectStore reads bucket URLs, the AWS SDK and S3's codes, not file systems") {
  CHECK(NamesObjectStore("async checkpoint to s3://llm-ckpt/run-1/step_300"));
  CHECK(NamesObjectStore("gs://bucket/ckpt/step_9/__0_0.distcp"));
  CHECK(NamesObjectStore("botocore.exceptions.ReadTimeoutError: Read timeout on endpoint URL: \"https://x/y\""));
  CHECK(NamesObjectStore("PUT ckpt/__3_0.distcp part 30: 503 SlowDown (Please reduce your request rate.)"));
  CHECK(NamesObjectStore("An error occurred (SlowDown) when calling the UploadPart operation"));
  CHECK_FALSE(NamesObjectStore("OSError: [Errno 28] No space left on device: '/local/ckpt/step_3'"));
  CHECK_FALSE(NamesObjectStore("nfs: server nfs-ckpt01 not responding, still trying"));
  CHECK_FALSE(NamesObjectStore("Slowdown reason: HW Slowdown Active"));
}

TEST_CASE("rg20: a throttled or timed-out checkpoint upload to object storage is the job's storage failure") {
  const std::vector<std::vector<std::string>> failures = {
      {"[rank0]:[W1203 16:00:41.221034 ckpt/s3_writer.py:88] PUT step_300/__0_0.distcp part 41: 503 SlowDown "
       "(Please reduce your request rate.), retry 1/10 in 0.8 s",
       "[rank12]:[W1203 16:00:44.012201 ckpt/s3_writer.py:88] PUT step_300/__12_0.distcp part 17: 503 SlowDown "
       "(Please reduce your request rate.), retry 10/10"},
      {"[rank0]: botocore.exceptions.ClientError: An error occurred (SlowDown) when calling the PutObject operation "
       "(reached max retries: 4): Please reduce your request rate.",
       "[rank12]: botocore.exceptions.ClientError: An error occurred (SlowDown) when calling the UploadPart "
       "operation (reached max retries: 4): Please reduce your request rate."},
      {"[rank0]: botocore.exceptions.ReadTimeoutError: Read timeout on endpoint URL: "
       "\"https://s3.obj.internal/ckpt/run-7/step_300/__0_0.distcp?partNumber=30&uploadId=2~kT1\"",
       "[rank12]: botocore.exceptions.ReadTimeoutError: Read timeout on endpoint URL: "
       "\"https://s3.obj.internal/ckpt/run-7/step_300/__12_0.distcp?partNumber=4&uploadId=2~kT9\""},
  };
  for (const std::vector<std::string>& lines : failures) {
    CAPTURE(lines[0]);
    std::vector<std::string> log = {"[2026-12-03 16:00:02] step 300 | loss 1.933 | async checkpoint to "
                                    "s3://ckpt/run-7/step_300"};
    log.insert(log.end(), lines.begin(), lines.end());
    log.push_back("[rank0]: RuntimeError: checkpoint save of step 300 failed");
    const Json j = Case("s3-put", {"sn-01", "sn-02"},
                        Json::array({Log("slurm-77.out", log),
                                     Log("ops/shell", {"$ srun -l hostname", "0: sn-01", "8: sn-02"})}));
    const Diagnosis d = testing::RunJsonWithPack(j);
    CHECK(d.root_cause == "storage_failure");
    CHECK(d.component == "job");
  }
}

TEST_CASE("rg20: a dataloader's read timeout on a shard's GET stays the dataloader's") {
  const Json j = Case(
      "s3-get", {"sn-01", "sn-02"},
      Json::array({Log("slurm-78.out",
                       {"[rank3]: step 1200 data_wait 14.2 s",
                        "[worker 5] botocore.exceptions.ReadTimeoutError: Read timeout on endpoint URL: "
                        "\"https://s3.internal:9000/corpus/shard-004211.tar\"",
                        "[rank3]: step 1201 data_wait 11.9 s"})}));
  const Diagnosis d = testing::RunJsonWithPack(j);
  CHECK(d.root_cause == "dataloader_stall");
}

// ---- 5. A pod's GPU given by UUID -------------------------------------------------------------------

TEST_CASE("rg20: VisibleDeviceUuidsOf and PrintedDeviceVariable read a device list given by UUIDs") {
  using V = std::vector<std::string>;
  CHECK(VisibleDeviceUuidsOf("NVIDIA_VISIBLE_DEVICES=GPU-7D2E91A0-5c3b-48e6-a1f7-0b9c64d2e315") ==
        V{"gpu-7d2e91a0-5c3b-48e6-a1f7-0b9c64d2e315"});
  CHECK(VisibleDeviceUuidsOf("export CUDA_VISIBLE_DEVICES=\"GPU-1f04c6b2-8e71,GPU-5a9b3e20-0d4c\"") ==
        V{"gpu-1f04c6b2-8e71", "gpu-5a9b3e20-0d4c"});
  CHECK_FALSE(VisibleDeviceUuidsOf("NVIDIA_VISIBLE_DEVICES=all"));
  CHECK_FALSE(VisibleDeviceUuidsOf("NVIDIA_VISIBLE_DEVICES=0,1"));
  CHECK_FALSE(VisibleDeviceUuidsOf("NVIDIA_VISIBLE_DEVICES=MIG-3f2a91c0-1b2c-4d5e-8f90-123456789abc"));
  CHECK_FALSE(VisibleDeviceUuidsOf("RANK=3 CUDA_VISIBLE_DEVICES=GPU-1f04c6b2-8e71"));
  CHECK_FALSE(VisibleDeviceUuidsOf("NVIDIA_VISIBLE_DEVICES=GPU-1f04c6b2-8e71 CUDA_VISIBLE_DEVICES=GPU-5a9b3e20-0d4c"));
  CHECK(PrintedDeviceVariable("$ kubectl -n ml exec sd3-ft-0 -- printenv NVIDIA_VISIBLE_DEVICES") == "NVIDIA_VISIBLE_DEVICES");
  CHECK(PrintedDeviceVariable("$ echo $CUDA_VISIBLE_DEVICES") == "CUDA_VISIBLE_DEVICES");
  CHECK(PrintedDeviceVariable("$ ssh n-3 'echo ${SLURM_JOB_GPUS}'") == "SLURM_JOB_GPUS");
  CHECK(PrintedDeviceVariable("$ printenv HOME") == "");
  CHECK(PrintedDeviceVariable("$ echo CUDA_VISIBLE_DEVICES") == "");
  CHECK(PrintedDeviceVariable("$ printenv NVIDIA_VISIBLE_DEVICES CUDA_VISIBLE_DEVICES") == "");
}

TEST_CASE("rg20: a pod's OOM on its 'GPU 0' is the GPU its NVIDIA_VISIBLE_DEVICES UUID names") {
  const std::vector<std::vector<std::string>> envs = {
      {"$ kubectl -n ml exec sd3-ft-0 -- printenv NVIDIA_VISIBLE_DEVICES", "GPU-7d2e91a0-5c3b-48e6-a1f7-0b9c64d2e315"},
      {"$ kubectl -n ml exec sd3-ft-0 -- env | grep VISIBLE",
       "NVIDIA_VISIBLE_DEVICES=GPU-7d2e91a0-5c3b-48e6-a1f7-0b9c64d2e315"},
      {"$ kubectl -n ml exec sd3-ft-0 -- sh -c 'echo $CUDA_VISIBLE_DEVICES'",
       "GPU-7d2e91a0-5c3b-48e6-a1f7-0b9c64d2e315"},
  };
  for (const std::vector<std::string>& env : envs) {
    CAPTURE(env[0]);
    std::vector<std::string> lines = {
        "$ kubectl -n ml logs sd3-ft-0 --tail=2",
        "[rank0]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 3.50 GiB. GPU 0 has a total capacity "
        "of 139.81 GiB of which 1.02 GiB is free. Process 88121 has 71.30 GiB memory in use. Of the allocated memory "
        "60.1 GiB is allocated by PyTorch.",
        "$ kubectl -n ml get pod sd3-ft-0 -o wide | tail -1",
        "sd3-ft-0   0/1   Error   2 (31s ago)   44m   10.244.9.87   hn-09   <none>   <none>"};
    lines.insert(lines.end(), env.begin(), env.end());
    for (const char* l :
         {"$ ssh hn-09 nvidia-smi -L", "GPU 0: NVIDIA H200 (UUID: GPU-1f04c6b2-8e71-4d0a-93c5-7a2b0e6d9c11)",
          "GPU 1: NVIDIA H200 (UUID: GPU-5a9b3e20-0d4c-4f17-b6e8-c1f2d7a09b44)",
          "GPU 2: NVIDIA H200 (UUID: GPU-c83d1f57-2b90-4e6a-8d04-95e7f1c3a2d8)",
          "GPU 3: NVIDIA H200 (UUID: GPU-7d2e91a0-5c3b-48e6-a1f7-0b9c64d2e315)",
          "GPU 4: NVIDIA H200 (UUID: GPU-0e6f4a19-73d5-4b8c-a2e1-6c9d05b7f380)"}) {
      lines.push_back(l);
    }
    const Json j = Case("pod-uuid", {"hn-09", "hn-10"}, Json::array({Log("ops/shell", lines)}));
    const Diagnosis d = testing::RunJsonWithPack(j);
    CHECK(d.root_cause == "cuda_oom");
    CHECK(d.component == "hn-09/gpu3");
  }
}

}  // namespace vigil
