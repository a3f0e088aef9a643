// drivers: a driver includes the board.
#pragma once
#include "board.hpp"
