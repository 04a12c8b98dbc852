// A dataset's index build that holds the whole job at its start (PLC68, realistic60 rl60-28).
//
// Megatron-style datasets (GPTDataset, a blended dataset) keep their document / sample / shuffle
// indices in a cache beside the data. A new data mix, a changed sequence length or a moved cache
// directory makes the cache miss, and one rank (rank 0, or each node's first rank) builds the indices
// while every other rank waits for it in a barrier:
//    > could not find index cache .../GPTDataset_indices/4f0c...-document_index.npy; building indices on rank 0
//    >>> building sample index for 412 datasets (this may take a while)
//    [rank1]: Watchdog caught collective operation timeout: WorkNCCL(SeqNum=7, OpType=BARRIER, ...)
// At tens of thousands of files the build takes longer than the NCCL timeout: the waiting ranks' watchdog
// fires first, and a stack dump of the builder shows the index builder (build_sample_idx, helpers.cpp).
// The timeouts are the build's symptom: the input pipeline, not the network, holds the job
// (dataloader_stall, job-wide). Pure functions, thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

// Whether `line` says a dataset's index is being built or its cache is missing: "building indices",
// "building sample index", "build_sample_idx" / "_build_document_sample_shuffle_indices" in a stack
// dump, "could not find index cache", "index cache ... not found / missing". Lines over 2000 bytes:
// false. A line saying the build ended ("elapsed time to build ...", "indices built", "loaded indices
// from cache") is no build line.
bool IsDatasetIndexBuildLine(const std::string& line);

struct DatasetIndexBuildStall {
  size_t first_line = 0;   // the first build line (index into the lines given)
  size_t build_lines = 0;  // build lines before the first stall
  size_t stalls = 0;       // collective timeouts / hang verdicts while the build was unfinished
  size_t first_stall = 0;  // the first of them
};

// Reads `lines` (one log's, in order). A build line (IsDatasetIndexBuildLine) followed by a collective's
// timeout (the watchdog's "Watchdog caught collective operation timeout", "Timeout(ms)=", "collective
// ... timed out") or a hang verdict ("no iteration completed", "treating job as hung") with no line
// between saying the build ended ("elapsed time to build", "built ... indices", "done" on an index
// line) or a training step's progress (`iteration N` / `step N` with a loss): the ranks waited for the
// build. The log must also say more than Megatron's start-up banner ("> building indices for blendable
// datasets ...", printed by every job): a missed index cache or the builder in a stack dump
// (build_sample_idx, _build_..._indices), anywhere in it. Nullopt otherwise (a build that ended before the
// training ran is a job's normal start).
std::optional<DatasetIndexBuildStall> FindDatasetIndexBuildStall(const std::vector<std::string>& lines);

}  // namespace vigil
