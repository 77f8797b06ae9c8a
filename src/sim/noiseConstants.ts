/**
 * Run-to-run and host-to-host performance noise, derived offline from the Azure VM Noise Dataset 2024
 * (Freischuetz et al., "TUNA", EuroSys 2025; CC-BY 4.0, Microsoft). Only these constants are committed; the
 * derivation (which files, which statistic) is in docs/simulation.md, section "Noise calibration".
 *
 * All values are standard deviations of ln(benchmark value), D8s_v5 VMs, mean of eastus and westus2.
 */

/** Redis GET, 50 connections, same long-lived VM: within-VM sd of ln(requests/s) is 0.0412 (eastus), 0.0426 (westus2). */
export const RUN_TO_RUN_LOG_SD = 0.042;

/**
 * Host-to-host: Redis on a fresh VM per run has ln-sd 0.0863 / 0.0871; removing the run-to-run part,
 * sqrt(0.0867² − 0.042²) = 0.076.
 */
export const HOST_TO_HOST_LOG_SD = 0.076;

/** Stress-NG CPU, long-lived VM: within-VM coefficient of variation 0.0097 / 0.0095 (for documentation and tests). */
export const CPU_RUN_TO_RUN_LOG_SD = 0.0096;

/** Intel MLC max bandwidth, long-lived VM: within-VM coefficient of variation 0.0209 / 0.0223. */
export const MEMORY_BANDWIDTH_RUN_TO_RUN_LOG_SD = 0.0216;
