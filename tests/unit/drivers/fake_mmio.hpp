// A fake bus for driver tests: registers are a map from address to value, every access is logged,
// and tests can pre-load values (or a per-address script of values) that reads return.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

struct MmioAccess {
  bool write;
  std::uintptr_t address;
  std::uint32_t value;
};

struct FakeBus {
  std::map<std::uintptr_t, std::uint32_t> registers;
  std::map<std::uintptr_t, std::deque<std::uint32_t>> scripted_reads;
  std::vector<MmioAccess> log;

  std::vector<MmioAccess> writes_to(std::uintptr_t address) const {
    std::vector<MmioAccess> out;
    for (const auto& a : log)
      if (a.write && a.address == address) out.push_back(a);
    return out;
  }
};

// The backend the drivers are instantiated with: a handle to a shared FakeBus.
struct FakeMmio {
  std::shared_ptr<FakeBus> bus = std::make_shared<FakeBus>();

  std::uint32_t read32(std::uintptr_t address) const {
    std::uint32_t value = 0;
    auto script = bus->scripted_reads.find(address);
    if (script != bus->scripted_reads.end() && !script->second.empty()) {
      value = script->second.front();
      script->second.pop_front();
    } else {
      value = bus->registers[address];
    }
    bus->log.push_back({false, address, value});
    return value;
  }
  void write32(std::uintptr_t address, std::uint32_t value) const {
    bus->registers[address] = value;
    bus->log.push_back({true, address, value});
  }
};
