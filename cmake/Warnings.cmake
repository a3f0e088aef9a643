# One warning set for every target Bramble builds; -Werror when BRAMBLE_WERROR is on (CI).
add_library(bramble_warnings INTERFACE)
target_compile_options(bramble_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Wnull-dereference -Wdouble-promotion -Wimplicit-fallthrough
  $<$<BOOL:${BRAMBLE_WERROR}>:-Werror>)
# Assembly files take none of the C++ warnings.
