/*
 * The emulator's entry point: build the machine from the command line, run
 * the main loop until the guest or the user ends it, exit with its status.
 */
#include "system/system.h"
#include "system/target-info.h"
#include "util/error.h"

int main(int argc, char **argv)
{
    int status;

    error_set_progname(target_info()->binary);
    /* Start-up may end here: after -h or dumpdtb (status 0) or a configuration error (1). */
    if (!system_init(argc, argv, &status)) {
        return status;
    }
    status = main_loop();
    system_cleanup();
    return status;
}
