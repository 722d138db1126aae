/*
 * The ICH9 ACPI power-management block (contract in include/hw/acpi/ich9.h).
 *
 * Spec: ACPI 6.4 4.8.3 (PM1 event and control registers, the PM timer), 7.4.2
 * (sleeping states); ICH9 datasheet 13.8.3 (PMBASE I/O map, SMI_EN). The
 * PM timer counts at 3.579545 MHz from the virtual clock, 24 bits wide as
 * QEMU's (FADT TMR_VAL_EXT clear); TMR_STS sets each time bit 23 flips.
 * SCI = (PM1_STS & PM1_EN & (TMR|GBL|PWRBTN)) or any GPE0 status bit enabled.
 * A write of PM1_CNT with SLP_EN and SLP_TYP 0 (QEMU's q35 DSDT _S5) powers
 * off: the process exits with status 0, as qemu-system-x86_64 does. Other
 * sleep types are not modelled (logged). SMI_EN reads APMC_EN set from reset,
 * as QEMU's with SMM off: it tells the firmware its SMM set-up is done, since
 * this machine has no SMM.
 */
#include "hw/acpi/ich9.h"

#include <inttypes.h>

#include "system/runstate.h"
#include "util/log.h"

#define PM1_EN_SCI_BITS (ACPI_PM1_TMR_STS | ACPI_PM1_GBL_STS | ACPI_PM1_PWRBTN_STS)
#define PM_TMR_MASK 0xffffff

static uint64_t pm_ticks(void)
{
    return muldiv64(clock_get_ns(CLOCK_VIRTUAL), ACPI_PM_TIMER_HZ, NANOSECONDS_PER_SECOND);
}

uint32_t ich9_pm_timer(void)
{
    return pm_ticks() & PM_TMR_MASK;
}

static void pm_update_sci(ICH9PM *pm)
{
    bool level = pm->pm1_sts & pm->pm1_en & PM1_EN_SCI_BITS;

    for (int i = 0; i < ICH9_PMIO_GPE0_LEN; i++) {
        level |= (pm->gpe0_sts[i] & pm->gpe0_en[i]) != 0;
    }
    irq_set(pm->sci, level);
}

/* Arm the timer for the next flip of bit 23 (while TMR_EN is set). */
static void pm_arm_overflow(ICH9PM *pm)
{
    uint64_t next;

    if (!(pm->pm1_en & ACPI_PM1_TMR_STS)) {
        timer_del(pm->overflow);
        return;
    }
    next = (pm_ticks() | 0x7fffff) + 1;
    /* Round the nanoseconds up, so the callback sees the flip done. */
    timer_mod_ns(pm->overflow,
                 (int64_t)muldiv64(next, NANOSECONDS_PER_SECOND, ACPI_PM_TIMER_HZ) + 1);
}

static void pm_overflow_cb(void *opaque)
{
    ICH9PM *pm = opaque;

    pm->pm1_sts |= ACPI_PM1_TMR_STS;
    pm_update_sci(pm);
    pm_arm_overflow(pm);
}

static void pm1_cnt_write(ICH9PM *pm, uint32_t val)
{
    int slp_typ = (val >> 10) & 7;

    pm->pm1_cnt = val & ~ACPI_PM1_CNT_SLP_EN; /* SLP_EN is write-only */
    if (!(val & ACPI_PM1_CNT_SLP_EN)) {
        return;
    }
    if (slp_typ == 0) {
        shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN, 0); /* S5: soft off */
    } else {
        log_mask(LOG_UNIMP, "ich9-pm: sleep type %d (only S5, type 0, is modelled)\n", slp_typ);
    }
}

void ich9_pm_powerbutton(ICH9PM *pm)
{
    pm->pm1_sts |= ACPI_PM1_PWRBTN_STS;
    pm_update_sci(pm);
}

static uint64_t pm_read(void *opaque, hwaddr addr, unsigned size)
{
    ICH9PM *pm = opaque;

    switch (addr) {
    case ICH9_PMIO_PM1_STS:
        return pm->pm1_sts;
    case ICH9_PMIO_PM1_EN:
        return pm->pm1_en;
    case ICH9_PMIO_PM1_CNT:
        return pm->pm1_cnt;
    case ICH9_PMIO_PM_TMR:
        return ich9_pm_timer();
    case ICH9_PMIO_SMI_EN:
        return pm->smi_en;
    case ICH9_PMIO_SMI_STS:
        return pm->smi_sts;
    default:
        if (addr >= ICH9_PMIO_GPE0_STS && addr < ICH9_PMIO_GPE0_STS + ICH9_PMIO_GPE0_LEN) {
            return pm->gpe0_sts[(addr - ICH9_PMIO_GPE0_STS) % ICH9_PMIO_GPE0_LEN];
        }
        if (addr >= ICH9_PMIO_GPE0_EN && addr < ICH9_PMIO_GPE0_EN + ICH9_PMIO_GPE0_LEN) {
            return pm->gpe0_en[(addr - ICH9_PMIO_GPE0_EN) % ICH9_PMIO_GPE0_LEN];
        }
        return 0;
    }
}

static void pm_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    ICH9PM *pm = opaque;

    switch (addr) {
    case ICH9_PMIO_PM1_STS:
        pm->pm1_sts &= ~val; /* write 1 to clear */
        break;
    case ICH9_PMIO_PM1_EN:
        pm->pm1_en = val & (PM1_EN_SCI_BITS | (1u << 10)); /* + RTC_EN */
        pm_arm_overflow(pm);
        break;
    case ICH9_PMIO_PM1_CNT:
        pm1_cnt_write(pm, val);
        break;
    case ICH9_PMIO_SMI_EN:
        pm->smi_en = val;
        break;
    case ICH9_PMIO_SMI_STS:
        pm->smi_sts &= ~val;
        break;
    default:
        if (addr >= ICH9_PMIO_GPE0_STS && addr < ICH9_PMIO_GPE0_EN) {
            pm->gpe0_sts[(addr - ICH9_PMIO_GPE0_STS) % ICH9_PMIO_GPE0_LEN] &= ~val;
        } else if (addr >= ICH9_PMIO_GPE0_EN && addr < ICH9_PMIO_GPE0_EN + ICH9_PMIO_GPE0_LEN) {
            pm->gpe0_en[(addr - ICH9_PMIO_GPE0_EN) % ICH9_PMIO_GPE0_LEN] = val;
        } else {
            log_mask(LOG_GUEST_ERROR, "ich9-pm: write 0x%" PRIx64 " to 0x%02" PRIx64 "\n", val,
                     addr);
        }
        break;
    }
    pm_update_sci(pm);
}

/* The register holding byte addr: PM1a_EVT is two words, GPE0 bytes, the rest dwords. */
static hwaddr pm_reg_of(hwaddr addr)
{
    if (addr < ICH9_PMIO_PM1_CNT) {
        return addr & ~1;
    }
    if (addr >= ICH9_PMIO_GPE0_STS && addr < ICH9_PMIO_SMI_EN) {
        return addr;
    }
    return addr & ~3;
}

static uint64_t pm_read_any(void *opaque, hwaddr addr, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        hwaddr reg = pm_reg_of(addr + i);
        v |= ((pm_read(opaque, reg, 4) >> (8 * (addr + i - reg))) & 0xff) << (8 * i);
    }
    return v;
}

static void pm_write_any(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    for (unsigned i = 0; i < size;) {
        hwaddr a = addr + i, reg = pm_reg_of(a);
        bool gpe = reg >= ICH9_PMIO_GPE0_STS && reg < ICH9_PMIO_SMI_EN;
        unsigned width = reg < ICH9_PMIO_PM1_CNT ? 2 : gpe ? 1 : 4;
        unsigned n = MIN(size - i, width - (unsigned)(a - reg));
        int shift = 8 * (a - reg);
        uint64_t part = (val >> (8 * i)) & ((1ULL << (8 * n)) - 1);
        bool w1c = reg == ICH9_PMIO_PM1_STS || reg == ICH9_PMIO_SMI_STS ||
                   (reg >= ICH9_PMIO_GPE0_STS && reg < ICH9_PMIO_GPE0_EN);

        if (!w1c && n < width) {
            /* A narrow write inside a wider register keeps the register's other bytes. */
            uint64_t mask = ((1ULL << (8 * n)) - 1) << shift;
            part = (pm_read(opaque, reg, 4) & ~mask) | (part << shift);
        } else {
            part <<= shift;
        }
        pm_write(opaque, reg, part, width);
        i += n;
    }
}

static const MemoryRegionOps pm_ops = {
    .read = pm_read_any,
    .write = pm_write_any,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

void ich9_pm_init(ICH9PM *pm)
{
    memory_region_init_io(&pm->io, &pm_ops, pm, "ich9-pm", ICH9_PMIO_SIZE);
    pm->overflow = timer_new_ns(CLOCK_VIRTUAL, pm_overflow_cb, pm);
}

void ich9_pm_reset(ICH9PM *pm)
{
    pm->pm1_sts = pm->pm1_en = 0;
    pm->pm1_cnt = 0;
    pm->smi_en = ICH9_SMI_EN_APMC_EN;
    pm->smi_sts = 0;
    memset(pm->gpe0_sts, 0, sizeof(pm->gpe0_sts));
    memset(pm->gpe0_en, 0, sizeof(pm->gpe0_en));
    timer_del(pm->overflow);
    pm_update_sci(pm);
}
