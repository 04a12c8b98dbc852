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
//      on a shard's GET stays dataloader_stall.
// Own node, pod and job names; the lines are the wordings the tools print.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "agents/case.h"
#include "agents/diagnosis_agent.h"
#include "agents/diagnosis_testing.h"

namespace vigil {
namespace {

Json Log(const std::string& source, const std::vector<std::string>& lines) {
  Json l = Json::object();
  l["source"] = source;
  Json a = Json::array();
  for (const std::string& s : lines) a.push_back(s);
  l["lines"] = std::move(a);
  return l;
}

// A case of logs only (no alert, metrics or probes) on `nodes`.
Json Case(const std::string& id, const std::vector<std::string>& nodes, Json logs) {
  Json j = Json::object();
  j["id"] = id;
  j["alert"] = nullptr;
  j["metrics"] = Json::array();
  j["probes"] = Json::object();
  Json n = Json::array();
  for (const std::string& s : nodes) n.push_back(s);
  j["topology"] = {{"nodes", std::move(n)}, {"gpus_per_node", 8}, {"timezone", "UTC"}};
  j["logs"] = std::move(logs);
  return j;
}

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

}  // namespace vigil
