// A GPU's other names, as nvidia-smi pasted in a case prints them beside its index (RG17,
// 2026-12-03). Evidence often names a GPU by its PCI bus id ("NVRM: Xid (PCI:0000:9d:00): 79"), its
// UUID (a device plugin's or DCGM's "GPU-8e1b7d22-..."), or its serial number (an RMA note, a field
// diagnostic); the reasoner places it on a GPU index once the case ties that name to one.
// GpuIdReader reads one log's lines in order and returns the ties each line states:
//   - `nvidia-smi --query-gpu=index,pci.bus_id,serial,uuid --format=csv[,noheader]`: the columns
//     named by the header row ("index, pci.bus_id, serial, uuid") or, without one, by the pasted
//     command's --query-gpu= list; a row ties its index to the bus id, UUID and serial it holds;
//   - `nvidia-smi -q`: a block "GPU 00000000:9D:00.0" with its "Serial Number", "GPU UUID" and
//     "Bus Id" fields ties those names to each other (no index: a block's position says none, `-q -i 5`
//     prints one block under "Attached GPUs : 8"); CaseGpuIds joins such a block to an index another
//     line of the same node gives for one of its names;
//   - `dcgmi discovery -l` (RG19): under its "| GPU ID | Device Information |" header, a row
//     "| 3 | Name: NVIDIA B200 |" opens GPU 3 and the rows below it with an empty first cell
//     ("|   | PCI Bus ID: 00000000:4C:00.0 |", "|   | Device UUID: GPU-... |") tie their names to
//     it; the table ends at a line that is no row or border (the NvSwitch table's own header too).
//     A pasted `dcgmi discovery` command line opens the table as the header does (PLC5: `| grep
//     -A1 9A` cuts the header), and a cell may hold several fields ("UUID: GPU-...  PCI Bus ID: ...");
//   - nvidia-smi's "Unable to determine the device handle for GPU1: 0000:1B:00.0: Unknown Error" (a GPU
//     NVML cannot open, in any of its outputs; PLC4) ties that index to that bus id.
// Names as the reasoner compares them: the bus id by pci_bus.h's PciKey, the UUID lower case, the
// serial as printed (digits). Pure, one instance per log; not thread safe (it keeps the columns or
// the block being read).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigil {

struct GpuIds {
  int index = -1;      // nvidia-smi's index; -1 when the line gives none
  std::string bus;     // PciKey ("0000:9d:00"); "" when none
  std::string uuid;    // "gpu-8e1b7d22-..." lower case; "" when none
  std::string serial;  // "1652922004521"; "" when none
};

class GpuIdReader {
 public:
  // The ties `line` states, given the lines read before it. A line over 2000 bytes states none.
  std::vector<GpuIds> Read(std::string_view line);

 private:
  int index_col_ = -1, bus_col_ = -1, uuid_col_ = -1, serial_col_ = -1;
  bool have_columns_ = false;
  GpuIds block_;          // the -q block being read
  bool in_block_ = false;
  bool in_dcgmi_ = false;  // inside dcgmi discovery's GPU table
  int dcgmi_index_ = -1;   // the GPU ID of the row being read; -1 before the first
};

// `ties` of one node joined: a tie without an index takes the index of another tie sharing one of
// its names; those left without one are dropped, and a name tied to two indices is dropped from all.
std::vector<GpuIds> JoinGpuIds(const std::vector<GpuIds>& ties);

}  // namespace vigil
