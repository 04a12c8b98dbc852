// PLC66 (2026-12-07): what realistic58 ("credentials, certificates and access that expire") showed - SEEN
// fixes, not blind. General readings, each with short lines written here as another cluster prints the
// same shapes (no case text of the set):
// - the job's writes refused with EACCES on several ranks (an expired Kerberos ticket on a sec=krb5 mount,
//   an ownership / ACL change): the job's storage path (denied_checkpoint_write.h);
// - a Slurm task launch refused with a munge "Protocol authentication error" on one node: that node's
//   launch; image pulls refused for authorization on several pods while the rendezvous never completes:
//   the job's launch (launch_auth_refused.h).
// Each case test below was run through the old code's binary (/tmp/s52/vigil_base57 diagnose --case) as
// a file first: krb -> ib_link_failure @ gx-0103/mlx5_1 (0.85), munge -> launch_config_error @ job (0.36),
// pull -> straggler_rank @ job (0.13).
#include <doctest/doctest.h>

#include <string>

#include "agents/builtin_reasoner.h"
#include "agents/denied_checkpoint_write.h"
#include "agents/diagnosis_testing.h"
#include "agents/launch_auth_refused.h"

namespace vigil {
namespace {

std::string Answer(const Diagnosis& d) { return d.root_cause + " @ " + d.component; }

}  // namespace

TEST_CASE("plc66 DeniedWritePath / StatesCredentialExpired / FindDeniedWrites") {
  CHECK(DeniedWritePath("[rank3]: PermissionError: [Errno 13] Permission denied: '/ckpt/run/it_100'") == "/ckpt/run/it_100");
  CHECK(DeniedWritePath("OSError: [Errno 13] Permission denied: \"/data/out/x.pt\"") == "/data/out/x.pt");
  CHECK(DeniedWritePath("mkdir: cannot create directory '/scratch/a/b': Permission denied") == "/scratch/a/b");
  CHECK(DeniedWritePath("notify: WriteFailed path=/home/u/run errno=EACCES") == "/home/u/run");
  CHECK(DeniedWritePath("root@n1: Permission denied (publickey).").empty());
  CHECK(DeniedWritePath("WARNING (resolved) PermissionError: [Errno 13] Permission denied: '/ckpt/old'").empty());
  CHECK(DeniedWritePath("step 100 loss 2.3").empty());
  CHECK(StatesCredentialExpired("rpc.gssd[1]: ERROR: GSS-API: error in gss_acquire_cred(): GSS_S_CREDENTIALS_EXPIRED (Ticket expired)"));
  CHECK(StatesCredentialExpired("kinit: KRB5KRB_AP_ERR_TKT_EXPIRED"));
  CHECK_FALSE(StatesCredentialExpired("x509: certificate has expired or is not yet valid"));
  // Two distinct denied paths are needed; one rank's single refusal is not the job's storage.
  CHECK_FALSE(FindDeniedWrites({"PermissionError: [Errno 13] Permission denied: '/a/b'"}));
  CHECK_FALSE(FindDeniedWrites({"[rank0]: PermissionError: [Errno 13] Permission denied: '/a/b'",
                                "[rank8]: PermissionError: [Errno 13] Permission denied: '/a/b'"}));
  // An emergency save's refusal follows another failure: not read.
  CHECK_FALSE(FindDeniedWrites({"[rank0]: PermissionError: [Errno 13] Permission denied: '/w/emergency/s1'",
                                "[rank8]: PermissionError: [Errno 13] Permission denied: '/w/emergency/s1/r8'"}));
  const auto d = FindDeniedWrites({"x", "PermissionError: [Errno 13] Permission denied: '/a/b'",
                                   "gssd: GSS_S_CREDENTIALS_EXPIRED", "PermissionError: [Errno 13] Permission denied: '/a/b/c'"});
  REQUIRE(d);
  CHECK(d->lines.size() == 2);
  CHECK(d->lines[0] == 1);
  REQUIRE(d->credential);
  CHECK(*d->credential == 2);
}

// Checkpoint writes refused on three ranks when the Kerberos ticket of a sec=krb5 home expired; another
// node's port flapped and came back two hours earlier. Before: ib_link_failure @ gx-0103/mlx5_1 (0.85).
TEST_CASE("plc66 checkpoint writes refused with EACCES on several ranks answer the job's storage") {
  const Diagnosis d = testing::RunCaseText(R"JSON({
 "id": "plc66-krb",
 "alert": null,
 "topology": {
  "nodes": ["gx-0101", "gx-0102", "gx-0103", "gx-0104"],
  "gpus_per_node": 4,
  "timezone": "UTC",
  "rank_layout": "rank r runs on nodes[r // 4], local GPU r % 4"
 },
 "logs": [
  {
   "source": "train-8812.log",
   "lines": [
    "2027-01-10 09:00:00 step 4000 loss 2.41 time/step 1.90s",
    "2027-01-10 19:05:00 saving checkpoint to /home/ml/runs/bert-x/step_4000",
    "[rank0]: PermissionError: [Errno 13] Permission denied: '/home/ml/runs/bert-x/step_4000'",
    "[rank4]: PermissionError: [Errno 13] Permission denied: '/home/ml/runs/bert-x/step_4000/shard_01'",
    "[rank12]: PermissionError: [Errno 13] Permission denied: '/home/ml/runs/bert-x/step_4000/shard_03'"
   ]
  },
  {
   "source": "gx-0101/messages",
   "lines": [
    "2027-01-10T19:05:01Z gx-0101 rpc.gssd[990]: ERROR: GSS-API: error in gss_acquire_cred(): GSS_S_CREDENTIALS_EXPIRED (Ticket expired) - for uid 5001"
   ]
  },
  {
   "source": "gx-0103/kern.log",
   "lines": [
    "2027-01-10T17:00:00Z gx-0103 kernel: mlx5_core 0000:3b:00.0 ibp59s0: Link down",
    "2027-01-10T17:00:12Z gx-0103 kernel: mlx5_core 0000:3b:00.0 ibp59s0: Link up"
   ]
  }
 ],
 "metrics": [
  {"name": "node_infiniband_link_downed_total", "labels": {"instance": "gx-0103:9100", "device": "mlx5_1", "port": "1"},
   "samples": [[1799604000000, 2.0], [1799604300000, 3.0], [1799604600000, 3.0], [1799604900000, 3.0], [1799605200000, 3.0]]}
 ]
})JSON");
  CHECK(Answer(d) == "storage_failure @ job");
  CHECK(d.confidence >= 0.5);
}

TEST_CASE("plc66 SlurmLaunchAuthRefusedNode / StatesMungeAuthRefused / PullAuthRefusedPod / FindLaunchAuthRefused") {
  CHECK(SlurmLaunchAuthRefusedNode("srun: error: Task launch for StepId=7.0 failed on node gpu-12: Protocol authentication error") == "gpu-12");
  CHECK(SlurmLaunchAuthRefusedNode("srun: error: Task launch for StepId=7.0 failed on node gpu-12: Invalid node name specified").empty());
  CHECK(StatesMungeAuthRefused("slurmd[1]: error: Munge decode failed: Invalid credential"));
  CHECK(StatesMungeAuthRefused("munged[2]: Invalid credential from [10.0.0.4]"));
  CHECK_FALSE(StatesMungeAuthRefused("munged[2]: Starting munge-0.5.15 daemon"));
  CHECK(PullAuthRefusedPod("Warning Failed pod/w-1 Failed to pull image \"r/x:1\": failed to authorize: 401 Unauthorized") == "w-1");
  CHECK(PullAuthRefusedPod("Warning Failed pod/w-1 Failed to pull image \"r/x:1\": pull access denied, repository does not exist") == "w-1");
  CHECK(PullAuthRefusedPod("Warning Failed pod/w-1 Failed to pull image \"r/x:1\": i/o timeout").empty());
  // Slurm: one node named -> that node.
  const auto s = FindLaunchAuthRefused({"srun: error: Task launch for StepId=7.0 failed on node gpu-12: Protocol authentication error",
                                        "gpu-12 slurmd[1]: error: Munge decode failed: Invalid credential"});
  REQUIRE(s);
  CHECK(s->node == "gpu-12");
  CHECK_FALSE(s->image_pull);
  // Two nodes refused: the job.
  const auto s2 = FindLaunchAuthRefused({"srun: error: Task launch for StepId=7.0 failed on node gpu-12: Protocol authentication error",
                                         "srun: error: Task launch for StepId=7.0 failed on node gpu-13: Protocol authentication error"});
  REQUIRE(s2);
  CHECK(s2->node.empty());
  // Kubernetes: one pod's refused pull (a restart after some other fault) is not read; nor two pods
  // when the world was reached.
  CHECK_FALSE(FindLaunchAuthRefused({"pod/w-1 Failed to pull image \"r/x\": 401 Unauthorized", "RendezvousTimeoutError"}));
  CHECK_FALSE(FindLaunchAuthRefused({"pod/w-1 Failed to pull image \"r/x\": 401 Unauthorized",
                                     "pod/w-2 Failed to pull image \"r/x\": 401 Unauthorized"}));
  const auto k = FindLaunchAuthRefused({"pod/w-1 Failed to pull image \"r/x\": 401 Unauthorized",
                                        "pod/w-2 Failed to pull image \"r/x\": 401 Unauthorized", "RendezvousTimeoutError"});
  REQUIRE(k);
  CHECK(k->image_pull);
  CHECK(k->node.empty());
}

// srun's task launch refused with a munge authentication error on one node (its munged rejects the
// credential); another node's NHC warns of a slow port. Before: launch_config_error @ job (0.36).
TEST_CASE("plc66 a task launch refused by munge on one node answers that node's launch") {
  const Diagnosis d = testing::RunCaseText(R"JSON({
 "id": "plc66-munge",
 "alert": null,
 "topology": {
  "nodes": ["cx-17", "cx-18", "cx-19", "cx-20"],
  "gpus_per_node": 8,
  "timezone": "UTC",
  "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"
 },
 "logs": [
  {
   "source": "slurm-99121.out",
   "lines": [
    "srun: job 99121 has been allocated resources",
    "srun: error: Task launch for StepId=99121.0 failed on node cx-19: Protocol authentication error",
    "srun: error: Application launch failed: Protocol authentication error",
    "srun: Job step aborted: Waiting up to 32 seconds for job step to finish."
   ]
  },
  {
   "source": "cx-19/journal",
   "lines": [
    "2027-02-01T08:00:01Z cx-19 slurmd[801]: error: Munge decode failed: Invalid credential",
    "2027-02-01T08:00:01Z cx-19 munged[640]: Invalid credential from [10.1.0.17]"
   ]
  },
  {
   "source": "nhc.log",
   "lines": [
    "2027-02-01T08:00:00Z cx-18 nhc[300]: WARNING: check_hw_ib: port mlx5_2:1 rate 200 Gb/sec (4X HDR), expected 400 Gb/sec"
   ]
  }
 ]
})JSON");
  CHECK(Answer(d) == "launch_config_error @ cx-19");
}

// Image pulls refused for authorization on two pods; the rendezvous times out short of its nodes.
// Before: straggler_rank @ job (0.13).
TEST_CASE("plc66 image pulls refused for authorization while the rendezvous never completes answer the launch") {
  const Diagnosis d = testing::RunCaseText(R"JSON({
 "id": "plc66-pull",
 "alert": null,
 "topology": {
  "nodes": ["k8-a1", "k8-a2", "k8-a3", "k8-a4"],
  "gpus_per_node": 8,
  "timezone": "UTC",
  "rank_layout": "rank r runs on nodes[r // 8], local GPU r % 8"
 },
 "logs": [
  {
   "source": "kubectl get events -n ml",
   "lines": [
    "2027-03-04T10:00:01Z  Warning  Failed  pod/vit-worker-2  Failed to pull image \"registry.lab/ml/vit:1.4\": failed to authorize: failed to fetch oauth token: 401 Unauthorized",
    "2027-03-04T10:00:02Z  Warning  Failed  pod/vit-worker-3  Failed to pull image \"registry.lab/ml/vit:1.4\": failed to authorize: failed to fetch oauth token: 401 Unauthorized",
    "2027-03-04T10:01:00Z  Warning  Failed  pod/vit-worker-3  Error: ImagePullBackOff"
   ]
  },
  {
   "source": "vit-worker-0/pytorch",
   "lines": [
    "INFO 2027-03-04 10:00:05,000 torch.distributed.elastic.agent.server.api: starting workers; rendezvous min_nodes=4 max_nodes=4 join_timeout=600",
    "ERROR 2027-03-04 10:10:05,000 torch.distributed.elastic.rendezvous.dynamic_rendezvous: The node 'vit-worker-0_7_0' has failed to join the rendezvous 'vit' in time: 2 participants",
    "torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError"
   ]
  }
 ]
})JSON");
  CHECK(Answer(d) == "launch_config_error @ job");
}

}  // namespace vigil
