// An MoE router's load statistics as training stacks print them (RG13): how much more the busiest
// expert receives than an even share. Every shape states the busiest expert's load against a
// reference, and that ratio is what an expert reads:
//   "tokens per expert max/mean = 17.5 (expert 50, ...)", "load (max/mean) 18.0", "max/mean tokens per
//   expert 14.2" (up to four words between the ratio's name and its value, naming experts or tokens;
//   RG19)
//   "expert load (layer 9, 64 experts): max 0.211 min 0.000 mean 0.0156"
//   "tokens per expert: max 41.7% (expert 17), ... median 0.21%"
//   "expert load (tokens %): e7=31.0 e41=24.0 median=0.90"
//   "tokens per expert (...): e40 10.1 | e41 9.6 | ... | median 0.96" (a space for the separator; PLC42)
//   DeepSpeed's "exp_counts max 61022 min 0 (32 experts, capacity 5120)": the capacity is the even
//   share times the capacity factor (>= 1), so max / capacity is at most max / mean.
#pragma once

#include <optional>
#include <string>

namespace vigil {

// The busiest expert's load over the line's reference (mean, median, even share or capacity) when
// the line is an MoE router statistic (it names experts, an MoE or a router) and states one of the
// shapes above; nullopt otherwise, and for a line holding a bracketed list of counts (the reasoner's
// own "tokens per expert [..]" reader reads it). Lines over 4000 bytes are not read.
std::optional<double> MoeMaxOverMean(const std::string& line);

// The busiest expert's index when `line` is a router statistic MoeMaxOverMean reads and names it
// (PLC11): "max/mean = 17.5 (expert 50, ...)" and "max 41.7% (expert 17)" (the first parenthesis
// after the max), "busiest expert 22" / "hottest expert: 22", or the largest of "e7=31.0 e41=24.0";
// nullopt otherwise (an expert named before the max is the least loaded one, not read).
std::optional<int> MoeBusiestExpert(const std::string& line);

// An MoE job's parallel sizes as its launcher or trainer prints them; 0 for a size the line does not
// state. One argument a line (Megatron's "  num_experts ........ 8", DeepSpeed's "\"ep_size\": 8,")
// or several on one line (PLC11): "arguments: num_experts=64 expert_model_parallel_size=16",
// "Namespace(num_moe_experts=32, ...)", Megatron's flags "--num-experts 16
// --expert-model-parallel-size 4". Names: num_experts / num_moe_experts; expert_model_parallel_size /
// ep_size / moe_expert_parallel_size; tensor_model_parallel_size (hyphens read as underscores). A
// name that only begins another argument's ("num_experts_per_tok") is not it. Lines over 4000 bytes
// are not read.
struct MoeArgs {
  int num_experts = 0;
  int expert_parallel = 0;
  int tensor_parallel = 0;
};
MoeArgs MoeParallelArgs(const std::string& line);

}  // namespace vigil
