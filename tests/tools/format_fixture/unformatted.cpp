// Unformatted on purpose: the format check must reject it (tests/CMakeLists.txt, style.format.self-test).
int   main( ) {return   0 ;}
