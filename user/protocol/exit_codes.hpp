// The exit codes a demo component ends with, and what the root task reads from them (task_info's
// exit code). The components define nothing else the root task needs to understand; the hostile
// components add kExitAttackMisfired (user/protocol/hostile.hpp).
#pragma once

namespace bramble::components {

inline constexpr int kExitOk = 0;
inline constexpr int kExitSetupFailed = 2;
inline constexpr int kExitPeerGone = 3; // the broker closed the channel (the peer ended)
inline constexpr int kExitVerifyFailed = 4;

} // namespace bramble::components
