// GPU utilisation an alert says is low (AO5, 2026-12-04): "mean GPU util 34% over 15m", "GPU
// utilisation below 60% for 15m on n", "GPUs of pod p are mostly idle" under a GPUUtilizationLow rule.
// A symptom: GPUs waiting for their input, most often the input pipeline (the data loader, its
// storage), else the host link feeding them (a PCIe link trained down). The reasoner ranks those two
// first among the hypotheses and names neither (builtin_reasoner.cc AddAlertGpuUtilLow: a symptom alert
// alone stays `unknown`). Pure function, thread safe.
#pragma once

#include <string>

namespace vigil {

// The words of `text` (an alert's name, summary, description and message) that say GPU (SM)
// utilisation is low, or "" when it says none. Read: a rule named *GPUUtil(ization|isation)Low*,
// *GPUUtilLow*, *GPUUnderutili[sz]ed*; "GPU util(isation|ization) N%", "... below|under|< N%",
// "underutilised GPUs", "GPUs ... mostly idle" beside such a rule. Not read (""): utilisation high or
// above a number, memory / framebuffer / copy / CPU / network / NVLink / PCIe utilisation, GPUs idle
// because nothing runs on them (idle while allocated, no job, not started), a text naming a cause
// (the pack reads it). Texts over 4096 characters are not read.
std::string GpuUtilLowInWords(const std::string& text);

}  // namespace vigil
