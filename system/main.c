/*
 * The emulator's entry point: build the machine from the command line, run
 * the main loop until the guest or the user ends it, exit with its status.
 */
#include "system/system.h"

int main(int argc, char **argv)
{
    int status;

    system_init(argc, argv);
    status = main_loop();
    system_cleanup();
    return status;
}
