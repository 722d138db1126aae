/*
 * ramfb (hw/display/ramfb.c): a framebuffer in guest RAM that the guest configures through
 * the fw_cfg file "etc/ramfb". A sysbus device without MMIO or interrupts: a board accepts
 * it from -device as it is (it needs the board's fw_cfg, with DMA, to exist already).
 */
#ifndef HW_DISPLAY_RAMFB_H
#define HW_DISPLAY_RAMFB_H

#define TYPE_RAMFB "ramfb"

#endif
