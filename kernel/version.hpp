#pragma once

namespace bramble {
inline constexpr const char* kVersion = "0.1.0";
}
