// settlebridge: the one binary. Everything lives in the area libraries; this file only hands over.
#include "daemon/app/cli.hpp"

int main(int argc, char** argv) { return settlebridge::app::runCli(argc, argv); }
