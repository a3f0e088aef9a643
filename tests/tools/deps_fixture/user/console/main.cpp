// programs: one program includes another one's header.
#include "user/components/message.hpp"
