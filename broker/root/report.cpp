// The per-channel table and the audit trail, printed by the root task at the end of a run.
#include <cstdarg>

#include "broker/root/root.hpp"
#include "lib/format.hpp"
#include "user/lib/sys.hpp"
#include "user/runtime/print.hpp"

namespace bramble::root {

namespace {
using ull = unsigned long long;

// n / d with four decimals, as text (no floating point in the formatter).
void ratio(char* out, std::uint64_t n, std::uint64_t d) {
  const std::uint64_t scaled = d == 0 ? 0 : (n * 10000 + d / 2) / d;
  const std::uint64_t whole = scaled / 10000;
  std::uint64_t frac = scaled % 10000;
  char digits[4];
  for (int i = 3; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  int k = 0;
  char w[24];
  std::uint64_t x = whole;
  do {
    w[k++] = static_cast<char>('0' + x % 10);
    x /= 10;
  } while (x != 0);
  int o = 0;
  while (k > 0)
    out[o++] = w[--k];
  out[o++] = '.';
  for (char c : digits)
    out[o++] = c;
  out[o] = '\0';
}
} // namespace

void Out::line(const char* format, ...) {
  char text[kLine + 2];
  va_list args;
  va_start(args, format);
  std::size_t n = vformat(text, kLine + 1, format, args);
  va_end(args);
  if (n > kLine) n = kLine;
  text[n++] = '\n';
  put(text, n);
}

void PrintOut::put(const char* text, std::size_t length) {
  user::write("root: ", 6);
  user::write(text, length);
}

// The core a component runs on now, or ran on last.
unsigned System::core_of(const Component& c) {
  if (c.ended || c.task == 0) return c.core;
  return static_cast<unsigned>(user::sys::task_core(c.task).r1);
}

void System::print_table(Out& out) const {
  out.line("channel | mode         | ring    | producer -> consumer | cores  | messages | bytes      | errors | "
           "signals | syscalls/msg | setup syscalls");
  for (const ChannelRow& r : rows_) {
    if (!r.used) continue;
    const auto& names = broker_.policy().components();
    const user::channel::Report* pr = components_[r.producer].report;
    const user::channel::Report* cr = components_[r.consumer].report;
    if (pr == nullptr || cr == nullptr) continue; // a party was forgotten since
    const user::channel::ChannelReport& p = pr->channels[r.grant[0] % user::channel::kMaxGrants];
    const user::channel::ChannelReport& c = cr->channels[r.grant[1] % user::channel::kMaxGrants];
    const std::uint64_t streaming = p.signals + p.waits + c.signals + c.waits;
    char per[32];
    ratio(per, streaming, c.messages);
    out.line("%7u | %-12s | %-7s | %8s -> %-8s | %u -> %u | %8llu | %10llu | %6llu | %7llu | %12s | %llu", r.id,
             broker::mode_name(r.mode), r.kind == ipc::RingKind::Element ? "element" : "record", names[r.producer].name,
             names[r.consumer].name, core_of(components_[r.producer]), core_of(components_[r.consumer]),
             static_cast<ull>(c.messages), static_cast<ull>(c.bytes), static_cast<ull>(c.errors + p.errors),
             static_cast<ull>(p.signals + c.signals), per, static_cast<ull>(p.setup_syscalls + c.setup_syscalls));
  }
}

void System::print_audit(Out& out) const {
  const broker::AuditLog& log = broker_.audit();
  out.line("audit trail (%llu records, %llu dropped; t = ms since boot)", static_cast<ull>(log.total()),
           static_cast<ull>(log.dropped()));
  const std::uint64_t hz = boot_.timer_frequency;
  const auto& names = broker_.policy().components();
  for (std::size_t i = 0; i < log.size(); ++i) {
    const broker::AuditRecord& r = log.at(i);
    const char* p = r.producer < names.size() ? names[r.producer].name : "?";
    const char* c = r.consumer < names.size() ? names[r.consumer].name : "?";
    char time[24];
    const std::uint64_t us = hz == 0 ? 0 : r.time / hz * 1'000'000 + r.time % hz * 1'000'000 / hz;
    (void)format(time, sizeof time, "%llu.%03llu", static_cast<ull>(us / 1000), static_cast<ull>(us % 1000));
    if (r.event == broker::AuditEvent::Restarted || r.event == broker::AuditEvent::GaveUp) {
      // A component event: producer = consumer = the component, detail = its restarts so far.
      out.line("audit #%llu t=%s %s %s (%u restarts)", static_cast<ull>(r.sequence), time,
               broker::audit_event_name(r.event), p, static_cast<unsigned>(r.detail));
    } else if (r.event == broker::AuditEvent::Refused) {
      out.line("audit #%llu t=%s %s %s %s -> %s %llu bytes: %s", static_cast<ull>(r.sequence), time,
               broker::audit_event_name(r.event), broker::mode_name(r.mode), p, c, static_cast<ull>(r.bytes),
               broker::policy_error_name(static_cast<broker::PolicyError>(r.detail)));
    } else if (r.event == broker::AuditEvent::Failed) {
      out.line("audit #%llu t=%s %s %s channel %u %s -> %s %llu bytes: step %s, %s", static_cast<ull>(r.sequence), time,
               broker::audit_event_name(r.event), broker::mode_name(r.mode), r.channel, p, c, static_cast<ull>(r.bytes),
               broker::setup_step_name(static_cast<broker::SetupStep>(r.step)), kernel_error_name(r.detail));
    } else {
      out.line("audit #%llu t=%s %s %s channel %u %s -> %s %llu bytes", static_cast<ull>(r.sequence), time,
               broker::audit_event_name(r.event), broker::mode_name(r.mode), r.channel, p, c,
               static_cast<ull>(r.bytes));
    }
  }
}

void System::print_table() const {
  PrintOut out;
  print_table(out);
}

void System::print_audit() const {
  PrintOut out;
  print_audit(out);
}

} // namespace bramble::root
