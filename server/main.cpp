// `vigil`: a thin executable; the commands live in the vigil_server library.
#include "server/cli.h"

int main(int argc, char** argv) { return vigil::RunCli(argc, argv); }
