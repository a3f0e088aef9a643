#include "kernel/loader/load.hpp"

namespace bramble::loader {

SegmentPlan plan_segment(const ElfImage& image, const Segment& segment) {
  SegmentPlan plan;
  plan.vaddr = segment.page_start();
  plan.size = segment.page_end() - plan.vaddr;
  plan.flags = segment.flags;
  plan.data_offset = segment.vaddr - plan.vaddr;
  // parse_elf() checked offset + filesz <= blob.size() for every segment it returned.
  plan.data = image.blob.subspan(static_cast<ktl::size_t>(segment.offset), static_cast<ktl::size_t>(segment.filesz));
  return plan;
}

void SegmentPlan::fill(ktl::uint64_t at, std::span<ktl::uint8_t> dest) const {
  // Written as a loop over positions rather than memcpy + memset: it is correct for any window
  // (before, across or after the file bytes) and the kernel copies a few pages once per task.
  for (ktl::size_t i = 0; i < dest.size(); ++i) {
    const ktl::uint64_t position = at + i;
    const bool from_file = position >= data_offset && position - data_offset < data.size();
    dest[i] = from_file ? data[static_cast<ktl::size_t>(position - data_offset)] : ktl::uint8_t{0};
  }
}

} // namespace bramble::loader
