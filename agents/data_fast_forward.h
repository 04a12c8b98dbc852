// A resumed job whose data iterator fast-forwards past the samples it already consumed, on the CPU,
// one sample at a time, and is killed for it (PLC32, 2026-12-06). A checkpoint without the data
// loader's state (Megatron's consumed_samples with a blended dataset, a plain PyTorch sampler, a
// streaming dataset without its state_dict) makes each resume skip the consumed samples by drawing
// them:
//    loading checkpoint at iteration 96000 (model, optimizer, scheduler; no dataloader state)
//    data: resuming at consumed_samples=393216000; skipping samples in the blended dataset iterator
//    data: skipped 98304000 / 393216000 samples
// Rank 0 skips while the other ranks wait for it in their first collective: the NCCL watchdog's
// timeout, a heartbeat monitor's "no iteration completed", and an auto-requeue that resumes from the
// same checkpoint and skips again. The timeouts are the skip's symptom: the input pipeline, not the
// network, holds the job (dataloader_stall, job-wide). Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

struct DataFastForwardStall {
  size_t first_line = 0;  // the first skip line (index into the lines given)
  size_t skip_lines = 0;  // lines saying the iterator skips consumed samples
  size_t stalls = 0;      // timeouts / hang verdicts that came while a skip was unfinished
  size_t first_stall = 0; // the first of them
};

// Reads `lines` (one log's, in order). A skip line: the iterator skipping or fast-forwarding past
// samples / batches / examples / sequences ("skipping samples in the dataset iterator", "fast-
// forwarding the dataloader by 120000 batches", "skipped 98304000 / 393216000 samples") on a line
// about the data (data, dataset, dataloader, loader, iterator, sampler, consumed, resum...), not a
// trainer's count of skipped iterations ("number of skipped iterations: 0"). A stall: a later line
// of a collective's timeout (a watchdog's, "timed out", "Timeout(ms)=") or a hang verdict ("no
// iteration completed", "treating job as hung", "heartbeat lost") before any line saying the skip
// ended (done, finished, complete, "resumed") or a training step's progress (`iteration N`,
// `step N` with a loss). Nullopt unless a skip line is followed by a stall.
std::optional<DataFastForwardStall> FindDataFastForwardStall(const std::vector<std::string>& lines);

// The same skip with no timeout yet (PLC54, realistic49 rl49-28: a resume's iterator "still fast-forwarding
// data iterator: 61,440,000 / 153,600,000 samples skipped" after rank 0 rebuilt its index caches for 44
// minutes, the other ranks idle in a barrier, no step since): the log's skip lines end with one still under
// way - a count of N / M skipped with N < M, or a line saying it is "still" skipping / fast-forwarding -
// and no line after the first skip line says the skip ended or shows a training step (the job has not
// trained since it resumed). Returns the first skip line; nullopt otherwise.
std::optional<size_t> FindUnfinishedDataSkip(const std::vector<std::string>& lines);

// The opposite mistake (PLC38, realistic37 rl37-11): a resume that loaded its checkpoint at iteration N >
// 0 but whose data iterator starts over at the first sample ("consumed_train_samples from checkpoint
// (245760000) not applied ...: data iterator starts at sample 0", "dataloader state not restored;
// starting from the beginning of the dataset"). The model then re-reads data it has learned: its training
// loss falls far below its trend while the held-out loss does not move, and climbs back once past the
// repeated part - a loss that leaves its trend (loss_divergence), the data's not the numerics'.
// Returns the index of the restart line: a line about the data (data, dataset, loader, iterator, sampler,
// consumed samples) saying it starts / restarts / resets at sample (batch, index, epoch, shard) 0 or from
// the beginning / start, or that the consumed samples were not applied / restored, after a line loading a
// checkpoint at iteration (step) N > 0, or itself naming N > 0 consumed samples from the checkpoint.
// Nullopt otherwise (a job's first start at sample 0 is no restart).
std::optional<size_t> FindDataRestartAfterResume(const std::vector<std::string>& lines);

}  // namespace vigil
