#pragma once
// Mesa's llvmpipe (the software renderer of VMs, remote desktops and CI) rasterises each
// frame on one thread per CPU, named "llvmpipe-N". They wake for a few milliseconds per
// frame; Linux tends to start them on the CPU that woke them, one after the other, and its
// load balancer does not move one away before the burst is over. Measured on a 2-CPU VM,
// live screen: the rasterise stage took 5.6 ms with two threads and 6.1 ms with one, i.e.
// they hardly ran side by side; with each on a CPU of its own it took 4.0 ms.

#include <cstddef>
#include <string>

namespace respira::app {

struct RasteriserSpread {
  std::size_t threads = 0;  // llvmpipe threads given a CPU of their own
  std::string cpus;         // which, e.g. "0,1"
};

// With llvmpipe as the current context's renderer, gives each of its rasteriser threads one
// CPU of those this process may use (thread N -> the N-th, wrapping round). Does nothing
// for any other renderer, or where the threads cannot be found or moved: it only speeds
// frames up.
RasteriserSpread spread_software_rasteriser();

}  // namespace respira::app
