// The mlx5 driver's kernel line shape "mlx5_core <bus id>[ <netdev>]: ..." read once (PLC25): the
// device's bus id and, when the line has a netdev slot, the netdev. Before PLC25 two regexes read
// the same shape (NetdevOfDriverLine for the netdev, PLC23's BusIdOfMlx5DeviceLine for the bus id
// of a line with no netdev); both callers (HintFromLine's HCA, Component's HCA by bus id) use this.
// Pure function, thread safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vigil {

struct Mlx5DriverLine {
  std::string bus;     // "5e:00.0": the address after "mlx5_core" (not a bridge's later), lower case
  std::string netdev;  // "ib4", "ibp75s0", "enp75s0np0": the netdev slot's word; "" when the line has none
};

// The first "mlx5_core BUS: ..." or "mlx5_core BUS NETDEV: ..." of `line` (BUS with or without its
// PCI domain, "0000:5e:00.0" or "5e:00.0"; NETDEV any name of 1-15 characters starting with a letter,
// whatever the naming scheme); nullopt for any other line and for lines over 2000 characters.
std::optional<Mlx5DriverLine> ParseMlx5DriverLine(std::string_view line);

}  // namespace vigil
