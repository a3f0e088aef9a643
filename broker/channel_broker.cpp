#include "broker/channel_broker.hpp"

namespace bramble::broker {

const char* broker_error_name(BrokerError e) {
  switch (e) {
  case BrokerError::NotPermitted: return "not permitted";
  case BrokerError::NoRoom: return "no room";
  case BrokerError::Kernel: return "kernel call failed";
  case BrokerError::Layout: return "layout";
  case BrokerError::NoSuchChannel: return "no such channel";
  case BrokerError::NotRegistered: return "component not registered";
  }
  return "?";
}

const char* setup_step_name(SetupStep s) {
  switch (s) {
  case SetupStep::None: return "-";
  case SetupStep::AllocateFrames: return "allocate";
  case SetupStep::MapBroker: return "map-broker";
  case SetupStep::WriteHeader: return "write-header";
  case SetupStep::MapProducer: return "map-producer";
  case SetupStep::MapConsumer: return "map-consumer";
  case SetupStep::CreateNotifications: return "notifications";
  case SetupStep::InstallProducer: return "install-producer";
  case SetupStep::InstallConsumer: return "install-consumer";
  case SetupStep::GrantRegistry: return "grant-registry";
  }
  return "?";
}

Result<void, BrokerError> ChannelBroker::add_component(std::size_t index, Slot task, Slot first_free_slot,
                                                       std::uint32_t reserved_windows) {
  if (index >= policy_.components().size() || index >= kMaxComponents) return err(BrokerError::NotRegistered);
  components_[index] =
      Component{true, true, task, first_free_slot == 0 ? 1 : first_free_slot, reserved_windows, reserved_windows};
  return {};
}

const ChannelRecord* ChannelBroker::channel(std::uint32_t id) const {
  for (const ChannelRecord& c : channels_) {
    if (c.state != ChannelState::Free && c.id == id) return &c;
  }
  return nullptr;
}

std::size_t ChannelBroker::active_channels() const {
  std::size_t n = 0;
  for (const ChannelRecord& c : channels_)
    n += c.state != ChannelState::Free ? 1u : 0u;
  return n;
}

std::uint32_t ChannelBroker::lowest_free_window(std::uint32_t used) {
  for (std::uint32_t k = 0; k < kMaxWindows; ++k) {
    if ((used & (std::uint32_t{1} << k)) == 0) return k;
  }
  return kMaxWindows;
}

std::uint64_t ChannelBroker::header_vaddr(const ChannelRecord& c) const {
  // One page per channel record, at the bottom of the broker's own window.
  return kWindowBase + static_cast<std::uint64_t>(&c - channels_) * ipc::kPageSize;
}

void ChannelBroker::log(AuditEvent e, const ChannelRecord& c, SetupStep step, std::uint8_t detail) {
  audit_.record(AuditRecord{0, ops_.now(), e, c.mode, static_cast<std::uint8_t>(step), detail, c.id, c.party[kProducer],
                            c.party[kConsumer], c.bytes});
}

Result<ChannelRecord*, BrokerError> ChannelBroker::begin(std::size_t producer, std::size_t consumer, SetupMode mode,
                                                         const ipc::RingSpec& spec) {
  ChannelRecord probe{};
  probe.mode = mode;
  probe.id = kNoChannel;
  probe.party[kProducer] = static_cast<std::uint16_t>(producer);
  probe.party[kConsumer] = static_cast<std::uint16_t>(consumer);
  probe.bytes = ipc::check_spec(spec).ok() ? ipc::ring_geometry(spec).total_size : 0;
  auto rule = policy_.check(producer, consumer, mode, spec);
  if (!rule.ok()) {
    last_policy_ = rule.error();
    log(AuditEvent::Refused, probe, SetupStep::None, static_cast<std::uint8_t>(rule.error()));
    return err(BrokerError::NotPermitted);
  }
  if (producer >= kMaxComponents || consumer >= kMaxComponents || !components_[producer].alive ||
      !components_[consumer].alive)
    return err(BrokerError::NotRegistered);
  ChannelRecord* c = nullptr;
  for (ChannelRecord& r : channels_) {
    if (r.state == ChannelState::Free) {
      c = &r;
      break;
    }
  }
  const std::uint32_t wp = lowest_free_window(components_[producer].windows);
  const std::uint32_t wc = lowest_free_window(components_[consumer].windows);
  if (c == nullptr || wp == kMaxWindows || wc == kMaxWindows) return err(BrokerError::NoRoom);
  *c = ChannelRecord{};
  c->mode = mode;
  c->id = next_id_++; // ids are never reused, not even those of failed setups
  c->saved_next_slot[kProducer] = components_[producer].next_slot;
  c->saved_next_slot[kConsumer] = components_[consumer].next_slot;
  c->party[kProducer] = probe.party[kProducer];
  c->party[kConsumer] = probe.party[kConsumer];
  c->alive[kProducer] = c->alive[kConsumer] = true;
  c->window[kProducer] = wp;
  c->window[kConsumer] = wc;
  c->spec = spec;
  c->bytes = probe.bytes;
  return c;
}

// Deletes one broker capability (revoking its descendants first when they live in other tables).
void ChannelBroker::drop(Slot& slot, bool revoke_first) {
  if (slot == 0) return;
  if (revoke_first) (void)ops_.cap_revoke(slot);
  (void)ops_.cap_delete(slot);
  slot = 0;
}

// Undoes a channel in the reverse order of its setup; also the rollback of a failed setup, since every
// step records what it made the moment it succeeded. Notifications are revoked first (the inserted
// copies in both components go, waking a waiter with ObjectDestroyed), then each mapping copy is
// deleted (removing that mapping), then the frames (freeing the memory; the broker's header mapping
// goes with the header frame).
void ChannelBroker::release(ChannelRecord& c) {
  for (Slot& k : c.control) // self-service: the broker's own copies (and its header mapping) first
    drop(k, false);
  for (Slot& g : c.grants)
    drop(g, true);
  for (int n = 1; n >= 0; --n)
    drop(c.notify[n], true);
  for (int side = kConsumer; side >= kProducer; --side) {
    for (int p = static_cast<int>(kParts) - 1; p >= 0; --p)
      drop(c.copies[side][p], false);
  }
  for (int p = static_cast<int>(kParts) - 1; p >= 0; --p)
    drop(c.frames[p], false);
  for (int side = kProducer; side <= kConsumer; ++side) {
    Component& comp = components_[c.party[side]];
    comp.windows &= ~(std::uint32_t{1} << c.window[side]);
    comp.windows |= comp.reserved;
  }
}

Unexpected<BrokerError> ChannelBroker::fail(ChannelRecord& c, SetupStep step, KernelError e, BrokerError result) {
  last_step_ = step;
  last_kernel_ = e;
  release(c);
  // The slots the failed setup used in the components are empty again (revoked above): reuse them.
  components_[c.party[kProducer]].next_slot = c.saved_next_slot[kProducer];
  components_[c.party[kConsumer]].next_slot = c.saved_next_slot[kConsumer];
  log(AuditEvent::Failed, c, step, static_cast<std::uint8_t>(e));
  c = ChannelRecord{};
  return err(result);
}

Result<Established, BrokerError> ChannelBroker::establish_channel_centralized(std::size_t producer,
                                                                              std::size_t consumer,
                                                                              const ipc::RingSpec& spec,
                                                                              Wakeup to_consumer) {
  ChannelRecord* cp = BRAMBLE_TRY(begin(producer, consumer, SetupMode::Centralized, spec));
  ChannelRecord& c = *cp;
  c.state = ChannelState::Active; // owned from here on: every failure below goes through fail()
  const ipc::RingGeometry g = ipc::ring_geometry(spec);
  const ipc::ByteRange parts[kParts] = {g.header, g.producer, g.consumer, g.data};
  Component* comp[2] = {&components_[producer], &components_[consumer]};
  comp[kProducer]->windows |= std::uint32_t{1} << c.window[kProducer];
  comp[kConsumer]->windows |= std::uint32_t{1} << c.window[kConsumer];

  // 1. Memory: one frame per part, so each can be mapped with its own rights.
  for (std::size_t p = 0; p < kParts; ++p) {
    auto f = ops_.memory_allocate(parts[p].size);
    if (!f.ok()) return fail(c, SetupStep::AllocateFrames, f.error());
    c.frames[p] = *f;
  }
  // 2. The header, written and validated through the broker's own mapping (kept for closing).
  const std::uint64_t local = header_vaddr(c);
  if (auto m = ops_.memory_map(c.frames[0], local, abi::kMapRead | abi::kMapWrite); !m.ok())
    return fail(c, SetupStep::MapBroker, m.error());
  void* page = ops_.local(local);
  if (page == nullptr || !ipc::write_header_page(page, spec).ok() ||
      !ipc::validate_header(page, g.total_size, spec).ok()) {
    return fail(c, SetupStep::WriteHeader, KernelError::InvalidSyscall, BrokerError::Layout);
  }
  // 3. Both sides' mappings, each through a copy minted with exactly the mapping's rights.
  for (int side = kProducer; side <= kConsumer; ++side) {
    const SetupStep step = side == kProducer ? SetupStep::MapProducer : SetupStep::MapConsumer;
    if (auto m = map_side(c, static_cast<Side>(side)); !m.ok()) return fail(c, step, m.error());
  }
  // 4. One notification per direction ("to consumer" possibly a badged child of the consumer's own).
  for (Slot& n : c.notify) {
    const bool shared = &n == &c.notify[0] && to_consumer.notification != 0;
    auto made = shared ? ops_.cap_mint(to_consumer.notification, abi::kRightSignal | abi::kRightWait | abi::kRightGrant,
                                       to_consumer.badge)
                       : ops_.notification_create();
    if (!made.ok()) return fail(c, SetupStep::CreateNotifications, made.error());
    n = *made;
  }
  // 5. Install: the producer signals "to consumer" and waits on "to producer"; the consumer the reverse.
  for (int side = kProducer; side <= kConsumer; ++side) {
    const SetupStep step = side == kProducer ? SetupStep::InstallProducer : SetupStep::InstallConsumer;
    if (auto r = install_side(c, static_cast<Side>(side)); !r.ok()) return fail(c, step, r.error());
  }

  log(AuditEvent::Established, c);
  return Established{c.id, side_config(c, kProducer), side_config(c, kConsumer)};
}

ipc::ChannelConfig ChannelBroker::side_config(const ChannelRecord& c, Side side) {
  ipc::ChannelConfig cfg{};
  cfg.base = window_base(c.window[side]);
  cfg.size = ipc::ring_geometry(c.spec).total_size;
  cfg.role = side == kProducer ? ipc::Role::Producer : ipc::Role::Consumer;
  cfg.kind = c.spec.kind;
  cfg.element_size = c.spec.element_size;
  cfg.capacity = c.spec.capacity;
  if (c.mode == SetupMode::Centralized) {
    cfg.signal_handle = c.task_slots[side][0];
    cfg.wait_handle = c.task_slots[side][1];
  }
  return cfg;
}

KResult<void> ChannelBroker::map_side(ChannelRecord& c, Side side) {
  const ipc::RingGeometry g = ipc::ring_geometry(c.spec);
  const ipc::ByteRange parts[kParts] = {g.header, g.producer, g.consumer, g.data};
  const std::uint64_t base = window_base(c.window[side]);
  const Slot task = components_[c.party[side]].task;
  for (std::size_t p = 0; p < kParts; ++p) {
    const abi::MapPerms perms = part_perms(side, static_cast<Part>(p));
    auto copy = ops_.cap_mint(c.frames[p], abi::rights_for_map(perms), abi::kNoBadge);
    if (!copy.ok()) return err(copy.error());
    c.copies[side][p] = *copy;
    if (auto m = ops_.memory_map_into(task, *copy, base + parts[p].offset, perms); !m.ok()) return err(m.error());
  }
  return {};
}

KResult<void> ChannelBroker::install_side(ChannelRecord& c, Side side) {
  Component& k = components_[c.party[side]];
  const Slot sends = c.notify[side == kProducer ? 0 : 1];
  const Slot receives = c.notify[side == kProducer ? 1 : 0];
  const Slot signal_slot = k.next_slot;
  if (auto r = ops_.cap_insert_into(k.task, signal_slot, sends, abi::kRightSignal, abi::kNoBadge); !r.ok())
    return err(r.error());
  c.task_slots[side][0] = signal_slot;
  ++k.next_slot;
  const Slot wait_slot = k.next_slot;
  if (auto r = ops_.cap_insert_into(k.task, wait_slot, receives, abi::kRightWait, abi::kNoBadge); !r.ok())
    return err(r.error());
  c.task_slots[side][1] = wait_slot;
  ++k.next_slot;
  return {};
}

Result<SelfServiceGrant, BrokerError> ChannelBroker::grant_self_service(std::size_t producer, std::size_t consumer,
                                                                        const ipc::RingSpec& spec) {
  ChannelRecord* cp = BRAMBLE_TRY(begin(producer, consumer, SetupMode::SelfService, spec));
  ChannelRecord& c = *cp;
  c.state = ChannelState::Active;
  components_[producer].windows |= std::uint32_t{1} << c.window[kProducer];
  components_[consumer].windows |= std::uint32_t{1} << c.window[kConsumer];
  const std::uint64_t name = self_service_name(c.id);
  const abi::Badge badge = abi::registry_badge(name, kRegistryPrefixBits);
  // Broker-side intermediates (badged, with Grant) so that revoking one withdraws exactly what this
  // channel handed out; the components get them without Grant: the producer may register (Write), the
  // consumer may only query (Read). The producer's memory is a sub-quota split off the broker's, sized
  // for what its setup allocates (self_service_quota), so it can never charge more than its own ring;
  // the broker keeps the split's own capability as the intermediate, and the producer gets Control.
  // Closing revokes and deletes it; the bytes return to the broker's quota once the producer's frames
  // and notifications made from it are gone too (docs/syscalls.md, memory_split).
  // grants[0] is the producer's registry capability, [1] the consumer's, [2] the producer's sub-quota,
  // [3] the producer's capability for the control names (grant_side gives each its side's).
  struct Need {
    Slot source; // 0: split a sub-quota instead of minting
    abi::Rights broker_rights;
    abi::Badge badge;
  };
  const abi::Badge control = abi::registry_badge(self_service_control_name(c.id), kRegistryPrefixBits);
  const Need needs[4] = {{registry_, abi::kRightWrite | abi::kRightGrant, badge},
                         {registry_, abi::kRightRead | abi::kRightGrant, badge},
                         {0, 0, abi::kNoBadge},
                         {registry_, abi::kRightRead | abi::kRightWrite | abi::kRightGrant, control}};
  for (std::size_t i = 0; i < 4; ++i) {
    auto m = needs[i].source != 0 ? ops_.cap_mint(needs[i].source, needs[i].broker_rights, needs[i].badge)
                                  : ops_.memory_split(self_service_quota(spec));
    if (!m.ok()) return fail(c, SetupStep::GrantRegistry, m.error());
    c.grants[i] = *m;
  }
  for (int side = kProducer; side <= kConsumer; ++side) {
    if (auto r = grant_side(c, static_cast<Side>(side)); !r.ok()) return fail(c, SetupStep::GrantRegistry, r.error());
  }
  log(AuditEvent::Granted, c);
  return SelfServiceGrant{c.id,
                          name,
                          c.task_slots[kProducer][0],
                          c.task_slots[kProducer][1],
                          c.task_slots[kProducer][2],
                          c.task_slots[kConsumer][0],
                          c.window[kProducer],
                          c.window[kConsumer]};
}

// A self-service side's capabilities, inserted from the broker's intermediates: the producer's registry
// capability (Write), its sub-quota (Control) and its control-name capability (Read, Write), the
// consumer's registry capability (Read). The slots go to task_slots[side] (producer: registry, memory,
// control; consumer: registry).
KResult<void> ChannelBroker::grant_side(ChannelRecord& c, Side side) {
  struct Give {
    std::size_t grant;
    abi::Rights rights;
  };
  static constexpr Give kProducerGets[3] = {
      {0, abi::kRightWrite}, {2, abi::kRightControl}, {3, abi::kRightRead | abi::kRightWrite}};
  static constexpr Give kConsumerGets[1] = {{1, abi::kRightRead}};
  const std::span<const Give> gives =
      side == kProducer ? std::span<const Give>(kProducerGets) : std::span<const Give>(kConsumerGets);
  Component& k = components_[c.party[side]];
  for (std::size_t i = 0; i < gives.size(); ++i) {
    const Slot at = k.next_slot;
    if (auto r = ops_.cap_insert_into(k.task, at, c.grants[gives[i].grant], gives[i].rights, abi::kNoBadge); !r.ok())
      return err(r.error());
    ++k.next_slot;
    c.task_slots[side][i] = at;
  }
  return {};
}

bool ChannelBroker::control_parts(ChannelRecord& c) {
  if (c.control[0] != 0) return true;
  const std::uint64_t name = self_service_control_name(c.id);
  auto header = ops_.shmem_query(registry_, name);
  if (!header.ok()) return false;
  c.control[0] = header->frame;
  c.control[1] = header->notification;
  auto own = ops_.shmem_query(registry_, name + 1);
  if (own.ok()) {
    c.control[2] = own->notification;
    Slot page = own->frame; // only its notification is needed
    drop(page, false);
  }
  // The producer registered part 0: it must be one page (with Audit, so its size can be seen). A larger
  // frame mapped at this record's header slot would cover the slots of the records after it.
  const auto size = ops_.frame_size(c.control[0]);
  if (!size.ok() || *size != ipc::kPageSize ||
      !ops_.memory_map(c.control[0], header_vaddr(c), abi::kMapRead | abi::kMapWrite).ok()) {
    for (Slot& k : c.control)
      drop(k, false);
    return false;
  }
  return true;
}

void* ChannelBroker::header_page(ChannelRecord& c) {
  if (c.mode == SetupMode::Centralized) return c.frames[0] != 0 ? ops_.local(header_vaddr(c)) : nullptr;
  return control_parts(c) ? ops_.local(header_vaddr(c)) : nullptr;
}

void ChannelBroker::tell_both(ChannelRecord& c) {
  void* page = header_page(c);
  if (page == nullptr) return; // a self-service producer that never registered: there is no ring
  ipc::mark_closed(page);
  // Wake whoever sleeps on either notification: it re-checks, sees the closed word and returns Closed.
  const Slot* notes = c.mode == SetupMode::Centralized ? c.notify : &c.control[1];
  for (int n = 0; n < 2; ++n) {
    if (notes[n] != 0) (void)ops_.signal(notes[n]);
  }
}

Result<void, BrokerError> ChannelBroker::close_channel(std::uint32_t id) {
  ChannelRecord* c = nullptr;
  for (ChannelRecord& r : channels_) {
    if (r.state != ChannelState::Free && r.id == id) c = &r;
  }
  if (c == nullptr) return err(BrokerError::NoSuchChannel);
  tell_both(*c);
  release(*c);
  log(AuditEvent::Closed, *c);
  *c = ChannelRecord{};
  return {};
}

void ChannelBroker::set_state_word(ChannelRecord& c, std::uint32_t word) {
  void* page = header_page(c);
  if (page == nullptr) return;
  if (word == ipc::kChannelPeerRestarting)
    ipc::mark_peer_restarting(page);
  else
    ipc::mark_peer_back(page);
}

void ChannelBroker::component_ended(std::size_t index, bool restarting) {
  if (index >= kMaxComponents) return;
  components_[index].alive = false;
  for (ChannelRecord& c : channels_) {
    if (c.state == ChannelState::Free) continue;
    for (int side = kProducer; side <= kConsumer; ++side) {
      // A side still marked returning that ends for good (its restart failed, or its budget ran out)
      // is handled like one that just ended.
      if (c.party[side] != index || (!c.alive[side] && !c.returning[side])) continue;
      c.alive[side] = false;
      // Its mappings and the slots it held went with it; the copies they were made through are bookkeeping.
      for (Slot& s : c.copies[side])
        drop(s, false);
      for (Slot& t : c.task_slots[side])
        t = 0;
      c.returning[side] = restarting;
      const int other = 1 - side;
      const bool other_there = c.alive[other] || c.returning[other];
      if (restarting && other_there) {
        if (c.state == ChannelState::Active) {
          c.state = ChannelState::Restarting;
          set_state_word(c, ipc::kChannelPeerRestarting);
        }
        log(AuditEvent::SideDown, c);
      } else if (other_there) {
        tell_both(c);
        c.state = ChannelState::PeerGone;
        log(AuditEvent::PeerEnded, c);
      } else {
        release(c);
        log(AuditEvent::Closed, c);
        c = ChannelRecord{};
        break;
      }
    }
  }
}

KResult<void> ChannelBroker::reattach(ChannelRecord& c, Side side) {
  if (c.mode == SetupMode::SelfService) return grant_side(c, side);
  if (auto m = map_side(c, side); !m.ok()) return m;
  return install_side(c, side);
}

Result<void, BrokerError> ChannelBroker::component_restarted(std::size_t index, Slot task, Slot first_free_slot) {
  if (index >= kMaxComponents || !components_[index].present) return err(BrokerError::NotRegistered);
  Component& k = components_[index];
  // The same windows as before (each channel's window stays reserved while it waits), a new table.
  k.alive = true;
  k.task = task;
  k.next_slot = first_free_slot == 0 ? 1 : first_free_slot;
  for (ChannelRecord& c : channels_) {
    if (c.state == ChannelState::Free) continue;
    for (int side = kProducer; side <= kConsumer; ++side) {
      if (c.party[side] != index || !c.returning[side]) continue;
      if (auto r = reattach(c, static_cast<Side>(side)); !r.ok()) {
        last_kernel_ = r.error();
        return err(BrokerError::Kernel);
      }
      c.returning[side] = false;
      c.alive[side] = true;
      ++c.restarts[side];
      if (c.state == ChannelState::Restarting && c.alive[1 - side]) {
        c.state = ChannelState::Active;
        set_state_word(c, 0);
      }
      log(AuditEvent::Reattached, c);
    }
  }
  return {};
}

Result<Attachment, BrokerError> ChannelBroker::attachment(std::uint32_t id, std::size_t index) const {
  const ChannelRecord* c = channel(id);
  if (c == nullptr) return err(BrokerError::NoSuchChannel);
  for (int side = kProducer; side <= kConsumer; ++side) {
    if (c->party[side] != index) continue;
    if (!c->alive[side]) return err(BrokerError::NotRegistered); // ended: it holds nothing now
    const Side s = static_cast<Side>(side);
    Attachment a{c->mode, c->window[side], side_config(*c, s), 0, 0, 0, 0};
    if (c->mode == SetupMode::SelfService) {
      a.registry = c->task_slots[side][0];
      a.memory = side == kProducer ? c->task_slots[side][1] : 0;
      a.control = side == kProducer ? c->task_slots[side][2] : 0;
      a.name = self_service_name(c->id);
    }
    return a;
  }
  return err(BrokerError::NotRegistered);
}

void ChannelBroker::audit_component(AuditEvent e, std::size_t index, std::uint8_t detail) {
  const auto who = static_cast<std::uint16_t>(index);
  audit_.record(AuditRecord{0, ops_.now(), e, SetupMode::Centralized, 0, detail, kNoChannel, who, who, 0});
}

const char* channel_state_name(ChannelState s) {
  switch (s) {
  case ChannelState::Free: return "free";
  case ChannelState::Active: return "active";
  case ChannelState::PeerGone: return "peer-gone";
  case ChannelState::Restarting: return "restarting";
  }
  return "?";
}

} // namespace bramble::broker
