/*
 * The GDB remote serial protocol server (-s, -gdb tcp::PORT). It listens in
 * the main loop, stops the VM when gdb attaches (or at -S), acts on packets only
 * while the VM is stopped (all-stop, as QEMU), never waits for the peer, and
 * presents each vCPU as a thread. Malformed packets are answered with an error reply; they
 * never crash the emulator.
 */
#ifndef GDBSTUB_GDBSTUB_H
#define GDBSTUB_GDBSTUB_H

#include "common.h"
#include "util/error.h"

/* Start listening on "tcp::PORT", "tcp:HOST:PORT" or "PORT". False + errp on a bad spec or
 * if the port cannot be bound. Call after the vCPUs are created. */
bool gdbserver_start(const char *device, Error **errp) WARN_UNUSED_RESULT;

/* Stop listening and drop the connected gdb, if any (its breakpoints go; the run state stays
 * as it was, as QEMU's "gdbserver none"). Does nothing when not listening. */
void gdbserver_stop(void);

#endif
