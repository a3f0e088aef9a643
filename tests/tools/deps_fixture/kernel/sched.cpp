// no-board-if: generic code tests the board.
#if BRAMBLE_BOARD_RPI4
int x;
#endif
