/*
 * PCI configuration space layout (PCI Local Bus 3.0, 6.1 "Configuration Space
 * Organization", type 0 header; PCIe 4.0, 7.5 for the extended space), with
 * the register names the spec uses.
 */
#ifndef HW_PCI_PCI_REGS_H
#define HW_PCI_PCI_REGS_H

#define PCI_CONFIG_SPACE_SIZE 0x100
#define PCIE_CONFIG_SPACE_SIZE 0x1000

#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_COMMAND_IO 0x0001
#define PCI_COMMAND_MEMORY 0x0002
#define PCI_COMMAND_MASTER 0x0004
#define PCI_COMMAND_PARITY 0x0040
#define PCI_COMMAND_SERR 0x0100
#define PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS 0x06
#define PCI_STATUS_INTERRUPT 0x0008
#define PCI_STATUS_CAP_LIST 0x0010
#define PCI_STATUS_W1C 0xf900 /* parity, target/master aborts, SERR, parity error */
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_CLASS_DEVICE 0x0a
#define PCI_CACHE_LINE_SIZE 0x0c
#define PCI_LATENCY_TIMER 0x0d
#define PCI_HEADER_TYPE 0x0e
#define PCI_BASE_ADDRESS_0 0x10
#define PCI_BASE_ADDRESS_SPACE_IO 0x01
#define PCI_BASE_ADDRESS_MEM_TYPE_64 0x04
#define PCI_BASE_ADDRESS_MEM_PREFETCH 0x08
#define PCI_BASE_ADDRESS_IO_MASK (~(uint64_t)0x3)
#define PCI_BASE_ADDRESS_MEM_MASK (~(uint64_t)0xf)
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_ROM_ADDRESS 0x30
#define PCI_ROM_ADDRESS_ENABLE 0x01
#define PCI_ROM_ADDRESS_MASK 0xfffff800u
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d
#define PCI_CONFIG_HEADER_END 0x40 /* capabilities start here */

#define PCI_CAP_ID_VNDR 0x09 /* vendor specific (virtio's capabilities) */
#define PCI_CAP_LIST_NEXT 1

/* Class codes (24-bit: class, subclass, interface) used by our devices. */
#define PCI_CLASS_BRIDGE_HOST 0x060000
#define PCI_CLASS_STORAGE_SCSI 0x010000
#define PCI_CLASS_STORAGE_OTHER 0x018000
#define PCI_CLASS_NETWORK_ETHERNET 0x020000
#define PCI_CLASS_OTHERS 0x00ff00 /* class 0x00, subclass 0xff, as QEMU */
#define PCI_CLASS_DISPLAY_OTHER 0x038000
#define PCI_CLASS_INPUT_OTHER 0x098000

#define PCI_VENDOR_ID_REDHAT_QUMRANET 0x1af4 /* virtio */
#define PCI_VENDOR_ID_REDHAT 0x1b36          /* QEMU's own devices */
#define PCI_SUBDEVICE_ID_QEMU 0x1100

#endif
