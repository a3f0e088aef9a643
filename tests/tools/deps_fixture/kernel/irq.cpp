// no-board-path: generic code picks a board folder by path.
#include "board/rpi4/board.hpp"
#include "drivers/uart.hpp"
